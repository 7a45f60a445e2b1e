package io.tributary.source;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.json.JsonObject;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Encrypts connection passwords at rest with AES-256-GCM: a random 12-byte nonce per secret, stored before the
 * ciphertext and its tag. The key is the configured one ({@code sources.encryption_key}, base64 of 32 bytes), or the
 * file {@code sources.encryption_key_file} names (the nodes of a cluster share one), or {@code keys/sources.key} in
 * the data directory; a key file is created with mode 0600 when missing and its folder is writable. {@link #keyId()} names the
 * key (a hash prefix), so a secret encrypted under another key is recognised as such instead of failing obscurely.
 */
final class SecretBox {

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKey key;
  private final String keyId;

  private SecretBox(byte[] raw) {
    if (raw.length != 32) {
      throw new IllegalArgumentException("the sources encryption key must be 32 bytes, got " + raw.length);
    }
    this.key = new SecretKeySpec(raw, "AES");
    try {
      this.keyId = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw), 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The configured key (base64), or the key file configured ({@code keyFile}, null: none), or the data directory's
   * key file; a missing key file is created. Blocking.
   */
  static SecretBox load(String configuredBase64, String keyFile, Path keysDir) throws IOException {
    if (configuredBase64 != null && !configuredBase64.isBlank()) {
      return new SecretBox(Base64.getDecoder().decode(configuredBase64.trim()));
    }
    Path file = keyFile != null && !keyFile.isBlank() ? Path.of(keyFile) : keysDir.resolve("sources.key");
    if (!Files.exists(file)) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      byte[] raw = new byte[32];
      RANDOM.nextBytes(raw);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, Base64.getEncoder().encode(raw), StandardOpenOption.TRUNCATE_EXISTING);
      } catch (FileAlreadyExistsException raced) {
        // another verticle instance created it first: use that one
      }
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    for (int i = 0; text.isEmpty() && i < 50; i++) {
      // the other instance is still writing it
      sleep();
      text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    }
    return new SecretBox(Base64.getDecoder().decode(text));
  }

  private static void sleep() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  String keyId() {
    return keyId;
  }

  byte[] encrypt(String secret) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** The secret; fails when it was sealed under another key or altered. */
  String decrypt(byte[] sealed, String sealedKeyId) {
    if (!keyId.equals(sealedKeyId)) {
      throw new ApiException(ErrorCode.SOURCE_FAILED, "The connection's password was sealed with another key ("
        + sealedKeyId + ") than this node's (" + keyId + "): give every node the same sources.encryption_key or "
        + "sources.encryption_key_file, or create the connection again", new JsonObject().put("key_id", sealedKeyId));
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
      return new String(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the stored password could not be decrypted (altered, or another key)", e);
    }
  }
}
