package io.tributary.admin;

import io.tributary.db.Database;
import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.tributary.redis.RedisLink;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Erasing a user (GDPR)")
class EraseUserTest {

  @Test
  @DisplayName("removes their rows, files and Redis entries, audits the erasure without content, and nothing remains")
  void erase() throws Exception {
    String email = "erase-" + UUID.randomUUID() + "@test.local";
    var created = Api.admin().post("/api/v1/users", new JsonObject().put("email", email).put("password", "Password-123")
      .put("role", "analyst").put("tier", "free"));
    String id = created.bodyAsJsonObject().getString("id");
    Api user = Api.anonymous().login(email, "Password-123");
    Path csv = Files.createTempFile("erase", ".csv");
    Files.writeString(csv, "secret_name,amount\nAda Lovelace,42\n");
    JsonObject job = user.uploadAndWait(csv, Map.of("name", "private_things"));
    assertThat(job.getString("status")).isEqualTo("completed");
    String datasetId = job.getString("dataset_id");
    assertThat(user.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT * FROM private_things"))
      .statusCode()).isEqualTo(200);
    var dashboard = user.post("/api/v1/dashboards", new JsonObject().put("name", "Mine"));
    assertThat(dashboard.statusCode()).as(dashboard.bodyAsString()).isEqualTo(201);
    Path lake = TestApp.get().dataDir.resolve("app").resolve("datasets").resolve(id);
    assertThat(lake).isDirectory();

    Api admin = Api.admin();
    Api.error(admin.delete("/api/v1/users/" + id), 400, "VALIDATION_FAILED");
    Api.error(user.delete("/api/v1/users/" + id + "?erase=true"), 403, "FORBIDDEN");
    var erased = admin.delete("/api/v1/users/" + id + "?erase=true");
    assertThat(erased.statusCode()).as(erased.bodyAsString()).isEqualTo(204);

    Api.error(user.get("/api/v1/data/datasets"), 401, "UNAUTHORIZED");
    Api.error(admin.get("/api/v1/users/" + id), 404, "NOT_FOUND");
    Api.error(admin.delete("/api/v1/users/" + id + "?erase=true"), 404, "NOT_FOUND");
    Api.error(Api.anonymous().post("/api/v1/auth/login", new JsonObject().put("email", email)
      .put("password", "Password-123")), 401, "INVALID_CREDENTIALS");
    assertThat(lake).doesNotExist();

    var pool = Database.pool(TestApp.get().vertx, new JsonObject().put("url", TestApp.get().services.pgUrl())
      .put("pool_name", "erase-test").put("pool_size", 1));
    try {
      for (String sql : List.of("SELECT count(*) FROM users WHERE id = $1", "SELECT count(*) FROM datasets WHERE owner_id = $1",
        "SELECT count(*) FROM jobs WHERE owner_id = $1", "SELECT count(*) FROM dashboards WHERE owner_id = $1",
        "SELECT count(*) FROM profiles WHERE dataset_id = $1")) {
        UUID arg = sql.contains("dataset_id") ? UUID.fromString(datasetId) : UUID.fromString(id);
        long n = Await.result(pool.preparedQuery(sql).execute(Tuple.of(arg))).iterator().next().getLong(0);
        assertThat(n).as(sql).isZero();
      }
      String trail = Await.result(pool.preparedQuery("SELECT coalesce(string_agg(after::text, ' '), '') FROM audit_events "
        + "WHERE action = 'user.erased' AND resource_id = $1").execute(Tuple.of(id))).iterator().next().getString(0);
      assertThat(trail).contains("\"datasets\": 1").doesNotContain(email).doesNotContain("Ada").doesNotContain("private_things");
    } finally {
      Await.result(pool.close());
    }

    RedisLink redis = new RedisLink(TestApp.get().vertx, TestApp.get().services.redisUrl());
    Await.result(redis.start());
    try {
      List<String> keys = new ArrayList<>();
      Await.result(redis.send(Request.cmd(Command.KEYS).arg("*" + id + "*"))).forEach(k -> keys.add(k.toString()));
      assertThat(keys).allMatch(k -> k.startsWith("tributary:revoked:"));
      assertThat(Await.result(redis.send(Request.cmd(Command.KEYS).arg("tributary:qc:*"))).size()).isZero();
    } finally {
      Await.result(redis.close());
    }
    JsonArray audit = admin.get("/api/v1/audit?action=user.erased&resource_id=" + id).bodyAsJsonObject()
      .getJsonArray("items");
    assertThat(audit).hasSize(1);
    assertThat(audit.getJsonObject(0).getString("actor_role")).isEqualTo("admin");
  }
}
