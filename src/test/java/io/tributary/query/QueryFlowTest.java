package io.tributary.query;

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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("SQL over your datasets")
class QueryFlowTest {

  @TempDir
  static Path dir;
  static Api user;

  @BeforeAll
  static void datasets() throws Exception {
    user = premiumAnalyst();
    Path sales = dir.resolve("sales.csv");
    Files.writeString(sales, """
      id,customer id,amount $,day,note
      1,10,12.5,2024-01-01,first
      2,10,7.5,2024-01-02,
      3,11,100,2024-01-02,"big, one"
      4,12,1,2024-01-03,small
      """);
    Path customers = dir.resolve("customers.json");
    Files.writeString(customers, """
      [{"id": 10, "name": "Ann", "big": 9007199254740993},
       {"id": 11, "name": "Bob", "big": 1},
       {"id": 12, "name": "Cem", "big": null}]
      """);
    assertThat(user.uploadAndWait(sales, Map.of()).getString("status")).isEqualTo("completed");
    assertThat(user.uploadAndWait(customers, Map.of()).getString("status")).isEqualTo("completed");
  }

  static Api premiumAnalyst() {
    String email = "q-" + java.util.UUID.randomUUID() + "@test.local";
    var r = Api.admin().post("/api/v1/users", new JsonObject().put("email", email).put("password", "Password-123")
      .put("role", "analyst").put("tier", "premium"));
    assertThat(r.statusCode()).isEqualTo(201);
    return Api.anonymous().login(email, "Password-123");
  }

  static HttpResponse<Buffer> sql(Api api, String sql, Integer limit) {
    JsonObject body = new JsonObject().put("sql", sql);
    if (limit != null) {
      body.put("limit", limit);
    }
    return api.post("/api/v1/query/sql", body);
  }

  @Test
  @DisplayName("a join across two datasets with quoted original column names returns typed JSON values")
  void join() {
    HttpResponse<Buffer> r = sql(user, """
      SELECT c.name, sum(s."amount $") AS total, min(s.day) AS first_day, max(c.big) AS big
      FROM sales s JOIN customers c ON c.id = s."customer id"
      GROUP BY c.name ORDER BY c.name""", null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getJsonArray("columns").stream().map(JsonObject.class::cast).map(c -> c.getString("name")))
      .containsExactly("name", "total", "first_day", "big");
    JsonArray rows = body.getJsonArray("results");
    assertThat(rows).hasSize(3);
    assertThat(rows.getJsonObject(0).getString("name")).isEqualTo("Ann");
    assertThat(rows.getJsonObject(0).getDouble("total")).isEqualTo(20.0);
    assertThat(rows.getJsonObject(0).getString("first_day")).isEqualTo("2024-01-01");
    assertThat(rows.getJsonObject(0).getValue("big")).isEqualTo("9007199254740993");
    assertThat(rows.getJsonObject(1).getValue("big")).isEqualTo(1);
    assertThat(rows.getJsonObject(2).getValue("big")).isNull();
    assertThat(body.getInteger("row_count")).isEqualTo(3);
    assertThat(body.getBoolean("truncated")).isFalse();
    assertThat(body.getBoolean("cached")).isFalse();
    assertThat(body.getLong("execution_time_ms")).isNotNegative();
  }

  @Test
  @DisplayName("the second identical query is answered from the cache; a new upload of the dataset makes it stale")
  void cache() throws Exception {
    Api own = premiumAnalyst();
    Path f = dir.resolve("cached_numbers.csv");
    Files.writeString(f, "n\n1\n2\n3\n");
    assertThat(own.uploadAndWait(f, Map.of()).getString("status")).isEqualTo("completed");
    String q = "SELECT sum(n) AS s FROM cached_numbers";
    JsonObject first = sql(own, q, null).bodyAsJsonObject();
    JsonObject second = sql(own, "  " + q.replace(" ", "   ") + " ;", null).bodyAsJsonObject();
    assertThat(first.getBoolean("cached")).isFalse();
    assertThat(second.getBoolean("cached")).isTrue();
    assertThat(second.getJsonArray("results")).isEqualTo(first.getJsonArray("results"));
    assertThat(sql(own, q, 5).bodyAsJsonObject().getBoolean("cached")).as("the limit is part of the key").isFalse();
    Files.writeString(f, "n\n10\n20\n");
    assertThat(own.uploadAndWait(f, Map.of("replace", "true")).getString("status")).isEqualTo("completed");
    JsonObject fresh = sql(own, q, null).bodyAsJsonObject();
    assertThat(fresh.getBoolean("cached")).as("a new version of the dataset makes the entry stale").isFalse();
    assertThat(fresh.getJsonArray("results").getJsonObject(0).getInteger("s")).isEqualTo(30);
    assertThat(sql(own, q, null).bodyAsJsonObject().getBoolean("cached")).isTrue();
    Api other = premiumAnalyst();
    assertThat(other.uploadAndWait(f, Map.of()).getString("status")).isEqualTo("completed");
    assertThat(sql(other, q, null).bodyAsJsonObject().getBoolean("cached")).as("the user is part of the key").isFalse();
  }

  @Test
  @DisplayName("results beyond the limit are truncated and flagged")
  void limit() throws Exception {
    JsonObject r = sql(user, "SELECT range AS n FROM range(5000)", 1200).bodyAsJsonObject();
    assertThat(r.getInteger("row_count")).isEqualTo(1200);
    assertThat(r.getJsonArray("results")).hasSize(1200);
    assertThat(r.getBoolean("truncated")).isTrue();
    JsonObject d = sql(user, "SELECT range AS n FROM range(5000)", null).bodyAsJsonObject();
    assertThat(d.getInteger("row_count")).as("default limit").isEqualTo(1000);
    Api.error(sql(user, "SELECT 1", 0), 400, "VALIDATION_FAILED");
  }

  @Test
  @DisplayName("CSV and NDJSON are streamed when asked with Accept")
  void streaming() {
    HttpResponse<Buffer> csv = Api.send(user.request(io.vertx.core.http.HttpMethod.POST, "/api/v1/query/sql")
      .putHeader("Accept", "text/csv")
      .sendJsonObject(new JsonObject().put("sql", "SELECT id, note FROM sales ORDER BY id")));
    assertThat(csv.statusCode()).as(csv.bodyAsString()).isEqualTo(200);
    assertThat(csv.getHeader("Content-Type")).startsWith("text/csv");
    assertThat(csv.bodyAsString().replace("\r\n", "\n")).isEqualTo("id,note\n1,first\n2,\n3,\"big, one\"\n4,small\n");

    HttpResponse<Buffer> nd = Api.send(user.request(io.vertx.core.http.HttpMethod.POST, "/api/v1/query/sql")
      .putHeader("Accept", "application/x-ndjson")
      .sendJsonObject(new JsonObject().put("sql", "SELECT range AS n FROM range(200000)")));
    assertThat(nd.statusCode()).isEqualTo(200);
    String[] lines = nd.bodyAsString().split("\n");
    assertThat(lines).hasSize(200_000);
    assertThat(new JsonObject(lines[199_999]).getLong("n")).isEqualTo(199_999L);
    Api.error(Api.send(user.request(io.vertx.core.http.HttpMethod.POST, "/api/v1/query/sql").putHeader("Accept", "image/png")
      .sendJsonObject(new JsonObject().put("sql", "SELECT 1"))), 406, "NOT_ACCEPTABLE");
  }

  @Test
  @DisplayName("validate reports syntax errors, unknown tables and columns, and forbidden statements without running them")
  void validate() {
    JsonObject ok = user.post("/api/v1/query/validate", new JsonObject().put("sql", "SELECT * FROM sales")).bodyAsJsonObject();
    assertThat(ok.getBoolean("valid")).isTrue();
    assertThat(ok.getJsonArray("errors")).isEmpty();
    for (String bad : new String[] {"SELEC 1", "SELECT * FROM nowhere", "SELECT nocolumn FROM sales",
      "DROP TABLE sales", "SELECT 1; SELECT 2"}) {
      var r = user.post("/api/v1/query/validate", new JsonObject().put("sql", bad));
      assertThat(r.statusCode()).as(bad).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getBoolean("valid")).as(bad).isFalse();
      assertThat(r.bodyAsJsonObject().getJsonArray("errors")).as(bad).isNotEmpty();
      assertThat(r.bodyAsString()).as(bad).doesNotContain("/tmp").doesNotContain("tributary-test");
    }
    Api.error(sql(user, "SELEC 1", null), 400, "INVALID_SQL");
    Api.error(sql(user, "SELECT * FROM nowhere", null), 400, "UNKNOWN_TABLE");
  }

  @Test
  @DisplayName("the downloaded dataset and the query agree (DuckDB over the same file)")
  void agreesWithDuckDb() throws Exception {
    JsonObject listed = user.get("/api/v1/data/datasets").bodyAsJsonObject();
    String salesId = listed.getJsonArray("items").stream().map(JsonObject.class::cast)
      .filter(d -> "sales".equals(d.getString("name"))).findFirst().orElseThrow().getString("dataset_id");
    Path file = dir.resolve("sales-download.parquet");
    Files.write(file, user.get("/api/v1/data/datasets/" + salesId + "/download").body().getBytes());
    Object expected = Duck.value("SELECT sum(\"amount $\") FROM read_parquet(" + Duck.lit(file) + ") WHERE day >= DATE '2024-01-02'");
    JsonObject r = sql(user, "SELECT sum(\"amount $\") AS s FROM sales WHERE day >= DATE '2024-01-02'", null).bodyAsJsonObject();
    assertThat(r.getJsonArray("results").getJsonObject(0).getDouble("s")).isEqualTo(expected);
  }
}
