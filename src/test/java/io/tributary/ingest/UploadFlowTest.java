package io.tributary.ingest;

import io.tributary.support.Api;
import io.tributary.support.Duck;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
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

@DisplayName("Upload → job → dataset → Parquet download")
class UploadFlowTest {

  @TempDir
  static Path dir;
  static Api analyst;

  @BeforeAll
  static void user() {
    analyst = Api.newUser("analyst");
  }

  @Test
  @DisplayName("a CSV with quotes, embedded newlines, UTF-8 names and empty fields becomes a dataset that reads back identical")
  void csvRoundTrip() throws Exception {
    Path csv = dir.resolve("Café Sales-2024.csv");
    Files.writeString(csv, """
      id,full name,city $,Score,joined,active,notes,day
      1,"Ann ""Annie"" Lee",Zürich,3.5,2024-01-05T10:00:00,true,"line1
      line2",2024-01-05
      2,Bob,,4,2024-02-06T11:30:00,false,,2024-02-06
      3,"Çelik, Ayşe",İstanbul,,2024-03-07 12:45:30,TRUE,plain,
      """);
    HttpResponse<Buffer> accepted = analyst.upload(csv, Map.of());
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(202);
    JsonObject reply = accepted.bodyAsJsonObject();
    assertThat(reply.getString("name")).isEqualTo("caf_sales_2024");
    assertThat(reply.getString("status")).isEqualTo("queued");

    JsonObject job = analyst.awaitJob(reply.getString("job_id"));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getInteger("progress")).isEqualTo(100);
    assertThat(job.getLong("row_count")).isEqualTo(3L);
    assertThat(job.getLong("rows_rejected")).isEqualTo(0L);

    JsonObject dataset = analyst.get("/api/v1/data/datasets/" + reply.getString("dataset_id")).bodyAsJsonObject();
    assertThat(dataset.getString("status")).isEqualTo("ready");
    assertThat(dataset.getLong("row_count")).isEqualTo(3L);
    assertThat(dataset.getInteger("column_count")).isEqualTo(8);
    assertThat(dataset.getLong("size_bytes")).isPositive();
    assertThat(schema(dataset)).containsExactly(
      "id:BIGINT", "full name:VARCHAR", "city $:VARCHAR", "Score:DOUBLE", "joined:TIMESTAMP", "active:BOOLEAN",
      "notes:VARCHAR", "day:DATE");

    Path parquet = download(reply.getString("dataset_id"));
    assertThat(Duck.rows("SELECT column_name FROM (DESCRIBE SELECT * FROM " + Duck.lit(parquet) + ")"))
      .extracting(r -> r.get("column_name"))
      .containsExactly("id", "full name", "city $", "Score", "joined", "active", "notes", "day");
    String ours = "SELECT * FROM read_parquet(" + Duck.lit(parquet) + ")";
    String theirs = "SELECT * FROM read_csv(" + Duck.lit(csv) + ", header=true, timestampformat='%Y-%m-%dT%H:%M:%S')";
    assertThat(Duck.value("SELECT count(*) FROM (" + ours + ")")).isEqualTo(3L);
    List<Map<String, Object>> rows = Duck.rows(ours + " ORDER BY id");
    assertThat(rows.get(0).get("full name")).isEqualTo("Ann \"Annie\" Lee");
    assertThat(rows.get(0).get("notes")).isEqualTo("line1\nline2");
    assertThat(rows.get(1).get("city $")).isNull();
    assertThat(rows.get(1).get("notes")).isNull();
    assertThat(rows.get(2).get("Score")).isNull();
    assertThat(rows.get(2).get("city $")).isEqualTo("İstanbul");
    assertThat(rows.get(2).get("joined").toString()).startsWith("2024-03-07 12:45:30");
    assertThat(rows.get(2).get("active")).isEqualTo(true);
    assertThat(rows.get(2).get("day")).isNull();
    assertThat(rows.get(0).get("Score")).isEqualTo(3.5);
    assertThat(rows.get(1).get("Score")).isEqualTo(4.0);
    // the same values as DuckDB's own reading of the original file, column by column as text
    assertThat(Duck.value("SELECT count(*) FROM ((SELECT id, \"full name\", \"city $\", \"notes\", day FROM (" + ours
      + ")) EXCEPT (SELECT id, \"full name\", \"city $\", \"notes\", day FROM (" + theirs + ")))")).isEqualTo(0L);
  }

  @Test
  @DisplayName("NDJSON with mixed types, nulls, missing keys and nested values widens types and keeps nested JSON as text")
  void ndjson() throws Exception {
    Path file = dir.resolve("events.ndjson");
    Files.writeString(file, """
      {"id":1,"name":"a","v":1,"w":1,"tags":["x","y"],"meta":{"k":1}}
      {"id":2,"name":null,"v":2.5,"w":2,"flag":true}
      {"id":3,"v":"text","w":3.25,"flag":false}
      """);
    JsonObject job = analyst.uploadAndWait(file, Map.of("name", "events_nd"));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getLong("row_count")).isEqualTo(3L);
    JsonObject dataset = analyst.get("/api/v1/data/datasets/" + job.getString("dataset_id")).bodyAsJsonObject();
    assertThat(schema(dataset)).containsExactly("id:BIGINT", "name:VARCHAR", "v:VARCHAR", "w:DOUBLE", "tags:VARCHAR",
      "meta:VARCHAR", "flag:BOOLEAN");
    List<Map<String, Object>> rows = Duck.rows("SELECT * FROM read_parquet(" + Duck.lit(download(job.getString("dataset_id")))
      + ") ORDER BY id");
    assertThat(rows.get(0).get("tags")).isEqualTo("[\"x\",\"y\"]");
    assertThat(new JsonObject((String) rows.get(0).get("meta"))).isEqualTo(new JsonObject().put("k", 1));
    assertThat(rows.get(0).get("flag")).isNull();
    assertThat(rows.get(1).get("name")).isNull();
    assertThat(rows.get(2).get("name")).isNull();
    assertThat(rows.get(2).get("v")).isEqualTo("text");
    assertThat(rows.get(2).get("w")).isEqualTo(3.25);
  }

  @Test
  @DisplayName("a JSON array of objects becomes a dataset; integers mixed with decimals widen to DOUBLE")
  void jsonArray() throws Exception {
    Path file = dir.resolve("array.json");
    Files.writeString(file, "  [ {\"a\": 1, \"b\": 2.0, \"c\": \"x\"},\n {\"a\": 2.5, \"b\": null, \"c\": 7} ]");
    JsonObject job = analyst.uploadAndWait(file, Map.of());
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    JsonObject dataset = analyst.get("/api/v1/data/datasets/" + job.getString("dataset_id")).bodyAsJsonObject();
    assertThat(dataset.getString("name")).isEqualTo("array");
    assertThat(schema(dataset)).containsExactly("a:DOUBLE", "b:DOUBLE", "c:VARCHAR");
    assertThat(Duck.value("SELECT sum(a) FROM read_parquet(" + Duck.lit(download(job.getString("dataset_id"))) + ")"))
      .isEqualTo(3.5);
  }

  @Test
  @DisplayName("a Parquet upload keeps its types and values")
  void parquetInput() throws Exception {
    Path input = dir.resolve("input.parquet");
    Duck.exec("COPY (SELECT range AS id, 'n' || (range % 7) AS label, range * 0.5 AS half, "
      + "DATE '2024-01-01' + CAST(range AS INTEGER) AS day, range % 2 = 0 AS even, "
      + "CASE WHEN range % 3 = 0 THEN NULL ELSE range END AS maybe FROM range(1000)) TO "
      + Duck.lit(input) + " (FORMAT parquet)");
    JsonObject job = analyst.uploadAndWait(input, Map.of("name", "from_parquet"));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getLong("row_count")).isEqualTo(1000L);
    JsonObject dataset = analyst.get("/api/v1/data/datasets/" + job.getString("dataset_id")).bodyAsJsonObject();
    List<String> duckTypes = Duck.rows("DESCRIBE SELECT * FROM read_parquet(" + Duck.lit(input) + ")").stream()
      .map(r -> r.get("column_name") + ":" + r.get("column_type")).toList();
    assertThat(schema(dataset)).containsExactlyElementsOf(duckTypes);
    Path out = download(job.getString("dataset_id"));
    String diff = "SELECT count(*) FROM ((SELECT * FROM read_parquet(%s)) EXCEPT (SELECT * FROM read_parquet(%s)))";
    assertThat(Duck.value(diff.formatted(Duck.lit(out), Duck.lit(input)))).isEqualTo(0L);
    assertThat(Duck.value(diff.formatted(Duck.lit(input), Duck.lit(out)))).isEqualTo(0L);
  }

  @Test
  @DisplayName("datasets are listed newest first with limit/offset paging")
  void listing() throws Exception {
    Api user = Api.newUser("analyst");
    for (int i = 0; i < 3; i++) {
      Path f = dir.resolve("page" + i + ".csv");
      Files.writeString(f, "x\n" + i + "\n");
      assertThat(user.uploadAndWait(f, Map.of()).getString("status")).isEqualTo("completed");
    }
    JsonObject page1 = user.get("/api/v1/data/datasets?limit=2").bodyAsJsonObject();
    assertThat(page1.getJsonArray("items")).hasSize(2);
    assertThat(page1.getJsonArray("items").getJsonObject(0).getString("name")).isEqualTo("page2");
    assertThat(page1.getInteger("next_offset")).isEqualTo(2);
    JsonObject page2 = user.get("/api/v1/data/datasets?limit=2&offset=2").bodyAsJsonObject();
    assertThat(page2.getJsonArray("items")).hasSize(1);
    assertThat(page2.getValue("next_offset")).isNull();
    Api.error(user.get("/api/v1/data/datasets?limit=0"), 400, "VALIDATION_FAILED");
  }

  static List<String> schema(JsonObject dataset) {
    JsonArray schema = dataset.getJsonArray("schema");
    return schema.stream().map(JsonObject.class::cast).map(c -> c.getString("name") + ":" + c.getString("type")).toList();
  }

  static Path download(String datasetId) throws Exception {
    HttpResponse<Buffer> r = analyst.get("/api/v1/data/datasets/" + datasetId + "/download");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Disposition")).contains(".parquet");
    Path out = Files.createTempFile(dir, "download", ".parquet");
    Files.write(out, r.body().getBytes());
    return out;
  }
}
