package io.tributary.ingest;

import io.tributary.support.Api;
import io.tributary.support.Duck;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adversarial files through the real upload API, with the default limits: each ends as a dataset or as a failed job
 * whose error names what was wrong, and the server stays ready and completes the next ordinary job. (The line of
 * 1 GB runs in IngestBench; here a field over the default limit, and InputLimitsTest has the line limit.)
 */
@DisplayName("Hostile files end as a dataset or a failed job with its reason, and the server carries on")
class HostileFilesTest {

  @TempDir
  static Path dir;
  static Api user;

  @BeforeAll
  static void login() {
    user = Api.newUser("analyst");
  }

  @Test
  @DisplayName("1 MB of Parquet that expands a thousandfold becomes a dataset with its profile")
  void parquetBomb() throws Exception {
    Path bomb = dir.resolve("bomb.parquet");
    Duck.exec("COPY (SELECT i AS id, repeat('x', 500000) AS text FROM range(2000) t(i)) TO " + Duck.lit(bomb)
      + " (FORMAT parquet, COMPRESSION zstd)");
    long expanded = 2000L * 500_000;
    assertThat(Files.size(bomb)).as("at most 1 MB, expanding a thousandfold").isLessThan(expanded / 1000);
    JsonObject job = user.uploadAndWait(bomb, Map.of());
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getLong("row_count")).isEqualTo(2000L);
    JsonObject text = user.get("/api/v1/data/profile/" + job.getString("dataset_id")).bodyAsJsonObject()
      .getJsonArray("columns").getJsonObject(1);
    assertThat(text.getLong("unique_count")).isEqualTo(1L);
    assertCarriesOn();
  }

  @Test
  @DisplayName("Parquet whose values pass the field limit fails naming the column, the limit and its value")
  void parquetBombOverTheFieldLimit() throws Exception {
    Path bomb = dir.resolve("big-values.parquet");
    Duck.exec("COPY (SELECT i AS id, repeat('y', 17000000) AS \"big text\" FROM range(3) t(i)) TO " + Duck.lit(bomb)
      + " (FORMAT parquet, COMPRESSION zstd)");
    JsonObject job = user.uploadAndWait(bomb, Map.of());
    assertThat(job.getString("status")).isEqualTo("failed");
    assertThat(job.getString("error")).isEqualTo("column 'big text': a value is longer than 16,000,000 characters "
      + "(limit transform.max_field_chars, env TRIBUTARY_MAX_FIELD_CHARS). Shorten the values, or raise the limit.");
    assertCarriesOn();
  }

  @Test
  @DisplayName("a CSV line with a field over the default limit fails naming the line and the limit")
  void hugeLine() throws Exception {
    Path csv = dir.resolve("huge-line.csv");
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      w.write("id,text\n1,short\n2,");
      char[] chunk = "z".repeat(1 << 16).toCharArray();
      for (int written = 0; written < 17_000_000; written += chunk.length) {
        w.write(chunk);
      }
      w.write("\n3,short\n");
    }
    JsonObject job = user.uploadAndWait(csv, Map.of());
    assertThat(job.getString("status")).isEqualTo("failed");
    assertThat(job.getString("error")).isEqualTo("line 3: a field is longer than 16,000,000 characters (limit "
      + "transform.max_field_chars, env TRIBUTARY_MAX_FIELD_CHARS). Shorten the field (or close the quote it opens), "
      + "or raise the limit.");
    assertCarriesOn();
  }

  @Test
  @DisplayName("100,000 columns fail at the header naming the column limit; 20,000 columns become a dataset")
  void manyColumns() throws Exception {
    JsonObject wide = user.uploadAndWait(columns("columns-100000.csv", 100_000), Map.of());
    assertThat(wide.getString("status")).isEqualTo("failed");
    assertThat(wide.getString("error")).isEqualTo("line 1: the row has more than 20,000 columns (limit "
      + "transform.max_columns, env TRIBUTARY_MAX_COLUMNS). Split the file into files of fewer columns, or raise the "
      + "limit.");

    // its profile takes about 25 s alone (DuckDB's cost per column of a statistics query): a loaded machine needs more
    HttpResponse<Buffer> upload = user.upload(columns("columns-20000.csv", 20_000), Map.of());
    assertThat(upload.statusCode()).as(upload.bodyAsString()).isEqualTo(202);
    JsonObject legal = awaitJob(upload.bodyAsJsonObject().getString("job_id"), Duration.ofMinutes(8));
    assertThat(legal.getString("status")).as(legal.encode()).isEqualTo("completed");
    assertThat(legal.getLong("row_count")).isEqualTo(3L);
    JsonObject profile = user.get("/api/v1/data/profile/" + legal.getString("dataset_id")).bodyAsJsonObject();
    assertThat(profile.getInteger("column_count")).isEqualTo(20_000);
    assertThat(profile.getJsonArray("columns").getJsonObject(19_999).getLong("unique_count")).isEqualTo(3L);
    assertCarriesOn();
  }

  @Test
  @DisplayName("JSON nested 201 levels becomes a dataset; 1,001 levels fails naming the depth limit and the line")
  void deepJson() throws Exception {
    JsonObject deep = user.uploadAndWait(nested("deep-201.ndjson", 201), Map.of());
    assertThat(deep.getString("status")).as(deep.encode()).isEqualTo("completed");
    assertThat(deep.getLong("row_count")).isEqualTo(2L);

    JsonObject deeper = user.uploadAndWait(nested("deep-1001.ndjson", 1001), Map.of());
    assertThat(deeper.getString("status")).isEqualTo("failed");
    assertThat(deeper.getString("error")).isEqualTo("line 2: objects and arrays are nested deeper than 1,000 levels "
      + "(limit transform.max_json_depth, env TRIBUTARY_MAX_JSON_DEPTH). Flatten the data, or raise the limit.");
    assertCarriesOn();
  }

  @Test
  @DisplayName("Parquet whose footer lies about its row count: ignored when the row groups are right, else refused")
  void lyingFooter() throws Exception {
    Path good = dir.resolve("honest.parquet");
    Duck.exec("COPY (SELECT i AS id, 'v' || i AS v FROM range(1000) t(i)) TO " + Duck.lit(good) + " (FORMAT parquet)");

    JsonObject fileLie = user.uploadAndWait(lie(good, "file-lie.parquet", 1_000_000_000_000L, -1), Map.of());
    assertThat(fileLie.getString("status")).as(fileLie.encode()).isEqualTo("completed");
    assertThat(fileLie.getLong("row_count")).as("the rows really there").isEqualTo(1000L);

    JsonObject groupLie = user.uploadAndWait(lie(good, "group-lie.parquet", -1, 1_000_000_000L), Map.of());
    assertThat(groupLie.getString("status")).isEqualTo("failed");
    assertThat(groupLie.getString("error")).startsWith("not a valid Parquet file: ")
      .contains("Column has 1000 values but row group has 1000000000 rows").doesNotContain("/");
    assertCarriesOn();
  }

  private static JsonObject awaitJob(String jobId, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      JsonObject job = user.get("/api/v1/data/job/" + jobId).bodyAsJsonObject();
      if ("completed".equals(job.getString("status")) || "failed".equals(job.getString("status"))) {
        return job;
      }
      Api.sleep(250);
    }
    throw new AssertionError("job " + jobId + " did not finish in " + timeout);
  }

  /** The server is ready and completes an ordinary upload. */
  private static void assertCarriesOn() throws Exception {
    HttpResponse<Buffer> ready = Api.anonymous().get("/health/ready");
    assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(200);
    assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("UP");
    Path ordinary = Files.writeString(dir.resolve("ordinary-" + System.nanoTime() + ".csv"), "a,b\n1,x\n2,y\n");
    JsonObject job = user.uploadAndWait(ordinary, Map.of());
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getLong("row_count")).isEqualTo(2L);
  }

  /** A CSV of three rows and the given number of columns. */
  private static Path columns(String name, int n) throws Exception {
    Path f = dir.resolve(name);
    try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
      for (int row = 0; row < 4; row++) {
        for (int i = 0; i < n; i++) {
          w.write(i == 0 ? "" : ",");
          w.write(row == 0 ? "c" + i : Integer.toString(row * 10 + i % 7));
        }
        w.write('\n');
      }
    }
    return f;
  }

  /** NDJSON: a flat object, then {@code levels} objects nested in one another. */
  private static Path nested(String name, int levels) throws Exception {
    String open = "{\"k\":".repeat(levels);
    String close = "}".repeat(levels);
    return Files.writeString(dir.resolve(name), "{\"k\":0}\n" + open + "1" + close + "\n");
  }

  /** A copy of a Parquet file whose footer states other row counts (-1: keep). */
  private static Path lie(Path honest, String name, long fileRows, long groupRows) throws Exception {
    byte[] b = Files.readAllBytes(honest);
    int length = ByteBuffer.wrap(b, b.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int start = b.length - 8 - length;
    FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(b, start, length));
    if (fileRows >= 0) {
      meta.setNum_rows(fileRows);
    }
    if (groupRows >= 0) {
      for (RowGroup g : meta.getRow_groups()) {
        g.setNum_rows(groupRows);
      }
    }
    ByteArrayOutputStream footer = new ByteArrayOutputStream();
    Util.writeFileMetaData(meta, footer);
    Path f = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(f)) {
      out.write(b, 0, start);
      footer.writeTo(out);
      out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(footer.size()).array());
      out.write("PAR1".getBytes(StandardCharsets.US_ASCII));
    }
    return f;
  }
}
