package io.tributary.collection;

/** A shell-style name pattern ({@code *} any run, {@code ?} one character) as a SQL LIKE pattern (escape {@code \}). */
final class Glob {

  private Glob() {
  }

  static String toLike(String glob) {
    StringBuilder out = new StringBuilder(glob.length() + 8);
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> out.append('%');
        case '?' -> out.append('_');
        case '%', '_', '\\' -> out.append('\\').append(c);
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** Whether {@code name} matches the glob. */
  static boolean matches(String glob, String name) {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(java.util.regex.Pattern.quote(String.valueOf(c)));
      }
    }
    return name.matches(regex.toString());
  }
}
