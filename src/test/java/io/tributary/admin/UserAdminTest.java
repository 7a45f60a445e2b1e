package io.tributary.admin;

import io.tributary.db.Database;
import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("User administration and token revocation")
class UserAdminTest {

  static final String PASSWORD = "Password-123";

  static JsonObject claims(Api api) {
    String payload = api.token().split("\\.")[1];
    return new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
  }

  /** A new user; returns {email, id}. */
  static JsonObject create(String role, String tier) {
    String email = "adm-" + UUID.randomUUID() + "@test.local";
    var r = Api.admin().post("/api/v1/users", new JsonObject().put("email", email).put("password", PASSWORD)
      .put("role", role).put("tier", tier));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return new JsonObject().put("email", email).put("id", r.bodyAsJsonObject().getString("id"));
  }

  static CompletableFuture<Short> socketClose(Api api) {
    WebSocket ws = Await.result(TestApp.get().sockets.connect(TestApp.get().port, "127.0.0.1",
      "/ws/events?access_token=" + api.token()));
    CompletableFuture<Short> closed = new CompletableFuture<>();
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    return closed;
  }

  @Test
  @DisplayName("admins list, filter and page users, see last_login; a user sees only themself")
  void listAndRead() {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < 3; i++) {
      var r = Api.admin().post("/api/v1/users", new JsonObject().put("email", "list-" + tag + "-" + i + "@test.local")
        .put("password", PASSWORD).put("role", i == 0 ? "analyst" : "viewer").put("tier", "premium"));
      assertThat(r.statusCode()).isEqualTo(201);
    }
    Api admin = Api.admin();
    JsonObject page = admin.get("/api/v1/users?q=LIST-" + tag + "&limit=2").bodyAsJsonObject();
    assertThat(page.getJsonArray("items")).hasSize(2);
    assertThat(page.getInteger("next_offset")).isEqualTo(2);
    assertThat(admin.get("/api/v1/users?q=list-" + tag + "&limit=2&offset=2").bodyAsJsonObject()
      .getJsonArray("items")).hasSize(1);
    JsonArray analysts = admin.get("/api/v1/users?q=list-" + tag + "&role=analyst").bodyAsJsonObject()
      .getJsonArray("items");
    assertThat(analysts).hasSize(1);
    assertThat(analysts.getJsonObject(0).getString("email")).isEqualTo("list-" + tag + "-0@test.local");
    assertThat(analysts.getJsonObject(0).getString("last_login")).isNull();
    assertThat(analysts.encode()).doesNotContain("pbkdf2").doesNotContain("password");
    Api.error(admin.get("/api/v1/users?role=root"), 400, "VALIDATION_FAILED");

    Api user = Api.anonymous().login("list-" + tag + "-0@test.local", PASSWORD);
    String id = analysts.getJsonObject(0).getString("id");
    JsonObject self = user.get("/api/v1/users/" + id).bodyAsJsonObject();
    assertThat(self.getString("last_login")).isNotNull();
    Api.error(user.get("/api/v1/users"), 403, "FORBIDDEN");
    String other = admin.get("/api/v1/users?q=list-" + tag + "-1").bodyAsJsonObject().getJsonArray("items")
      .getJsonObject(0).getString("id");
    Api.error(user.get("/api/v1/users/" + other), 404, "NOT_FOUND");
    Api.error(user.patch("/api/v1/users/" + id, new JsonObject().put("role", "admin")), 403, "FORBIDDEN");
  }

  @Test
  @DisplayName("changing a role revokes the user's tokens at once and closes their open socket with 4401")
  void roleChangeRevokes() throws Exception {
    JsonObject u = create("analyst", "free");
    Api session = Api.anonymous().login(u.getString("email"), PASSWORD);
    assertThat(session.get("/api/v1/data/datasets").statusCode()).isEqualTo(200);
    CompletableFuture<Short> closed = socketClose(session);

    var changed = Api.admin().patch("/api/v1/users/" + u.getString("id"), new JsonObject().put("role", "viewer"));
    assertThat(changed.statusCode()).as(changed.bodyAsString()).isEqualTo(200);
    assertThat(changed.bodyAsJsonObject().getString("role")).isEqualTo("viewer");
    Api.error(session.get("/api/v1/data/datasets"), 401, "UNAUTHORIZED");
    assertThat(closed.get(1, TimeUnit.SECONDS)).isEqualTo((short) 4401);

    Api again = Api.anonymous().login(u.getString("email"), PASSWORD);
    assertThat(claims(again).getString("role")).isEqualTo("viewer");
    assertThat(again.get("/api/v1/data/datasets").statusCode()).isEqualTo(200);
    var tierOnly = Api.admin().patch("/api/v1/users/" + u.getString("id"), new JsonObject().put("tier", "premium"));
    assertThat(tierOnly.statusCode()).isEqualTo(200);
    assertThat(again.get("/api/v1/data/datasets").statusCode()).as("a tier change keeps the session").isEqualTo(200);

    JsonArray trail = Api.admin().get("/api/v1/audit?action=user.updated&resource_id=" + u.getString("id"))
      .bodyAsJsonObject().getJsonArray("items");
    assertThat(trail).hasSize(2);
    assertThat(trail.getJsonObject(1).getJsonObject("before").getString("role")).isEqualTo("analyst");
    assertThat(trail.getJsonObject(1).getJsonObject("after").getString("role")).isEqualTo("viewer");
  }

  @Test
  @DisplayName("a deactivated user loses every session and cannot log in until reactivated; admins cannot lock themselves out")
  void deactivation() {
    JsonObject u = create("viewer", "free");
    Api one = Api.anonymous().login(u.getString("email"), PASSWORD);
    Api two = Api.anonymous().login(u.getString("email"), PASSWORD);
    var off = Api.admin().patch("/api/v1/users/" + u.getString("id"), new JsonObject().put("active", false));
    assertThat(off.statusCode()).as(off.bodyAsString()).isEqualTo(200);
    Api.error(one.get("/api/v1/features"), 401, "UNAUTHORIZED");
    Api.error(two.get("/api/v1/features"), 401, "UNAUTHORIZED");
    Api.error(Api.anonymous().post("/api/v1/auth/login", new JsonObject().put("email", u.getString("email"))
      .put("password", PASSWORD)), 401, "INVALID_CREDENTIALS");
    assertThat(Api.admin().get("/api/v1/users?active=false&q=" + u.getString("email")).bodyAsJsonObject()
      .getJsonArray("items")).hasSize(1);

    assertThat(Api.admin().patch("/api/v1/users/" + u.getString("id"), new JsonObject().put("active", true))
      .statusCode()).isEqualTo(200);
    assertThat(Api.anonymous().login(u.getString("email"), PASSWORD).get("/api/v1/features").statusCode()).isEqualTo(200);

    Api admin = Api.admin();
    Api.error(admin.patch("/api/v1/users/" + claims(admin).getString("sub"), new JsonObject().put("active", false)),
      409, "CONFLICT");
    Api.error(admin.patch("/api/v1/users/" + u.getString("id"), new JsonObject().put("email", "x@y.z")), 400,
      "VALIDATION_FAILED");
    Api.error(admin.patch("/api/v1/users/" + UUID.randomUUID(), new JsonObject().put("tier", "free")), 404, "NOT_FOUND");
  }

  @Test
  @DisplayName("logout revokes only that token, on this instance and on a second one, and survives in Redis")
  void logout() throws Exception {
    JsonObject u = create("analyst", "free");
    Api one = Api.anonymous().login(u.getString("email"), PASSWORD);
    Api two = Api.anonymous().login(u.getString("email"), PASSWORD);
    JsonObject c = claims(one);
    Vertx other = Vertx.vertx();
    Revocations there = new Revocations(other, Database.pool(other, new JsonObject()
      .put("url", TestApp.get().services.pgUrl()).put("pool_name", "revocation-test").put("pool_size", 2)),
      TestApp.get().services.pgUrl(), TestApp.get().services.redisUrl(), 86_400);
    try {
      Await.result(there.start());
      assertThat(there.revoked(c.getString("jti"), c.getString("sub"), c.getLong("iat_ms"))).isFalse();
      CompletableFuture<Short> closed = socketClose(one);
      assertThat(one.post("/api/v1/auth/logout", new JsonObject()).statusCode()).isEqualTo(204);
      Api.error(one.get("/api/v1/features"), 401, "UNAUTHORIZED");
      assertThat(two.get("/api/v1/features").statusCode()).isEqualTo(200);
      assertThat(closed.get(1, TimeUnit.SECONDS)).isEqualTo((short) 4401);
      long start = System.nanoTime();
      while (!there.revoked(c.getString("jti"), c.getString("sub"), c.getLong("iat_ms"))
        && System.nanoTime() - start < 1_000_000_000L) {
        Thread.sleep(10);
      }
      assertThat(there.revoked(c.getString("jti"), c.getString("sub"), c.getLong("iat_ms")))
        .as("the second instance learns it within a second").isTrue();
    } finally {
      Await.result(there.close());
    }
    Revocations fresh = new Revocations(other, Database.pool(other, new JsonObject()
      .put("url", TestApp.get().services.pgUrl()).put("pool_name", "revocation-test-2").put("pool_size", 2)),
      TestApp.get().services.pgUrl(), TestApp.get().services.redisUrl(), 86_400);
    try {
      Await.result(fresh.start());
      assertThat(fresh.revoked(c.getString("jti"), c.getString("sub"), c.getLong("iat_ms")))
        .as("a process started later reads the deny-list from Redis").isTrue();
      JsonObject c2 = claims(two);
      assertThat(fresh.revoked(c2.getString("jti"), c2.getString("sub"), c2.getLong("iat_ms"))).isFalse();
    } finally {
      Await.result(fresh.close());
      Await.result(other.close());
    }
  }
}
