package io.tributary.auth;

import io.tributary.MainVerticle;
import io.tributary.support.Api;
import io.tributary.support.ChildServer;
import io.tributary.support.TestApp;
import io.tributary.redis.RedisLink;
import io.tributary.support.Await;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Password policy and failed-login throttling")
class PasswordPolicyTest {

  @Test
  @DisplayName("new passwords need 8 characters with upper, lower, digit and special; the answer says what is missing")
  void policy() {
    assertThat(PasswordPolicy.weakness("Abcdef1!")).isNull();
    assertThat(PasswordPolicy.weakness("Abcde1!")).contains("shorter than 8");
    assertThat(PasswordPolicy.weakness("abcdef1!")).contains("upper-case");
    assertThat(PasswordPolicy.weakness("ABCDEF1!")).contains("lower-case");
    assertThat(PasswordPolicy.weakness("Abcdefg!")).contains("digit");
    assertThat(PasswordPolicy.weakness("Abcdefg1")).contains("special");
    for (int i = 0; i < 50; i++) {
      assertThat(PasswordPolicy.weakness(Passwords.random())).isNull();
    }
    JsonObject error = Api.error(Api.admin().post("/api/v1/users", new JsonObject()
      .put("email", "weak-" + UUID.randomUUID() + "@test.local").put("password", "password-123")), 400,
      "VALIDATION_FAILED");
    assertThat(error.getString("message")).contains("upper-case");
    assertThat(error.getJsonObject("details").getString("field")).isEqualTo("password");
  }

  @Test
  @DisplayName("a weak TRIBUTARY_ADMIN_PASSWORD stops the first start with a message that says why")
  void weakFirstAdmin() throws Exception {
    JsonObject cfg = TestApp.get().config();
    cfg.put("data_dir", Files.createTempDirectory("weak-admin").toString());
    cfg.getJsonObject("postgres").put("url", ChildServer.newDatabase(TestApp.get().services.pgUrl()));
    cfg.getJsonObject("admin").put("password", "tributary");
    cfg.getJsonObject("kafka").put("namespace", "weak-" + UUID.randomUUID());
    Vertx vertx = Vertx.vertx();
    try {
      assertThatThrownBy(() -> Await.result(vertx.deployVerticle(new MainVerticle(), new DeploymentOptions()
        .setConfig(cfg)), 120))
        .hasMessageContaining("TRIBUTARY_ADMIN_PASSWORD").hasMessageContaining("too weak")
        .hasMessageContaining("upper-case");
    } finally {
      Await.result(vertx.close());
    }
  }

  @Test
  @DisplayName("repeated failed logins slow the account down (429 with Retry-After, even with the right password), "
    + "are audited, and a success clears the count")
  void throttled() {
    String email = "throttle-" + UUID.randomUUID() + "@test.local";
    var created = Api.admin().post("/api/v1/users", new JsonObject().put("email", email).put("password", "Right-pass-1"));
    assertThat(created.statusCode()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    JsonObject wrong = new JsonObject().put("email", email).put("password", "Wrong-pass-1");
    for (int i = 0; i < 4; i++) {
      Api.error(Api.anonymous().post("/api/v1/auth/login", wrong), 401, "INVALID_CREDENTIALS");
    }
    Api.anonymous().login(email, "Right-pass-1"); // clears the account's count
    for (int i = 0; i < 5; i++) {
      Api.error(Api.anonymous().post("/api/v1/auth/login", wrong), 401, "INVALID_CREDENTIALS");
    }
    var refused = Api.anonymous().post("/api/v1/auth/login", new JsonObject().put("email", email.toUpperCase())
      .put("password", "Right-pass-1"));
    Api.error(refused, 429, "RATE_LIMITED");
    assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isBetween(1L, 900L);

    JsonArray trail = Api.admin().get("/api/v1/audit?action=auth.login_failed&resource_id=" + id).bodyAsJsonObject()
      .getJsonArray("items");
    assertThat(trail).hasSize(9);
    assertThat(trail.getJsonObject(0).getJsonObject("after").getInteger("account_failures")).isEqualTo(5);
    assertThat(trail.encode()).doesNotContain(email).doesNotContain("Wrong-pass-1");
  }

  @Test
  @DisplayName("failures from one address are limited across accounts")
  void perAddress() {
    Vertx vertx = TestApp.get().vertx;
    RedisLink redis = new RedisLink(vertx, TestApp.get().services.redisUrl());
    Await.result(redis.start());
    try {
      LoginThrottle throttle = new LoginThrottle(redis, new JsonObject().put("max_per_account", 5).put("max_per_ip", 3));
      String ip = "203.0.113." + (int) (Math.random() * 250);
      for (int i = 0; i < 3; i++) {
        assertThat(Await.result(throttle.retryAfter("a" + i + "@x.y", ip))).isZero();
        Await.result(throttle.failed("a" + i + "@x.y", ip));
      }
      assertThat(Await.result(throttle.retryAfter("someone-else@x.y", ip))).isPositive();
      assertThat(Await.result(throttle.retryAfter("someone-else@x.y", "198.51.100.7"))).isZero();
    } finally {
      Await.result(redis.close());
    }
  }
}
