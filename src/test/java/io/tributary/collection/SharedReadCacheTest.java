package io.tributary.collection;

import io.tributary.support.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a reader sees through a collection is cached per process (the collections' datasets for SQL, the dashboards
 * they may open) and must follow every change announced for them: a new version of a shared dataset, and the end
 * of a share, reach the reader's very next request (each cached answer waits for the change feed to catch up).
 */
@DisplayName("Read caches of what collections share")
class SharedReadCacheTest {

  @Test
  @DisplayName("a shared dataset's new version and a revoked share reach the viewer's SQL and dashboard at once")
  void sharesAndVersionsAreNeverStale(@TempDir Path dir) throws Exception {
    Api ownerApi = Api.newUser("analyst");
    Client owner = new Client(ownerApi);
    String ds = "orders_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String datasetId = owner.dataset(dir, ds, "region,amount\nnorth,17\nsouth,25\n");
    JsonObject viz = new JsonObject().put("title", "Total").put("chart_type", "number").put("dataset_id", datasetId)
      .put("query", "SELECT sum(amount) AS total FROM " + ds).put("config", new JsonObject().put("y", "total"));
    HttpResponse<Buffer> dash = ownerApi.post("/api/v1/dashboards", new JsonObject().put("name", "shared board")
      .put("visualizations", new JsonArray().add(viz)));
    assertThat(dash.statusCode()).as(dash.bodyAsString()).isEqualTo(201);
    String board = "/api/v1/dashboards/" + dash.bodyAsJsonObject().getString("dashboard_id") + "/data";
    String coll = "team_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String id = owner.create(coll).getString("collection_id");
    int v = owner.add(id, 1, "dataset", datasetId);
    v = owner.add(id, v, "dashboard", dash.bodyAsJsonObject().getString("dashboard_id"));
    Api viewer = Api.newUser("viewer");
    v = owner.share(id, v, Client.email(viewer), "viewer").bodyAsJsonObject().getInteger("version");
    String sql = "SELECT sum(amount) AS total FROM " + coll + "." + ds;

    // warm: the viewer's reads are now served from this process's caches
    for (int i = 0; i < 3; i++) {
      assertThat(total(viewer.post("/api/v1/query/sql", new JsonObject().put("sql", sql)))).isEqualTo(42);
      assertThat(boardTotal(viewer.get(board))).isEqualTo(42);
    }

    // a new version of the shared dataset, by its owner
    Path replacement = dir.resolve(ds + "-v2.csv");
    Files.writeString(replacement, "region,amount\nnorth,60\nsouth,40\n");
    JsonObject job = ownerApi.uploadAndWait(replacement, Map.of("name", ds, "mode", "replace"));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(total(viewer.post("/api/v1/query/sql", new JsonObject().put("sql", sql))))
      .as("the viewer's next SQL reads version 2").isEqualTo(100);
    assertThat(boardTotal(viewer.get(board))).as("the shared dashboard shows version 2 at once").isEqualTo(100);

    // the share ends: the collection's dataset and dashboard are gone for the viewer
    HttpResponse<Buffer> revoked = owner.send(HttpMethod.DELETE, Client.BASE + "/" + id + "/shares/" + Client.userId(viewer),
      v, null);
    assertThat(revoked.statusCode()).as(revoked.bodyAsString()).isIn(200, 204);
    Api.error(viewer.get(board), 404, "NOT_FOUND");
    HttpResponse<Buffer> refused = viewer.post("/api/v1/query/sql", new JsonObject().put("sql", sql));
    assertThat(refused.statusCode()).as("the next SQL no longer knows the table: " + refused.bodyAsString())
      .isEqualTo(400);
    assertThat(refused.bodyAsString()).contains("UNKNOWN_TABLE");
    assertThat(boardTotal(ownerApi.get(board))).as("the owner still sees it").isEqualTo(100);
  }

  private static long total(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return Long.parseLong(r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getValue("total").toString());
  }

  private static long boardTotal(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject viz = r.bodyAsJsonObject().getJsonArray("visualizations").getJsonObject(0);
    assertThat(viz.containsKey("error")).as(viz.encode()).isFalse();
    return Long.parseLong(viz.getJsonArray("results").getJsonObject(0).getValue("total").toString());
  }
}
