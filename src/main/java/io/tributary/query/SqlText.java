package io.tributary.query;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Cheap lexical work on SQL text on the event loop (no parsing): a normal form for cache keys (whitespace
 * outside literals collapsed, trailing semicolons dropped) and the identifiers it mentions (an over-estimate
 * of the tables read, which is safe for cache invalidation).
 */
final class SqlText {

  private SqlText() {
  }

  static String normalize(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    boolean space = false;
    char quote = 0;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (quote != 0) {
        out.append(c);
        if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '\'' || c == '"') {
        if (space && out.length() > 0) {
          out.append(' ');
        }
        space = false;
        quote = c;
        out.append(c);
      } else if (Character.isWhitespace(c)) {
        space = true;
      } else {
        if (space && out.length() > 0) {
          out.append(' ');
        }
        space = false;
        out.append(c);
      }
    }
    int end = out.length();
    while (end > 0 && (out.charAt(end - 1) == ';' || out.charAt(end - 1) == ' ')) {
      end--;
    }
    return out.substring(0, end);
  }

  /** Lower-cased unquoted words and exact double-quoted identifiers of the text (string literals skipped). */
  static Set<String> identifiers(String sql) {
    Set<String> names = new HashSet<>();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'') {
        int j = sql.indexOf('\'', i + 1);
        i = j < 0 ? n : j + 1;
      } else if (c == '"') {
        int j = sql.indexOf('"', i + 1);
        if (j < 0) {
          break;
        }
        names.add(sql.substring(i + 1, j));
        i = j + 1;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i + 1;
        while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
          j++;
        }
        names.add(sql.substring(i, j).toLowerCase(Locale.ROOT));
        i = j;
      } else {
        i++;
      }
    }
    return names;
  }
}
