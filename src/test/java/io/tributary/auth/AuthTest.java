package io.tributary.auth;

import io.tributary.support.Api;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Authentication and users")
class AuthTest {

  @Test
  @DisplayName("the admin logs in and gets an RS256 token valid 24 h with the documented claims, verifiable with the JWKS")
  void adminLogin() throws Exception {
    HttpResponse<Buffer> r = Api.anonymous().post("/api/v1/auth/login",
      new JsonObject().put("email", TestApp.ADMIN_EMAIL).put("password", TestApp.ADMIN_PASSWORD));
    assertThat(r.statusCode()).isEqualTo(200);
    String token = r.bodyAsJsonObject().getString("token");
    Instant expiresAt = Instant.parse(r.bodyAsJsonObject().getString("expires_at"));
    assertThat(expiresAt).isBetween(Instant.now().plusSeconds(86_400 - 60), Instant.now().plusSeconds(86_400 + 60));

    String[] parts = token.split("\\.");
    JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    assertThat(header.getString("alg")).isEqualTo("RS256");
    assertThat(claims.getString("email")).isEqualTo(TestApp.ADMIN_EMAIL);
    assertThat(claims.getString("role")).isEqualTo("admin");
    assertThat(claims.getString("tier")).isEqualTo("premium");
    assertThat(claims.getString("iss")).isEqualTo("tributary");
    assertThat(claims.getString("sub")).hasSize(36);
    assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(86_400L);

    JsonArray keys = Api.anonymous().get("/.well-known/jwks.json").bodyAsJsonObject().getJsonArray("keys");
    JsonObject jwk = keys.getJsonObject(0);
    assertThat(jwk.getString("kid")).isEqualTo(header.getString("kid"));
    PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
      new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("n"))),
      new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("e")))));
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initVerify(key);
    rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(rsa.verify(Base64.getUrlDecoder().decode(parts[2]))).as("signature verifies with the JWKS key").isTrue();
  }

  @Test
  @DisplayName("a wrong password and an unknown email both answer 401 in the error envelope")
  void badCredentials() {
    Api.error(Api.anonymous().post("/api/v1/auth/login",
      new JsonObject().put("email", TestApp.ADMIN_EMAIL).put("password", "wrong-password")), 401, "INVALID_CREDENTIALS");
    Api.error(Api.anonymous().post("/api/v1/auth/login",
      new JsonObject().put("email", "nobody@test.local").put("password", "whatever1")), 401, "INVALID_CREDENTIALS");
    Api.error(Api.anonymous().post("/api/v1/auth/login", new JsonObject().put("email", "x@y.z")), 400, "VALIDATION_FAILED");
    Api.error(Api.anonymous().postRaw("/api/v1/auth/login", "application/json", Buffer.buffer("{not json")), 400, "BAD_REQUEST");
    Api.error(Api.anonymous().postRaw("/api/v1/auth/login", "text/plain", Buffer.buffer("hello")), 415, "UNSUPPORTED_MEDIA_TYPE");
  }

  @Test
  @DisplayName("every /api route refuses a missing, malformed, foreign-signed or expired token with 401")
  void tokenRequired() throws Exception {
    Api.error(Api.anonymous().get("/api/v1/data/datasets"), 401, "UNAUTHORIZED");
    Api.error(Api.anonymous().post("/api/v1/users", new JsonObject()), 401, "UNAUTHORIZED");
    Api.error(send("garbage.token.here"), 401, "UNAUTHORIZED");

    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    var foreign = generator.generateKeyPair();
    String foreignPem = "-----BEGIN PRIVATE KEY-----\n"
      + Base64.getMimeEncoder().encodeToString(foreign.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    JsonObject claims = new JsonObject().put("sub", "00000000-0000-0000-0000-000000000001")
      .put("email", TestApp.ADMIN_EMAIL).put("role", "admin").put("tier", "premium");
    Api.error(send(signer(foreignPem).generateToken(claims, new JWTOptions().setAlgorithm("RS256")
      .setIssuer("tributary").setExpiresInSeconds(600))), 401, "UNAUTHORIZED");

    String ourPem = Files.readString(TestApp.get().dataDir.resolve("app/keys/jwt-private.pem"));
    long past = Instant.now().minusSeconds(7200).getEpochSecond();
    String expired = signer(ourPem).generateToken(claims.copy().put("iat", past).put("exp", past + 60),
      new JWTOptions().setAlgorithm("RS256").setIssuer("tributary").setNoTimestamp(true));
    Api.error(send(expired), 401, "UNAUTHORIZED");
  }

  @Test
  @DisplayName("the admin creates users of each role; the reply has no password hash; duplicates and bad fields are refused")
  void createUsers() {
    Api admin = Api.admin();
    String email = "new-" + System.nanoTime() + "@test.local";
    HttpResponse<Buffer> r = admin.post("/api/v1/users", new JsonObject().put("email", email)
      .put("password", "Long-enough-1").put("role", "analyst").put("tier", "premium"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject user = r.bodyAsJsonObject();
    assertThat(user.getString("email")).isEqualTo(email);
    assertThat(user.getString("role")).isEqualTo("analyst");
    assertThat(user.getString("tier")).isEqualTo("premium");
    assertThat(user.getString("id")).hasSize(36);
    assertThat(r.bodyAsString()).doesNotContain("password").doesNotContain("pbkdf2");

    Api.error(admin.post("/api/v1/users", new JsonObject().put("email", email.toUpperCase())
      .put("password", "Long-enough-1").put("role", "viewer")), 409, "EMAIL_EXISTS");
    Api.error(admin.post("/api/v1/users", new JsonObject().put("email", "a@b.c").put("password", "Long-enough-1")
      .put("role", "superuser")), 400, "VALIDATION_FAILED");
    Api.error(admin.post("/api/v1/users", new JsonObject().put("email", "a@b.c").put("password", "short")), 400,
      "VALIDATION_FAILED");
    Api.error(admin.post("/api/v1/users", new JsonObject().put("email", "not-an-email").put("password", "Long-enough-1")),
      400, "VALIDATION_FAILED");

    Api analyst = Api.anonymous().login(email, "Long-enough-1");
    Api.error(analyst.post("/api/v1/users", new JsonObject().put("email", "x" + email).put("password", "Long-enough-1")),
      403, "FORBIDDEN");
  }

  @Test
  @DisplayName("a viewer may read but not upload (403)")
  void viewerCannotUpload() throws Exception {
    Api viewer = Api.newUser("viewer");
    assertThat(viewer.get("/api/v1/data/datasets").statusCode()).isEqualTo(200);
    var file = Files.createTempFile("viewer", ".csv");
    Files.writeString(file, "a,b\n1,2\n");
    Api.error(viewer.upload(file, Map.of()), 403, "FORBIDDEN");
  }

  private static HttpResponse<Buffer> send(String token) {
    return Api.send(Api.anonymous().request(io.vertx.core.http.HttpMethod.GET, "/api/v1/data/datasets")
      .bearerTokenAuthentication(token).send());
  }

  private static JWTAuth signer(String privatePem) {
    return JWTAuth.create(TestApp.get().vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(privatePem)));
  }
}
