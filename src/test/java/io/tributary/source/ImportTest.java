package io.tributary.source;

import io.tributary.support.Api;
import io.tributary.support.Duck;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Imports from PostgreSQL and MariaDB run as jobs and keep every value exactly")
class ImportTest {

  static final int ROWS = 3_000;

  /** Every PostgreSQL type an import maps ({@link EveryType}). */
  static final String PG_TABLE = EveryType.create("every_type", ROWS);

  /** The same rows, computed by DuckDB. */
  static final String EXPECTED = EveryType.expected(ROWS);

  @TempDir
  static Path dir;

  @BeforeAll
  static void databases() throws Exception {
    TestApp.get();
    SourceDatabases.preparePostgres();
    SourceDatabases.prepareMariadb();
    // CASE drops the type modifier: give num its numeric(12,3) back
    SourceDatabases.pg("DROP TABLE IF EXISTS every_type", PG_TABLE,
      "ALTER TABLE every_type ALTER COLUMN num TYPE numeric(12,3)",
      "DROP TABLE IF EXISTS events", "CREATE TABLE events (id bigint PRIMARY KEY, at timestamptz, label text)",
      "INSERT INTO events SELECT g, timestamptz '2024-01-01 00:00+00' + g * interval '1 minute', 'e' || g "
        + "FROM generate_series(1, 100) g",
      "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + SourceDatabases.PG_USER);
  }

  static String connect(Api api, JsonObject body) {
    HttpResponse<Buffer> r = api.post("/api/v1/data/connections", body);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getString("connection_id");
  }

  static JsonObject importAndWait(Api api, JsonObject body) {
    HttpResponse<Buffer> r = api.post("/api/v1/data/import", body);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    JsonObject job = api.awaitJob(r.bodyAsJsonObject().getString("job_id"));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getString("job_type")).isEqualTo("import");
    assertThat(job.getInteger("progress")).isEqualTo(100);
    return job;
  }

  static Path download(Api api, String datasetId) throws Exception {
    return download(api, datasetId, dir);
  }

  /** The dataset's Parquet file, downloaded into {@code into}. */
  static Path download(Api api, String datasetId, Path into) throws Exception {
    HttpResponse<Buffer> r = api.get("/api/v1/data/datasets/" + datasetId + "/download");
    assertThat(r.statusCode()).isEqualTo(200);
    Path out = Files.createTempFile(into, "import", ".parquet");
    Files.write(out, r.body().getBytes());
    return out;
  }

  static String read(Path parquet) {
    return "SELECT * FROM read_parquet(" + Duck.lit(parquet) + ")";
  }

  @Test
  @DisplayName("a table of every PostgreSQL type imports with identical values, exact types and a profile")
  void everyPostgresType() throws Exception {
    Api owner = Api.newUser("analyst");
    String conn = connect(owner, SourceDatabases.pgConnection("pg"));
    JsonObject job = importAndWait(owner, new JsonObject().put("connection_id", conn).put("table", "public.every_type")
      .put("name", "every_type"));
    assertThat(job.getLong("row_count")).isEqualTo(ROWS);
    String datasetId = job.getString("dataset_id");
    Path parquet = download(owner, datasetId);

    List<String> types = Duck.rows("DESCRIBE " + read(parquet)).stream()
      .map(r -> r.get("column_name") + " " + r.get("column_type")).toList();
    assertThat(types).containsExactly("id INTEGER", "small INTEGER", "big BIGINT", "num DECIMAL(12,3)",
      "loose_num VARCHAR", "r FLOAT", "d DOUBLE", "b BOOLEAN", "dt DATE", "ts TIMESTAMP",
      "tstz TIMESTAMP WITH TIME ZONE", "t VARCHAR", "vc VARCHAR", "j VARCHAR", "u VARCHAR", "by BLOB");
    assertThat(Duck.value("SELECT count(*) FROM (" + read(parquet) + " EXCEPT ALL " + EXPECTED + ")"))
      .as("rows imported that the source does not have").isEqualTo(0L);
    assertThat(Duck.value("SELECT count(*) FROM (" + EXPECTED + " EXCEPT ALL " + read(parquet) + ")"))
      .as("source rows missing").isEqualTo(0L);
    assertThat(Duck.value("SELECT count(*) FROM (" + read(parquet) + ") WHERE id % 11 = 0 AND \"by\" IS NULL AND tstz IS NULL"))
      .isEqualTo((long) ROWS / 11);

    JsonObject dataset = owner.get("/api/v1/data/datasets/" + datasetId).bodyAsJsonObject();
    assertThat(dataset.getString("status")).isEqualTo("ready");
    assertThat(dataset.getString("source_type")).isEqualTo("postgresql");
    JsonObject profile = owner.get("/api/v1/data/profile/" + datasetId).bodyAsJsonObject();
    assertThat(profile.encode()).contains("\"row_count\":" + ROWS);

    // the same query through sql, replacing the dataset: a new version with the query's rows
    JsonObject again = importAndWait(owner, new JsonObject().put("connection_id", conn)
      .put("sql", "SELECT id, t FROM every_type WHERE id <= 10;").put("name", "every_type").put("mode", "replace"));
    assertThat(again.getString("dataset_id")).isEqualTo(datasetId);
    assertThat(Duck.rows(read(download(owner, datasetId)) + " ORDER BY id")).hasSize(10)
      .first().isEqualTo(Map.of("id", 1, "t", "name 1 ünïcødé \"q\""));
    assertThat(owner.get("/api/v1/data/datasets/" + datasetId).bodyAsJsonObject().getInteger("version")).isEqualTo(2);
    Api.error(Api.newUser("analyst").get("/api/v1/data/job/" + again.getString("job_id")), 404, "NOT_FOUND");
  }

  @Test
  @DisplayName("an incremental import picks up exactly the rows past the last value it saw, as a new version, and none when nothing is new")
  void incremental() throws Exception {
    Api owner = Api.newUser("analyst");
    String conn = connect(owner, SourceDatabases.pgConnection("pg"));
    JsonObject body = new JsonObject().put("connection_id", conn).put("table", "events").put("name", "events")
      .put("incremental_column", "id");
    JsonObject first = importAndWait(owner, body);
    assertThat(first.getLong("row_count")).isEqualTo(100);
    assertThat(first.getJsonObject("result").getString("last_value")).isEqualTo("100");

    SourceDatabases.pg("INSERT INTO events SELECT g, timestamptz '2024-01-01 00:00+00' + g * interval '1 minute', "
      + "'e' || g FROM generate_series(101, 125) g");
    JsonObject second = importAndWait(owner, body);
    assertThat(second.getJsonObject("result").getLong("rows_imported")).isEqualTo(25);
    assertThat(second.getLong("row_count")).isEqualTo(125);
    Path parquet = download(owner, first.getString("dataset_id"));
    assertThat(Duck.value("SELECT count(*) FROM (SELECT id FROM (" + read(parquet) + ") GROUP BY id HAVING count(*) = 1 "
      + "AND id BETWEEN 1 AND 125)")).as("each row exactly once").isEqualTo(125L);
    assertThat(Duck.value("SELECT count(*) FROM (" + read(parquet) + ")")).isEqualTo(125L);

    assertThat(second.getJsonObject("result").getBoolean("new_version")).isTrue();
    JsonObject third = importAndWait(owner, body);
    assertThat(third.getJsonObject("result").getLong("rows_imported")).isZero();
    assertThat(third.getJsonObject("result").getBoolean("new_version")).as("no new rows, no new version").isFalse();
    assertThat(third.getJsonObject("result").getString("note")).contains("no new version");
    assertThat(third.getLong("row_count")).isEqualTo(125);
    assertThat(owner.get("/api/v1/data/datasets/" + first.getString("dataset_id")).bodyAsJsonObject()
      .getInteger("version")).isEqualTo(2);
    assertThat(Duck.value("SELECT count(*) FROM (" + read(download(owner, first.getString("dataset_id"))) + ")"))
      .isEqualTo(125L);

    // each new version is in the audit trail, by the user who asked; the run that found nothing made none
    io.vertx.core.json.JsonArray audit = Api.admin().get("/api/v1/audit?resource_type=dataset&resource_id="
      + first.getString("dataset_id")).bodyAsJsonObject().getJsonArray("items");
    java.util.List<JsonObject> versions = audit.stream().map(JsonObject.class::cast)
      .filter(e -> e.getString("action").startsWith("dataset.imported") || e.getString("action").equals("dataset.appended"))
      .toList();
    assertThat(versions).extracting(e -> e.getString("action")).as(audit.encode())
      .containsExactly("dataset.appended", "dataset.imported");
    assertThat(versions.get(0).getJsonObject("after").getLong("rows_added")).isEqualTo(25);
    assertThat(versions.get(0).getJsonObject("after").getLong("row_count")).isEqualTo(125);
    assertThat(versions.get(0).getJsonObject("after").getInteger("version")).isEqualTo(2);
    assertThat(versions.get(0).getJsonObject("after").getString("job_id")).isEqualTo(second.getString("job_id"));
    assertThat(versions.get(1).getJsonObject("after").getLong("rows_added")).isEqualTo(100);
    assertThat(versions.get(1).getJsonObject("after").getInteger("version")).isEqualTo(1);
    String ownerId = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(owner.token().split("\\.")[1])))
      .getString("sub");
    assertThat(versions).allSatisfy(e -> assertThat(e.getString("actor_id")).isEqualTo(ownerId));
  }

  @Test
  @DisplayName("a failing validation or a missing table is a 4xx before any job or dataset exists")
  void validationFailures() throws Exception {
    Api owner = Api.newUser("analyst");
    String conn = connect(owner, SourceDatabases.pgConnection("pg"));
    Api.error(owner.post("/api/v1/data/import", new JsonObject().put("connection_id", conn).put("table", "no_such_table")
      .put("name", "missing")), 422, "SOURCE_FAILED");
    Api.error(owner.post("/api/v1/data/import", new JsonObject().put("connection_id", conn).put("table", "events")
      .put("name", "bad_column").put("incremental_column", "nope")), 400, "VALIDATION_FAILED");
    Api.error(owner.post("/api/v1/data/import", new JsonObject().put("connection_id", conn).put("table", "events")
      .put("sql", "SELECT 1").put("name", "both")), 400, "VALIDATION_FAILED");
    Api.error(owner.post("/api/v1/data/import", new JsonObject().put("connection_id", conn).put("table", "events")
      .put("name", "bad_schedule").put("schedule", "every 5 fortnights")), 400, "VALIDATION_FAILED");
    Api.error(Api.newUser("analyst").post("/api/v1/data/import", new JsonObject().put("connection_id", conn)
      .put("table", "events").put("name", "not_mine")), 404, "NOT_FOUND");

    // the password changes on the server after the connection was stored: the import is refused, no job
    String changed = "changed-Pa55word-1";
    SourceDatabases.pg("ALTER ROLE " + SourceDatabases.PG_USER + " PASSWORD '" + changed + "'");
    try {
      JsonObject error = Api.error(owner.post("/api/v1/data/import", new JsonObject().put("connection_id", conn)
        .put("table", "events").put("name", "stale_password")), 422, "SOURCE_AUTH_FAILED");
      assertThat(error.getString("message")).doesNotContain(SourceDatabases.PG_PASSWORD).doesNotContain(changed);
      Api.error(owner.post("/api/v1/data/connections/" + conn + "/test", new JsonObject()), 422, "SOURCE_AUTH_FAILED");
    } finally {
      SourceDatabases.pg("ALTER ROLE " + SourceDatabases.PG_USER + " PASSWORD '" + SourceDatabases.PG_PASSWORD + "'");
    }
    assertThat(owner.get("/api/v1/data/datasets").bodyAsJsonObject().getJsonArray("items")).as("no dataset").isEmpty();
  }

  @Test
  @DisplayName("a MariaDB table imports with its types mapped exactly")
  void mariadb() throws Exception {
    SourceDatabases.mariadb("DROP TABLE IF EXISTS shop_orders",
      "CREATE TABLE shop_orders (id INT PRIMARY KEY, qty SMALLINT, total DECIMAL(10,2), ratio DOUBLE, paid BOOLEAN, "
        + "day DATE, at DATETIME(6), note VARCHAR(50), attrs JSON, raw BLOB, huge BIGINT UNSIGNED)",
      "INSERT INTO shop_orders VALUES (1, 3, 12345678.90, 0.125, TRUE, '2024-02-29', '2024-02-29 23:59:58.123456', "
        + "'héllo', '{\"a\": 1}', X'00FF10', 18446744073709551615)",
      "INSERT INTO shop_orders VALUES (2, NULL, -0.01, NULL, FALSE, NULL, NULL, NULL, NULL, NULL, 0)");
    Api owner = Api.newUser("analyst");
    String conn = connect(owner, SourceDatabases.mariadbConnection("maria"));
    JsonObject job = importAndWait(owner, new JsonObject().put("connection_id", conn).put("table", "shop_orders")
      .put("name", "shop_orders"));
    Path parquet = download(owner, job.getString("dataset_id"));
    List<String> types = Duck.rows("DESCRIBE " + read(parquet)).stream()
      .map(r -> r.get("column_name") + " " + r.get("column_type")).toList();
    assertThat(types).containsExactly("id INTEGER", "qty INTEGER", "total DECIMAL(10,2)", "ratio DOUBLE",
      "paid BOOLEAN", "day DATE", "at TIMESTAMP", "note VARCHAR", "attrs VARCHAR", "raw BLOB", "huge DECIMAL(20,0)");
    List<Map<String, Object>> rows = Duck.rows("SELECT id, qty, CAST(total AS VARCHAR) AS total, ratio, paid, "
      + "CAST(\"day\" AS VARCHAR) AS day, CAST(\"at\" AS VARCHAR) AS at, note, attrs, hex(raw) AS raw, "
      + "CAST(huge AS VARCHAR) AS huge "
      + "FROM (" + read(parquet) + ") ORDER BY id");
    assertThat(rows.get(0)).containsEntry("id", 1).containsEntry("qty", 3).containsEntry("total", "12345678.90")
      .containsEntry("ratio", 0.125).containsEntry("paid", true).containsEntry("day", "2024-02-29")
      .containsEntry("at", "2024-02-29 23:59:58.123456").containsEntry("note", "héllo").containsEntry("attrs", "{\"a\": 1}")
      .containsEntry("raw", "00FF10").containsEntry("huge", "18446744073709551615");
    assertThat(Duck.value("SELECT count(*) FROM (" + read(parquet) + ") WHERE id = 2 AND qty IS NULL AND total = -0.01 "
      + "AND NOT paid AND \"at\" IS NULL AND raw IS NULL AND huge = 0")).isEqualTo(1L);
  }
}
