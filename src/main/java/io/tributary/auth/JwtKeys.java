package io.tributary.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The RS256 key pair that signs tokens: read from the configured PEM files, or generated at first start and
 * kept in {@code <data_dir>/keys} so tokens survive restarts. Blocking (file IO, key generation).
 */
public record JwtKeys(String privatePem, String publicPem, String keyId, JsonObject jwks) {

  /** Loads the configured key files, or the generated pair under {@code keysDir} (creating it if absent). */
  public static JwtKeys loadOrCreate(String privateFile, String publicFile, Path keysDir)
      throws IOException, GeneralSecurityException {
    if (privateFile != null && publicFile != null) {
      return of(Files.readString(Path.of(privateFile)), Files.readString(Path.of(publicFile)));
    }
    Path priv = keysDir.resolve("jwt-private.pem");
    Path pub = keysDir.resolve("jwt-public.pem");
    if (!Files.exists(priv) || !Files.exists(pub)) {
      Files.createDirectories(keysDir);
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      Path tmp = keysDir.resolve("jwt-private.pem.tmp");
      Files.writeString(tmp, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
      trySetOwnerOnly(tmp);
      Files.writeString(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
      Files.move(tmp, priv, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return of(Files.readString(priv), Files.readString(pub));
  }

  static JwtKeys of(String privatePem, String publicPem) throws GeneralSecurityException {
    byte[] der = Base64.getMimeDecoder().decode(publicPem
      .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    String kid = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der)).substring(0, 16);
    JsonObject jwk = new JsonObject()
      .put("kty", "RSA").put("use", "sig").put("alg", "RS256").put("kid", kid)
      .put("n", base64Url(key.getModulus()))
      .put("e", base64Url(key.getPublicExponent()));
    return new JwtKeys(privatePem, publicPem, kid, new JsonObject().put("keys", new JsonArray().add(jwk)));
  }

  private static String base64Url(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
      + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }

  private static void trySetOwnerOnly(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException ignored) {
      // not a POSIX file system: the data directory's own permissions apply
    }
  }
}
