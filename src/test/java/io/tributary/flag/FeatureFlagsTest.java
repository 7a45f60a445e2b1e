package io.tributary.flag;

import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import io.tributary.cli.Cli;
import io.tributary.db.Database;
import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Feature flags and feature modules")
class FeatureFlagsTest {

  private static final String STREAMS = "module.streams";
  private static final String DASHBOARDS = "module.dashboards";
  private static final String SEARCH = "module.search";

  @AfterEach
  void restoreModules() {
    Api admin = Api.admin();
    for (String module : new String[] {STREAMS, DASHBOARDS, SEARCH}) {
      JsonObject flag = admin.get("/api/v1/admin/flags/" + module).bodyAsJsonObject();
      if (!flag.getBoolean("enabled") || flag.getDouble("rollout_percent") < 100
        || !flag.getJsonArray("allow_users").isEmpty()) {
        patch(admin, module, new JsonObject().put("enabled", true).put("rollout_percent", 100)
          .put("allow_users", new JsonArray()));
      }
    }
  }

  static String userId(Api api) {
    String payload = api.token().split("\\.")[1];
    return new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)).getString("sub");
  }

  static HttpResponse<Buffer> patch(Api api, String key, JsonObject body) {
    String etag = api.get("/api/v1/admin/flags/" + key).getHeader("ETag");
    return Api.send(api.request(HttpMethod.PATCH, "/api/v1/admin/flags/" + key).putHeader("If-Match", etag)
      .sendJsonObject(body));
  }

  static Set<String> features(Api api) {
    var r = api.get("/api/v1/features");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    Set<String> out = new HashSet<>();
    r.bodyAsJsonObject().getJsonArray("features").forEach(k -> out.add((String) k));
    return out;
  }

  @Test
  @DisplayName("admins create and change flags with optimistic locking (428 without If-Match, 412 when stale), audited")
  void adminLifecycle() {
    Api admin = Api.admin();
    Api viewer = Api.newUser("viewer");
    String key = "beta.charts-" + UUID.randomUUID().toString().substring(0, 8);
    var created = admin.post("/api/v1/admin/flags", new JsonObject().put("key", key).put("description", "New charts")
      .put("rollout_percent", 0).put("allow_users", new JsonArray().add(userId(viewer))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String etag = created.getHeader("ETag");
    assertThat(etag).isEqualTo("\"1\"");
    Api.error(admin.post("/api/v1/admin/flags", new JsonObject().put("key", key)), 409, "CONFLICT");
    Api.error(admin.post("/api/v1/admin/flags", new JsonObject().put("key", "Bad Key")), 400, "VALIDATION_FAILED");
    Api.error(admin.post("/api/v1/admin/flags", new JsonObject().put("key", "x.y").put("rollout_percent", 101)), 400,
      "VALIDATION_FAILED");
    assertThat(features(viewer)).contains(key, STREAMS);
    assertThat(features(Api.newUser("viewer"))).doesNotContain(key);

    String path = "/api/v1/admin/flags/" + key;
    Api.error(Api.send(admin.request(HttpMethod.PATCH, path).sendJsonObject(new JsonObject().put("enabled", false))),
      428, "PRECONDITION_REQUIRED");
    var changed = Api.send(admin.request(HttpMethod.PATCH, path).putHeader("If-Match", etag)
      .sendJsonObject(new JsonObject().put("deny_users", new JsonArray().add(userId(viewer)))));
    assertThat(changed.statusCode()).as(changed.bodyAsString()).isEqualTo(200);
    assertThat(changed.getHeader("ETag")).isEqualTo("\"2\"");
    assertThat(features(viewer)).doesNotContain(key);
    Api.error(Api.send(admin.request(HttpMethod.PATCH, path).putHeader("If-Match", etag)
      .sendJsonObject(new JsonObject().put("enabled", false))), 412, "PRECONDITION_FAILED");
    Api.error(Api.send(admin.request(HttpMethod.DELETE, path).putHeader("If-Match", etag).send()), 412,
      "PRECONDITION_FAILED");

    Api.error(viewer.get("/api/v1/admin/flags"), 403, "FORBIDDEN");
    Api.error(viewer.post(path + "/kill", new JsonObject()), 403, "FORBIDDEN");
    assertThat(admin.get("/api/v1/admin/flags?limit=500").bodyAsJsonObject().getJsonArray("items").stream()
      .map(o -> ((JsonObject) o).getString("key"))).contains(key, "module.ml", "module.natural_query");

    var deleted = Api.send(admin.request(HttpMethod.DELETE, path).putHeader("If-Match", "\"2\"").send());
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(204);
    Api.error(admin.get(path), 404, "NOT_FOUND");
    Api.error(Api.send(admin.request(HttpMethod.DELETE, "/api/v1/admin/flags/" + STREAMS).putHeader("If-Match", "\"1\"")
      .send()), 409, "CONFLICT");

    JsonArray trail = admin.get("/api/v1/audit?resource_type=flag&resource_id=" + key).bodyAsJsonObject()
      .getJsonArray("items");
    assertThat(trail.stream().map(o -> ((JsonObject) o).getString("action")))
      .containsExactly("flag.deleted", "flag.updated", "flag.created");
    assertThat(trail.getJsonObject(1).getJsonObject("before").getInteger("version")).isEqualTo(1);
    assertThat(trail.getJsonObject(1).getJsonObject("after").getJsonArray("deny_users")).contains(userId(viewer));
  }

  @Test
  @DisplayName("a module at 0% is invisible to everyone, routes and sockets alike; at 100% it is visible to everyone")
  void moduleOffAndOn() {
    Api admin = Api.admin();
    Api analyst = Api.newUser("analyst", "premium");
    assertThat(analyst.get("/api/v1/streams").statusCode()).isEqualTo(200);
    assertThat(patch(admin, STREAMS, new JsonObject().put("rollout_percent", 0)).statusCode()).isEqualTo(200);
    for (Api who : new Api[] {analyst, admin, Api.newUser("viewer")}) {
      JsonObject error = Api.error(who.get("/api/v1/streams"), 404, "FEATURE_DISABLED");
      assertThat(error.getString("message")).contains("streams");
      assertThat(error.getJsonObject("details").getString("module")).isEqualTo("streams");
      Api.error(who.get("/api/v1/streams/anything"), 404, "FEATURE_DISABLED");
      assertThat(features(who)).doesNotContain(STREAMS);
    }
    var socket = Await.result(TestApp.get().vertx.createHttpClient().request(HttpMethod.GET, TestApp.get().port, "127.0.0.1",
        "/ws/streams/anything?access_token=" + analyst.token())
      .compose(req -> req.putHeader("Upgrade", "websocket").putHeader("Connection", "Upgrade")
        .putHeader("Sec-WebSocket-Version", "13").putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").send())
      .compose(resp -> resp.body().map(body -> Map.entry(resp.statusCode(), body.toString()))));
    assertThat(socket.getKey()).isEqualTo(404);
    assertThat(socket.getValue()).contains("FEATURE_DISABLED");
    assertThat(Api.admin().get("/api/v1/data/datasets").statusCode()).as("other routes stay").isEqualTo(200);

    assertThat(patch(admin, STREAMS, new JsonObject().put("rollout_percent", 100)).statusCode()).isEqualTo(200);
    assertThat(analyst.get("/api/v1/streams").statusCode()).isEqualTo(200);
    assertThat(features(analyst)).contains(STREAMS);
  }

  @Test
  @DisplayName("a dashboard's share and export links follow its owner's dashboards module: off for the owner, they "
    + "answer 404 FEATURE_DISABLED to anyone; on for the owner alone, they open again")
  void shareLinkFollowsTheOwnersModule() {
    Api admin = Api.admin();
    Api owner = Api.newUser("analyst");
    var created = owner.post("/api/v1/dashboards", new JsonObject().put("name", "Shared")
      .put("visualizations", new JsonArray()));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("dashboard_id");
    String link = "/api/v1/shared/" + owner.post("/api/v1/dashboards/" + id + "/shares", new JsonObject())
      .bodyAsJsonObject().getString("share_token");
    assertThat(Api.anonymous().get(link).statusCode()).isEqualTo(200);
    var exported = owner.post("/api/v1/dashboards/" + id + "/export", new JsonObject().put("format", "png"));
    assertThat(exported.statusCode()).as(exported.bodyAsString()).isEqualTo(201);
    String download = exported.bodyAsJsonObject().getString("download_url");
    assertThat(Api.anonymous().get(download).statusCode()).isEqualTo(200);

    assertThat(patch(admin, DASHBOARDS, new JsonObject().put("rollout_percent", 0)).statusCode()).isEqualTo(200);
    Api.error(Api.anonymous().get(download), 404, "FEATURE_DISABLED");
    JsonObject error = Api.error(Api.anonymous().get(link), 404, "FEATURE_DISABLED");
    assertThat(error.getString("message")).contains("dashboards").contains("the owner of what you opened")
      .doesNotContain("for you");
    assertThat(error.getJsonObject("details").getString("module")).isEqualTo("dashboards");
    Api.error(owner.get("/api/v1/dashboards/" + id), 404, "FEATURE_DISABLED");

    assertThat(patch(admin, DASHBOARDS, new JsonObject().put("allow_users", new JsonArray().add(userId(owner))))
      .statusCode()).isEqualTo(200);
    var reopened = Api.anonymous().get(link);
    assertThat(reopened.statusCode()).as("the owner's evaluation decides, not the anonymous viewer's")
      .isEqualTo(200);
    assertThat(reopened.bodyAsJsonObject().getJsonObject("dashboard").getString("dashboard_id")).isEqualTo(id);
    assertThat(Api.anonymous().get(download).statusCode()).as("the export link follows the owner too").isEqualTo(200);
    Api.error(Api.newUser("viewer").get("/api/v1/dashboards"), 404, "FEATURE_DISABLED");
  }

  @Test
  @DisplayName("a CLI command of a module at 0% prints the server's FEATURE_DISABLED message and exits with 2 "
    + "(not found)")
  void cliCommandOfADisabledModule() {
    Api user = Api.newUser("analyst");
    assertThat(patch(Api.admin(), SEARCH, new JsonObject().put("rollout_percent", 0)).statusCode()).isEqualTo(200);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Cli.run(new String[] {"search", "sales"}, Map.of("TRIBUTARY_URL",
        "http://127.0.0.1:" + TestApp.get().port, "TRIBUTARY_TOKEN", user.token(), "XDG_CONFIG_HOME",
        System.getProperty("java.io.tmpdir") + "/cli-flags-" + UUID.randomUUID()),
      new ByteArrayInputStream(new byte[0]), out, err);
    String printed = err.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed).isEqualTo(2);
    assertThat(printed).contains("The search module is switched off for you", "FEATURE_DISABLED", "HTTP 404");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  @DisplayName("at 30% a module reaches about 30% of 1,000 users, the same ones on every call, route and instance, "
    + "and a kill reaches a second instance within 2 s")
  void rolloutAndSecondInstance() throws Exception {
    Api admin = Api.admin();
    assertThat(patch(admin, STREAMS, new JsonObject().put("rollout_percent", 30)).statusCode()).isEqualTo(200);
    FlagStore here = FlagStore.current(TestApp.get().vertx);
    Vertx other = Vertx.vertx();
    FlagStore there = new FlagStore(other, Database.pool(other, new JsonObject()
      .put("url", TestApp.get().services.pgUrl()).put("pool_name", "flag-test").put("pool_size", 2)),
      TestApp.get().services.pgUrl());
    try {
      Await.result(there.start());
      var client = OpenFeatureAPI.getInstance().getClient();
      Set<String> reached = new HashSet<>();
      for (int i = 0; i < 1_000; i++) {
        String user = UUID.randomUUID().toString();
        boolean on = here.isOn(STREAMS, user, "free", true);
        assertThat(here.isOn(STREAMS, user, "free", true)).isEqualTo(on);
        assertThat(there.isOn(STREAMS, user, "free", true)).as("the second instance agrees").isEqualTo(on);
        assertThat(client.getBooleanValue(STREAMS, !on, new ImmutableContext(user, Map.of("tier", new Value("free")))))
          .as("the OpenFeature client agrees").isEqualTo(on);
        if (on) {
          reached.add(user);
        }
      }
      assertThat(reached.size()).isBetween(250, 350);
      for (int i = 0; i < 6; i++) {
        Api user = Api.newUser("analyst");
        boolean expected = FlagRules.bucket(STREAMS, userId(user)) < 30_000;
        for (int call = 0; call < 3; call++) {
          assertThat(user.get("/api/v1/streams").statusCode()).isEqualTo(expected ? 200 : 404);
          assertThat(features(user).contains(STREAMS)).isEqualTo(expected);
        }
      }

      var killed = admin.post("/api/v1/admin/flags/" + STREAMS + "/kill", new JsonObject());
      assertThat(killed.statusCode()).as(killed.bodyAsString()).isEqualTo(200);
      long start = System.nanoTime();
      String someone = reached.iterator().next();
      while (there.isOn(STREAMS, someone, "free", true) && System.nanoTime() - start < 2_000_000_000L) {
        Thread.sleep(10);
      }
      assertThat(there.isOn(STREAMS, someone, "free", true)).as("killed on the second instance within 2 s").isFalse();
      assertThat(here.isOn(STREAMS, someone, "free", true)).isFalse();
      assertThat(client.getBooleanDetails(STREAMS, true, new ImmutableContext(someone)).getReason()).isEqualTo("DISABLED");
    } finally {
      Await.result(there.close());
      Await.result(other.close());
    }
  }
}
