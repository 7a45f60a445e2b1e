package io.tributary.query;

import io.tributary.support.Api;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The query sandbox reaches nothing but the caller's datasets")
class QuerySecurityTest {

  @TempDir
  static Path dir;
  static Api owner;
  static Api other;
  static String otherFile;
  /** The ids of this test's two datasets. */
  static java.util.List<String> ownDatasets;

  @BeforeAll
  static void setUp() throws Exception {
    owner = QueryFlowTest.premiumAnalyst();
    other = QueryFlowTest.premiumAnalyst();
    Path mine = dir.resolve("mine.csv");
    Files.writeString(mine, "a,b\n1,x\n2,y\n");
    Path theirs = dir.resolve("theirs.csv");
    Files.writeString(theirs, "secret\ntop\n");
    JsonObject minesJob = owner.uploadAndWait(mine, Map.of());
    assertThat(minesJob.getString("status")).isEqualTo("completed");
    JsonObject job = other.uploadAndWait(theirs, Map.of());
    assertThat(job.getString("status")).isEqualTo("completed");
    ownDatasets = java.util.List.of(minesJob.getString("dataset_id"), job.getString("dataset_id"));
    try (Stream<Path> files = Files.walk(TestApp.get().dataDir.resolve("app/datasets"))) {
      otherFile = files.filter(p -> p.toString().contains(job.getString("dataset_id"))).filter(Files::isRegularFile)
        .findFirst().orElseThrow().toString();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM glob('/*')",
    "COPY (SELECT * FROM mine) TO '/tmp/stolen.csv'",
    "COPY mine TO 'mine-copy.parquet'",
    "ATTACH '/tmp/x.duckdb' AS x",
    "ATTACH ':memory:' AS m",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "RESET memory_limit",
    "PRAGMA database_list",
    "CREATE TABLE t AS SELECT 1",
    "DROP VIEW mine",
    "INSERT INTO mine VALUES (3, 'z')",
    "UPDATE mine SET a = 0",
    "DELETE FROM mine",
    "CALL duckdb_settings()",
    "SELECT * FROM duckdb_settings()",
    "EXPORT DATABASE '/tmp/export'",
    "SELECT 1; DROP VIEW mine",
    "SELECT * FROM theirs",
    "SELECT * FROM 'mine'",
    "SELECT * FROM read_parquet('mine')",
    "SELECT * FROM read_parquet('../*/*/data.parquet')"
  })
  @DisplayName("is refused with a 4xx and changes nothing")
  void refused(String sql) throws Exception {
    Map<String, String> before = lakeDigest();
    HttpResponse<Buffer> r = owner.post("/api/v1/query/sql", new JsonObject().put("sql", sql));
    assertThat(r.statusCode()).as(sql + " → " + r.bodyAsString()).isBetween(400, 499);
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isIn("INVALID_SQL", "SQL_NOT_ALLOWED", "UNKNOWN_TABLE");
    assertThat(r.bodyAsString()).doesNotContain(TestApp.get().dataDir.toString()).doesNotContain("/tmp/tributary")
      .doesNotContain("Exception");
    assertIntact(before, lakeDigest());
    assertThat(Files.exists(Path.of("/tmp/stolen.csv"))).isFalse();
    HttpResponse<Buffer> still = owner.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT count(*) AS n FROM mine"));
    assertThat(still.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getInteger("n")).isEqualTo(2);
  }

  @Test
  @DisplayName("another user's Parquet file is out of reach by path, and their dataset name looks like no table at all")
  void otherUsersFiles() {
    HttpResponse<Buffer> byPath = owner.post("/api/v1/query/sql",
      new JsonObject().put("sql", "SELECT * FROM read_parquet('" + otherFile + "')"));
    assertThat(byPath.statusCode()).isBetween(400, 499);
    assertThat(byPath.bodyAsString()).doesNotContain("top").doesNotContain(otherFile);
    HttpResponse<Buffer> asTable = owner.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT * FROM '" + otherFile + "'"));
    assertThat(asTable.statusCode()).isBetween(400, 499);
    HttpResponse<Buffer> theirs = owner.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT * FROM theirs"));
    HttpResponse<Buffer> none = owner.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT * FROM no_such_table_here"));
    assertThat(theirs.statusCode()).isEqualTo(none.statusCode());
    assertThat(theirs.bodyAsJsonObject().getJsonObject("error").getString("code"))
      .isEqualTo(none.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  @Test
  @DisplayName("a query running past the timeout is cancelled with 504 QUERY_TIMEOUT")
  void timeout() {
    HttpResponse<Buffer> r = owner.post("/api/v1/query/sql", new JsonObject()
      .put("sql", "SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range = -1"));
    Api.error(r, 504, "QUERY_TIMEOUT");
    assertThat(owner.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT 1 AS one")).statusCode()).isEqualTo(200);
  }

  /**
   * No file appeared, every file left is unchanged, and every file of this test's users is still there. Other tests'
   * superseded versions may be deleted meanwhile by the lake's own clean-up (after {@code node.file_grace_ms}).
   */
  private static void assertIntact(Map<String, String> before, Map<String, String> after) {
    assertThat(before).as("no file appeared").containsAllEntriesOf(after);
    for (String id : ownDatasets) {
      assertThat(before.keySet()).as("the files of dataset " + id).anyMatch(k -> k.contains(id));
      before.keySet().stream().filter(k -> k.contains(id))
        .forEach(k -> assertThat(after).as("this test's file " + k + " is intact").containsEntry(k, before.get(k)));
    }
  }

  private static Map<String, String> lakeDigest() throws Exception {
    Map<String, String> digests = new TreeMap<>();
    Path root = TestApp.get().dataDir.resolve("app");
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String rel = root.relativize(p).toString();
        if (Files.isRegularFile(p) && !rel.startsWith("tmp") && !rel.startsWith("staging")) {
          digests.put(rel, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        }
      }
    }
    return digests;
  }
}
