package io.tributary.auth;

/** What every new password needs: at least 8 characters with an upper-case and a lower-case letter, a digit and a special character. */
public final class PasswordPolicy {

  public static final int MIN_LENGTH = 8;
  public static final String RULE = "at least " + MIN_LENGTH
    + " characters with an upper-case letter, a lower-case letter, a digit and a special character";

  private PasswordPolicy() {
  }

  /** Why {@code password} is too weak, or null when it meets the policy. */
  public static String weakness(String password) {
    if (password == null || password.length() < MIN_LENGTH) {
      return "it is shorter than " + MIN_LENGTH + " characters";
    }
    boolean upper = false;
    boolean lower = false;
    boolean digit = false;
    boolean special = false;
    for (int i = 0; i < password.length(); i++) {
      char c = password.charAt(i);
      if (Character.isUpperCase(c)) {
        upper = true;
      } else if (Character.isLowerCase(c)) {
        lower = true;
      } else if (Character.isDigit(c)) {
        digit = true;
      } else if (!Character.isWhitespace(c) || c == ' ') {
        special = true;
      }
    }
    if (!upper) {
      return "it has no upper-case letter";
    }
    if (!lower) {
      return "it has no lower-case letter";
    }
    if (!digit) {
      return "it has no digit";
    }
    return special ? null : "it has no special character";
  }
}
