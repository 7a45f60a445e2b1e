package io.tributary.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Unguessable tokens for share links and export downloads: 256 random bits, URL-safe. Only their SHA-256 is
 * stored, so the database never holds a usable token.
 */
final class ShareTokens {

  private static final SecureRandom RANDOM = new SecureRandom();

  private ShareTokens() {
  }

  static String create() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a text can be a token at all (43 URL-safe characters); anything else is not looked up. */
  static boolean wellFormed(String token) {
    return token != null && token.length() == 43 && token.chars().allMatch(c -> Character.isLetterOrDigit(c)
      || c == '-' || c == '_');
  }
}
