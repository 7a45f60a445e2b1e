package io.tributary.query;

import java.util.Locale;
import java.util.Map;

/**
 * Renames tables in SQL text lexically, for queries that must follow their datasets to new names (a restored
 * dashboard): an unquoted word equal to a key (any case) becomes its value, a double-quoted identifier equal to a key
 * becomes the quoted value. String literals and comments stay, and so does a word after a dot (a column or a
 * collection's dataset) or before an opening parenthesis (a function). Pure: no I/O.
 */
public final class SqlRename {

  private SqlRename() {
  }

  /** The SQL with every table named by a key of {@code names} (lower case) renamed to its value. */
  public static String tables(String sql, Map<String, String> names) {
    if (names.isEmpty()) {
      return sql;
    }
    StringBuilder out = new StringBuilder(sql.length() + 16);
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      int end;
      String renamed = null;
      if (c == '\'' || c == '-' && i + 1 < n && sql.charAt(i + 1) == '-' || c == '/' && i + 1 < n
        && sql.charAt(i + 1) == '*') {
        end = skip(sql, i);
      } else if (c == '"') {
        int close = sql.indexOf('"', i + 1);
        end = close < 0 ? n : close + 1;
        String to = close < 0 || afterDot(sql, i) ? null : names.get(sql.substring(i + 1, close));
        renamed = to == null ? null : '"' + to + '"';
      } else if (Character.isLetter(c) || c == '_') {
        end = i + 1;
        while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
          end++;
        }
        boolean call = next(sql, end) == '(';
        renamed = call || afterDot(sql, i) ? null : names.get(sql.substring(i, end).toLowerCase(Locale.ROOT));
      } else {
        end = i + 1;
      }
      out.append(renamed != null ? renamed : sql.substring(i, end));
      i = end;
    }
    return out.toString();
  }

  /** The end of the string literal or comment starting at {@code i}. */
  private static int skip(String sql, int i) {
    int n = sql.length();
    if (sql.charAt(i) == '\'') {
      int j = i + 1;
      while (j < n) {
        if (sql.charAt(j) == '\'') {
          if (j + 1 < n && sql.charAt(j + 1) == '\'') {
            j += 2;
            continue;
          }
          return j + 1;
        }
        j++;
      }
      return n;
    }
    if (sql.charAt(i) == '-') {
      int eol = sql.indexOf('\n', i);
      return eol < 0 ? n : eol;
    }
    int close = sql.indexOf("*/", i + 2);
    return close < 0 ? n : close + 2;
  }

  private static boolean afterDot(String sql, int i) {
    int j = i - 1;
    while (j >= 0 && Character.isWhitespace(sql.charAt(j))) {
      j--;
    }
    return j >= 0 && sql.charAt(j) == '.';
  }

  private static char next(String sql, int i) {
    int j = i;
    while (j < sql.length() && Character.isWhitespace(sql.charAt(j))) {
      j++;
    }
    return j < sql.length() ? sql.charAt(j) : 0;
  }
}
