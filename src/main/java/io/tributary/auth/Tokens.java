package io.tributary.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.time.Instant;
import java.util.UUID;

/** Issues and verifies Tributary's RS256 tokens (claims: sub, email, role, tier, iat, exp, iss). */
public final class Tokens {

  private final JWTAuth auth;
  private final String issuer;
  private final int ttlSeconds;
  private final String keyId;

  /**
   * @param authConfig the {@code auth} section, with {@code private_key_pem}, {@code public_key_pem} and
   *                   {@code key_id} filled in at start by MainVerticle
   */
  public Tokens(Vertx vertx, JsonObject authConfig) {
    this.issuer = authConfig.getString("issuer", "tributary");
    this.ttlSeconds = authConfig.getInteger("token_ttl_hours", 24) * 3600;
    this.keyId = authConfig.getString("key_id");
    JWTAuthOptions options = new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setId(keyId)
        .setBuffer(authConfig.getString("public_key_pem")))
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setId(keyId)
        .setBuffer(authConfig.getString("private_key_pem")))
      .setJWTOptions(new JWTOptions().setIssuer(issuer).setAlgorithm("RS256"));
    this.auth = JWTAuth.create(vertx, options);
  }

  /** The provider used by the route and socket authentication handlers. */
  public JWTAuth provider() {
    return auth;
  }

  /** A signed token for the user row ({@code id}, {@code email}, {@code role}, {@code tier}). */
  public JsonObject issue(JsonObject user) {
    long nowMs = System.currentTimeMillis();
    long now = nowMs / 1000;
    String token = auth.generateToken(new JsonObject()
        .put("sub", user.getString("id"))
        .put("jti", UUID.randomUUID().toString())
        .put("iat_ms", nowMs)
        .put("email", user.getString("email"))
        .put("role", user.getString("role"))
        .put("tier", user.getString("tier")),
      new JWTOptions().setAlgorithm("RS256").setIssuer(issuer).setExpiresInSeconds(ttlSeconds)
        .setHeader(new JsonObject().put("kid", keyId)));
    return new JsonObject().put("token", token)
      .put("expires_at", Instant.ofEpochSecond(now + ttlSeconds).toString());
  }
}
