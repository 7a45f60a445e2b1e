package io.tributary.dashboard;

import io.tributary.db.Database;
import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Dashboards over REST: saved visualizations, their data, share links")
class DashboardApiTest {

  static Api owner;
  static String salesId;
  static String seriesId;

  /** Planted data: per-region sales with known totals, and a 20,000-point series with one spike. */
  @BeforeAll
  static void plant() throws Exception {
    owner = Api.newUser("analyst", "premium");
    Path dir = Files.createTempDirectory("dash");
    StringBuilder sales = new StringBuilder("region,amount\n");
    String[] regions = {"north", "south", "east"};
    for (int i = 0; i < 300; i++) {
      sales.append(regions[i % 3]).append(',').append(10 * (i % 3 + 1)).append('\n');
    }
    Files.writeString(dir.resolve("sales.csv"), sales.toString());
    StringBuilder series = new StringBuilder("t,v\n");
    for (int i = 0; i < 20_000; i++) {
      series.append(i).append(',').append(i == 12_345 ? 1000.0 : Math.sin(i / 100.0)).append('\n');
    }
    Files.writeString(dir.resolve("series.csv"), series.toString());
    salesId = owner.uploadAndWait(dir.resolve("sales.csv"), Map.of("name", "sales")).getString("dataset_id");
    seriesId = owner.uploadAndWait(dir.resolve("series.csv"), Map.of("name", "series")).getString("dataset_id");
  }

  static JsonObject viz(String title, String type, String dataset, String sql, JsonObject config) {
    return new JsonObject().put("title", title).put("chart_type", type).put("dataset_id", dataset).put("query", sql)
      .put("config", config);
  }

  static JsonObject dashboard(String name, JsonObject... vizzes) {
    JsonArray list = new JsonArray();
    for (JsonObject v : vizzes) {
      list.add(v);
    }
    return new JsonObject().put("name", name).put("visualizations", list);
  }

  static JsonObject byRegion() {
    return viz("Sales by region", "bar", salesId, "SELECT region, sum(amount) AS total FROM sales GROUP BY region "
      + "ORDER BY region", new JsonObject().put("x", "region").put("y", "total"));
  }

  static JsonObject line() {
    return viz("Signal", "line", seriesId, "SELECT t, v FROM series ORDER BY t", new JsonObject().put("x", "t").put("y",
      new JsonArray().add("v")));
  }

  @Test
  @DisplayName("a dashboard is created, read, listed, changed and deleted, with its visualizations' ids kept")
  void crud() {
    HttpResponse<Buffer> created = owner.post("/api/v1/dashboards", dashboard("Sales", byRegion(), line()));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject d = created.bodyAsJsonObject();
    String id = d.getString("dashboard_id");
    assertThat(created.getHeader("Location")).isEqualTo("/api/v1/dashboards/" + id);
    assertThat(d.getJsonArray("visualizations")).hasSize(2);
    assertThat(d.containsKey("owner_id")).isFalse();
    String vizId = d.getJsonArray("visualizations").getJsonObject(0).getString("viz_id");
    assertThat(UUID.fromString(vizId)).isNotNull();
    assertThat(d.getString("created_at")).isNotBlank();

    assertThat(owner.get("/api/v1/dashboards/" + id).bodyAsJsonObject().getString("name")).isEqualTo("Sales");
    JsonArray items = owner.get("/api/v1/dashboards").bodyAsJsonObject().getJsonArray("items");
    assertThat(items.stream().map(o -> ((JsonObject) o).getString("dashboard_id"))).contains(id);

    HttpResponse<Buffer> patched = Api.send(owner.request(HttpMethod.PATCH, "/api/v1/dashboards/" + id)
      .sendJsonObject(new JsonObject().put("name", "Sales 2026").put("refresh_seconds", 30)));
    assertThat(patched.statusCode()).as(patched.bodyAsString()).isEqualTo(200);
    JsonObject after = patched.bodyAsJsonObject();
    assertThat(after.getString("name")).isEqualTo("Sales 2026");
    assertThat(after.getJsonArray("visualizations").getJsonObject(0).getString("viz_id")).isEqualTo(vizId);
    assertThat(after.getInteger("version")).isEqualTo(d.getInteger("version") + 1);

    HttpResponse<Buffer> replaced = Api.send(owner.request(HttpMethod.PUT, "/api/v1/dashboards/" + id)
      .sendJsonObject(dashboard("Only the line", line())));
    assertThat(replaced.statusCode()).as(replaced.bodyAsString()).isEqualTo(200);
    assertThat(replaced.bodyAsJsonObject().getJsonArray("visualizations")).hasSize(1);

    assertThat(owner.delete("/api/v1/dashboards/" + id).statusCode()).isEqualTo(204);
    Api.error(owner.get("/api/v1/dashboards/" + id), 404, "NOT_FOUND");
  }

  @Test
  @DisplayName("a bad query in visualization 3 is refused naming visualization 3; nothing is stored")
  void badQueryNamesItsVisualization() {
    int before = owner.get("/api/v1/dashboards").bodyAsJsonObject().getJsonArray("items").size();
    JsonObject bad = viz("Broken", "table", salesId, "SELECT nosuchcolumn FROM sales", new JsonObject());
    JsonObject error = Api.error(owner.post("/api/v1/dashboards", dashboard("Bad", byRegion(), line(), bad)), 400,
      "VALIDATION_FAILED");
    assertThat(error.getString("message")).contains("Visualization 3").contains("Broken").contains("nosuchcolumn");
    assertThat(error.getJsonObject("details").getInteger("viz_index")).isEqualTo(3);
    assertThat(owner.get("/api/v1/dashboards").bodyAsJsonObject().getJsonArray("items")).hasSize(before);

    JsonObject noAxis = viz("No axis", "bar", salesId, "SELECT 1 AS one", new JsonObject());
    assertThat(Api.error(owner.post("/api/v1/dashboards", dashboard("Bad", noAxis)), 400, "VALIDATION_FAILED")
      .getString("message")).contains("Visualization 1").contains("config.x");
    JsonObject foreign = viz("Foreign", "table", UUID.randomUUID().toString(), "SELECT 1", new JsonObject());
    assertThat(Api.error(owner.post("/api/v1/dashboards", dashboard("Bad", byRegion(), foreign)), 404, "NOT_FOUND")
      .getString("message")).contains("Visualization 2");
    JsonArray many = new JsonArray();
    for (int i = 0; i < 51; i++) {
      many.add(byRegion());
    }
    Api.error(owner.post("/api/v1/dashboards", new JsonObject().put("name", "Too many").put("visualizations", many)),
      400, "VALIDATION_FAILED");
  }

  @Test
  @DisplayName("another user's dashboard answers 404 on every route, and a viewer cannot create one")
  void foreignDashboardsAreInvisible() {
    String id = owner.post("/api/v1/dashboards", dashboard("Mine", byRegion())).bodyAsJsonObject()
      .getString("dashboard_id");
    Api other = Api.newUser("analyst", "premium");
    Api.error(other.get("/api/v1/dashboards/" + id), 404, "NOT_FOUND");
    Api.error(other.get("/api/v1/dashboards/" + id + "/data"), 404, "NOT_FOUND");
    Api.error(other.delete("/api/v1/dashboards/" + id), 404, "NOT_FOUND");
    Api.error(other.post("/api/v1/dashboards/" + id + "/shares", new JsonObject()), 404, "NOT_FOUND");
    Api.error(other.post("/api/v1/dashboards/" + id + "/export", new JsonObject().put("format", "png")), 404, "NOT_FOUND");
    // the other user's query cannot name the owner's dataset either
    Api.error(other.post("/api/v1/dashboards", dashboard("Theirs", byRegion())), 404, "NOT_FOUND");
    Api.error(Api.newUser("viewer").post("/api/v1/dashboards", dashboard("V", byRegion())), 403, "FORBIDDEN");
  }

  @Test
  @DisplayName("the data holds each visualization's rows; a long line is downsampled to the width and keeps its spike")
  void data() {
    String id = owner.post("/api/v1/dashboards", dashboard("Data", byRegion(), line())).bodyAsJsonObject()
      .getString("dashboard_id");
    HttpResponse<Buffer> r = owner.get("/api/v1/dashboards/" + id + "/data?width=1200");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonArray vizzes = r.bodyAsJsonObject().getJsonArray("visualizations");
    JsonObject bars = vizzes.getJsonObject(0);
    assertThat(bars.getJsonArray("results").encode())
      .isEqualTo("[{\"region\":\"east\",\"total\":3000},{\"region\":\"north\",\"total\":1000},{\"region\":\"south\",\"total\":2000}]");
    assertThat(bars.getValue("downsampled")).isNull();
    JsonObject signal = vizzes.getJsonObject(1);
    JsonObject how = signal.getJsonObject("downsampled");
    assertThat(how.getInteger("from")).isEqualTo(20_000);
    assertThat(how.getInteger("to")).as("two points per pixel of the 600 px wide chart at most")
      .isLessThanOrEqualTo(2 * 600 + 2).isEqualTo(signal.getJsonArray("results").size());
    assertThat(signal.getJsonArray("results").stream().map(o -> ((JsonObject) o).getDouble("v")))
      .as("the planted spike survives").contains(1000.0);
    long deadline = System.currentTimeMillis() + 5_000;
    while (!owner.get("/api/v1/dashboards/" + id + "/data?width=1200").bodyAsJsonObject()
      .getJsonArray("visualizations").getJsonObject(0).getBoolean("cached")) {
      assertThat(System.currentTimeMillis()).as("a later load comes from the cache").isLessThan(deadline);
      Api.sleep(100);
    }
  }

  @Test
  @DisplayName("a warm load reaches a browser gzip-compressed with an ETag; a current copy is answered 304, a changed one not")
  void warmLoadsAreCompressedAndRevalidated() throws Exception {
    String id = owner.post("/api/v1/dashboards", dashboard("Warm", byRegion(), line())).bodyAsJsonObject()
      .getString("dashboard_id");
    String path = "/api/v1/dashboards/" + id + "/data?width=1200";
    JsonObject plain = owner.get(path).bodyAsJsonObject();
    HttpResponse<Buffer> zipped = Api.send(owner.request(HttpMethod.GET, path).putHeader("Accept-Encoding", "gzip, br").send());
    long deadline = System.currentTimeMillis() + 5_000;
    while (!"gzip".equals(zipped.getHeader("Content-Encoding"))) {
      assertThat(System.currentTimeMillis()).as("a warm load is sent compressed").isLessThan(deadline);
      Api.sleep(100);
      zipped = Api.send(owner.request(HttpMethod.GET, path).putHeader("Accept-Encoding", "gzip, br").send());
    }
    byte[] body;
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body().getBytes()))) {
      body = in.readAllBytes();
    }
    JsonObject unzipped = new JsonObject(Buffer.buffer(body));
    assertThat(zipped.body().length()).as("compressed").isLessThan(body.length / 2);
    assertThat(unzipped.getJsonArray("visualizations").getJsonObject(0).getJsonArray("results"))
      .isEqualTo(plain.getJsonArray("visualizations").getJsonObject(0).getJsonArray("results"));
    assertThat(unzipped.getJsonArray("visualizations").getJsonObject(1).getJsonArray("results"))
      .isEqualTo(plain.getJsonArray("visualizations").getJsonObject(1).getJsonArray("results"));
    HttpResponse<Buffer> refused = Api.send(owner.request(HttpMethod.GET, path).putHeader("Accept-Encoding", "gzip;q=0").send());
    assertThat(refused.getHeader("Content-Encoding")).isNull();
    assertThat(refused.bodyAsJsonObject().getJsonArray("visualizations")).hasSize(2);

    String etag = zipped.getHeader("ETag");
    assertThat(etag).startsWith("\"").endsWith("\"");
    HttpResponse<Buffer> same = Api.send(owner.request(HttpMethod.GET, path).putHeader("If-None-Match", etag).send());
    assertThat(same.statusCode()).isEqualTo(304);
    assertThat(same.body()).as("no body").matches(b -> b == null || b.length() == 0);
    Api.error(Api.send(Api.newUser("analyst").request(HttpMethod.GET, path).putHeader("If-None-Match", etag).send()),
      404, "NOT_FOUND");

    HttpResponse<Buffer> patched = Api.send(owner.request(HttpMethod.PATCH, "/api/v1/dashboards/" + id)
      .sendJsonObject(new JsonObject().put("name", "Warm, renamed")));
    assertThat(patched.statusCode()).as(patched.bodyAsString()).isEqualTo(200);
    HttpResponse<Buffer> changed = Api.send(owner.request(HttpMethod.GET, path).putHeader("If-None-Match", etag).send());
    assertThat(changed.statusCode()).as("the dashboard changed: its data is sent again").isEqualTo(200);
    assertThat(changed.getHeader("ETag")).isNotEqualTo(etag);
  }

  @Test
  @DisplayName("share tokens are unique, open exactly one dashboard without a login, and stop working when revoked or expired")
  void shareLinks() {
    String a = owner.post("/api/v1/dashboards", dashboard("A", byRegion())).bodyAsJsonObject().getString("dashboard_id");
    String b = owner.post("/api/v1/dashboards", dashboard("B", line())).bodyAsJsonObject().getString("dashboard_id");
    Set<String> tokens = new HashSet<>();
    JsonObject share = null;
    for (int i = 0; i < 5; i++) {
      HttpResponse<Buffer> r = owner.post("/api/v1/dashboards/" + a + "/shares", new JsonObject());
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
      share = r.bodyAsJsonObject();
      tokens.add(share.getString("share_token"));
    }
    assertThat(tokens).hasSize(5).allSatisfy(t -> assertThat(t).hasSize(43));
    String token = share.getString("share_token");
    assertThat(owner.get("/api/v1/dashboards/" + a + "/shares").bodyAsString()).doesNotContain(token);

    HttpResponse<Buffer> open = Api.anonymous().get("/api/v1/shared/" + token);
    assertThat(open.statusCode()).as(open.bodyAsString()).isEqualTo(200);
    assertThat(open.bodyAsJsonObject().getJsonObject("dashboard").getString("dashboard_id")).isEqualTo(a);
    assertThat(open.bodyAsJsonObject().getJsonObject("data").getJsonArray("visualizations").getJsonObject(0)
      .getJsonArray("results")).hasSize(3);
    assertThat(open.bodyAsString()).doesNotContain("owner_id");
    // a token of A is no key to B (the share is looked up by token, and the socket checks the dashboard)
    Api.error(Api.anonymous().get("/api/v1/shared/" + token.substring(0, 42) + "x"), 404, "NOT_FOUND");
    Api.error(Api.anonymous().get("/api/v1/dashboards/" + b), 401, "UNAUTHORIZED");

    String revoke = owner.post("/api/v1/dashboards/" + a + "/shares", new JsonObject()).bodyAsJsonObject()
      .getString("share_token");
    String shareId = owner.get("/api/v1/dashboards/" + a + "/shares").bodyAsJsonObject().getJsonArray("items")
      .getJsonObject(5).getString("share_id");
    assertThat(Api.anonymous().get("/api/v1/shared/" + revoke).statusCode()).isEqualTo(200);
    assertThat(owner.delete("/api/v1/dashboards/" + a + "/shares/" + shareId).statusCode()).isEqualTo(204);
    Api.error(Api.anonymous().get("/api/v1/shared/" + revoke), 404, "NOT_FOUND");

    String expiring = owner.post("/api/v1/dashboards/" + a + "/shares", new JsonObject().put("expires_in", 60))
      .bodyAsJsonObject().getString("share_token");
    assertThat(Api.anonymous().get("/api/v1/shared/" + expiring).statusCode()).isEqualTo(200);
    Pool pool = Database.pool(TestApp.get().vertx, TestApp.get().config().getJsonObject("postgres"));
    try {
      Await.result(pool.preparedQuery("UPDATE dashboard_shares SET expires_at = now() - interval '1 second' "
        + "WHERE dashboard_id = $1 AND expires_at IS NOT NULL").execute(Tuple.of(UUID.fromString(a))));
    } finally {
      Await.result(pool.close());
    }
    Api.error(Api.anonymous().get("/api/v1/shared/" + expiring), 404, "NOT_FOUND");
    Api.error(owner.post("/api/v1/dashboards/" + a + "/shares", new JsonObject().put("expires_in", 5)), 400,
      "VALIDATION_FAILED");
  }
}
