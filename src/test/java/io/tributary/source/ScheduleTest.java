package io.tributary.source;

import io.tributary.config.Sections;
import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Import schedules refresh their dataset, survive restarts and run on one instance only")
class ScheduleTest {

  @BeforeAll
  static void databases() throws Exception {
    TestApp.get();
    SourceDatabases.preparePostgres();
    SourceDatabases.pg("DROP TABLE IF EXISTS ticks", "CREATE TABLE ticks AS SELECT g AS id FROM generate_series(1, 50) g",
      "GRANT SELECT ON ticks TO " + SourceDatabases.PG_USER);
  }

  static long sql(String query) throws Exception {
    try (Connection c = SourceDatabases.pgAdmin("tributary"); Statement s = c.createStatement()) {
      if (!query.startsWith("SELECT")) {
        return s.executeUpdate(query);
      }
      try (ResultSet rs = s.executeQuery(query)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static JsonObject schedule(Api owner) {
    HttpResponse<Buffer> r = owner.get("/api/v1/data/schedules");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    return r.bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
  }

  /** Makes the schedule due now and waits until it has run {@code runs} times; returns the schedule then. */
  static JsonObject runDue(Api owner, String scheduleId, int runs) throws Exception {
    sql("UPDATE source_schedules SET next_run_at = now() - interval '1 second' WHERE id = '" + scheduleId + "'");
    long deadline = System.currentTimeMillis() + 60_000;
    JsonObject s = schedule(owner);
    while (s.getInteger("runs") < runs) {
      assertThat(System.currentTimeMillis()).as("the schedule runs").isLessThan(deadline);
      Api.sleep(100);
      s = schedule(owner);
    }
    JsonObject job = owner.awaitJob(s.getString("last_job_id"));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    return s;
  }

  @Test
  @DisplayName("a due schedule queues one import, pauses and resumes, and runs again after a restart")
  void runsPausesSurvives() throws Exception {
    Api owner = Api.newUser("analyst");
    HttpResponse<Buffer> c = owner.post("/api/v1/data/connections", SourceDatabases.pgConnection("pg"));
    assertThat(c.statusCode()).as(c.bodyAsString()).isEqualTo(201);
    HttpResponse<Buffer> r = owner.post("/api/v1/data/import", new JsonObject()
      .put("connection_id", c.bodyAsJsonObject().getString("connection_id")).put("table", "ticks").put("name", "ticks")
      .put("schedule", "every 1h"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    assertThat(owner.awaitJob(r.bodyAsJsonObject().getString("job_id")).getString("status")).isEqualTo("completed");
    String datasetId = r.bodyAsJsonObject().getString("dataset_id");
    JsonObject s = schedule(owner);
    String id = s.getString("schedule_id");
    assertThat(r.bodyAsJsonObject().getString("schedule_id")).isEqualTo(id);
    assertThat(s.getString("schedule")).isEqualTo("every 1h");
    assertThat(s.getInteger("runs")).isZero();
    assertThat(Instant.parse(s.getString("next_run_at"))).isAfter(Instant.now().plusSeconds(3500));
    assertThat(Api.newUser("analyst").get("/api/v1/data/schedules").bodyAsJsonObject().getJsonArray("items")).isEmpty();

    s = runDue(owner, id, 1);
    assertThat(Instant.parse(s.getString("next_run_at"))).isAfter(Instant.now().plusSeconds(3500));
    assertThat(owner.get("/api/v1/data/datasets/" + datasetId).bodyAsJsonObject().getInteger("version")).isEqualTo(2);

    // paused: due, but it does not run
    assertThat(owner.post("/api/v1/data/schedules/" + id + "/pause", new JsonObject()).bodyAsJsonObject()
      .getBoolean("paused")).isTrue();
    sql("UPDATE source_schedules SET next_run_at = now() - interval '1 second' WHERE id = '" + id + "'");
    Api.sleep(2_000);
    assertThat(schedule(owner).getInteger("runs")).isEqualTo(1);
    Api.error(Api.newUser("analyst").post("/api/v1/data/schedules/" + id + "/resume", new JsonObject()), 404,
      "NOT_FOUND");
    JsonObject resumed = owner.post("/api/v1/data/schedules/" + id + "/resume", new JsonObject()).bodyAsJsonObject();
    assertThat(resumed.getBoolean("paused")).isFalse();
    assertThat(Instant.parse(resumed.getString("next_run_at"))).isAfter(Instant.now().plusSeconds(3500));

    TestApp.get().restart();
    assertThat(schedule(owner).getString("schedule_id")).isEqualTo(id);
    runDue(owner, id, 2);
    assertThat(sql("SELECT count(*) FROM jobs WHERE dataset_id = '" + datasetId + "'")).isEqualTo(3);
  }

  @Test
  @DisplayName("with two instances polling the same PostgreSQL, a due schedule runs once")
  void oneInstance() throws Exception {
    TestApp app = TestApp.get();
    JsonObject cfg = app.config();
    Sections.withNode(cfg, cfg.getString("data_dir"), "second-instance");
    cfg.getJsonObject("postgres").put("pool_name", "second-sources");
    String second = Await.result(app.vertx.deployVerticle(new SourceVerticle(), new DeploymentOptions()
      .setConfig(Sections.of(cfg, "sources", Sections.NODE, "postgres", "kafka").put("embedded", false))));
    try {
      Api owner = Api.newUser("analyst");
      HttpResponse<Buffer> c = owner.post("/api/v1/data/connections", SourceDatabases.pgConnection("pg"));
      HttpResponse<Buffer> r = owner.post("/api/v1/data/import", new JsonObject()
        .put("connection_id", c.bodyAsJsonObject().getString("connection_id")).put("table", "ticks")
        .put("name", "ticks_twice").put("schedule", "0 3 * * *"));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
      owner.awaitJob(r.bodyAsJsonObject().getString("job_id"));
      String datasetId = r.bodyAsJsonObject().getString("dataset_id");
      String id = schedule(owner).getString("schedule_id");
      for (int run = 1; run <= 5; run++) {
        runDue(owner, id, run);
      }
      Api.sleep(1_500);
      assertThat(schedule(owner).getInteger("runs")).isEqualTo(5);
      assertThat(sql("SELECT count(*) FROM jobs WHERE dataset_id = '" + datasetId + "'")).as("the first and five runs")
        .isEqualTo(6);
      assertThat(Instant.parse(schedule(owner).getString("next_run_at")).atZone(java.time.ZoneOffset.UTC).getHour())
        .isEqualTo(3);
    } finally {
      Await.result(app.vertx.undeploy(second));
    }
  }
}
