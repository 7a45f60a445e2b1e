package io.tributary.auth;

import io.vertx.ext.auth.hashing.HashingStrategy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/** PBKDF2 (HMAC-SHA512) password hashes in Vert.x's PHC string format. CPU-bound: call from a worker. */
public final class Passwords {

  private static final HashingStrategy STRATEGY = HashingStrategy.load();
  private static final Map<String, String> PARAMS = Map.of("it", "100000");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Passwords() {
  }

  public static String hash(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return STRATEGY.hash("pbkdf2", PARAMS, Base64.getEncoder().withoutPadding().encodeToString(salt), password);
  }

  public static boolean verify(String hash, String password) {
    return STRATEGY.verify(hash, password);
  }

  /** A hash to verify against when the user is unknown, so both answers take the same time. */
  public static String decoyHash() {
    return Decoy.HASH;
  }

  private static final class Decoy {
    static final String HASH = hash(random());
  }

  /** A random password for the first admin when none is configured; it meets {@link PasswordPolicy}. */
  public static String random() {
    while (true) {
      byte[] bytes = new byte[18];
      RANDOM.nextBytes(bytes);
      String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "!";
      if (PasswordPolicy.weakness(password) == null) {
        return password;
      }
    }
  }
}
