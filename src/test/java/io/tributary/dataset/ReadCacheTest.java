package io.tributary.dataset;

import io.tributary.db.Database;
import io.tributary.support.Api;
import io.tributary.support.TestApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dataset metadata, profiles and query tables are served from per-event-loop caches; a change made anywhere
 * (here: straight in PostgreSQL, as another process would) reaches readers within moments, never after the
 * caches' 60 s lifetime, also when the change feed's connection was cut.
 */
@DisplayName("Read caches follow changes made in PostgreSQL")
class ReadCacheTest {

  @TempDir
  static Path dir;

  @Test
  @DisplayName("metadata, profile and query tables change as soon as the database does; other users still get 404")
  void followsTheDatabase() throws Exception {
    Api owner = Api.newUser("analyst");
    Api other = Api.newUser("analyst");
    Path csv = dir.resolve("cached.csv");
    Files.writeString(csv, "n\n1\n2\n3\n");
    String id = owner.uploadAndWait(csv, Map.of()).getString("dataset_id");
    for (int i = 0; i < 5; i++) { // warm both event loops' caches
      assertThat(rowCount(owner, id)).isEqualTo(3L);
      assertThat(owner.get("/api/v1/data/profile/" + id).bodyAsJsonObject().getLong("row_count")).isEqualTo(3L);
      assertThat(count(owner, "SELECT count(*) AS c FROM cached")).isEqualTo(3L);
    }
    Api.error(other.get("/api/v1/data/datasets/" + id), 404, "NOT_FOUND");
    Api.error(other.get("/api/v1/data/profile/" + id), 404, "NOT_FOUND");

    sql("UPDATE datasets SET row_count = 12345 WHERE id = '" + id + "'");
    await("the metadata shows the new row count", () -> rowCount(owner, id) == 12345L);
    sql("UPDATE profiles SET profile = jsonb_set(profile, '{row_count}', '777') WHERE dataset_id = '" + id + "'");
    await("the profile shows the new row count", () ->
      owner.get("/api/v1/data/profile/" + id).bodyAsJsonObject().getLong("row_count") == 777L);
    sql("UPDATE datasets SET name = 'renamed' WHERE id = '" + id + "'");
    await("the old table name is gone", () ->
      owner.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT count(*) AS c FROM cached")).statusCode() == 400);
    assertThat(count(owner, "SELECT count(*) AS c FROM renamed")).isEqualTo(3L);

    // the feed's connections are cut: what changes before they listen again must not be served stale
    sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'");
    sql("UPDATE datasets SET row_count = 4242 WHERE id = '" + id + "'");
    await("the metadata shows the change made while the feed was cut", () -> rowCount(owner, id) == 4242L);
    sql("UPDATE datasets SET row_count = 99 WHERE id = '" + id + "'");
    await("changes are followed again after the feed reconnected", () -> rowCount(owner, id) == 99L);
  }

  private static long rowCount(Api api, String id) {
    return api.get("/api/v1/data/datasets/" + id).bodyAsJsonObject().getLong("row_count");
  }

  private static long count(Api api, String sql) {
    var r = api.post("/api/v1/query/sql", new JsonObject().put("sql", sql));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getLong("c");
  }

  private static void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(Database.jdbcUrl(TestApp.get().services.pgUrl()));
         Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  /** Within 5 s: far below the caches' 60 s lifetime, so only a followed change can pass. */
  private static void await(String what, BooleanSupplier check) {
    long deadline = System.currentTimeMillis() + 5_000;
    while (!check.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not within 5 s: " + what);
      }
      Api.sleep(50);
    }
  }
}
