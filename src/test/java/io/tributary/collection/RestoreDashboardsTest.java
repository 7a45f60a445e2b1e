package io.tributary.collection;

import io.tributary.support.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Dashboards of a restored collection")
class RestoreDashboardsTest {

  private static JsonObject viz(String title, String type, String datasetId, String sql, JsonObject config) {
    return new JsonObject().put("title", title).put("chart_type", type).put("dataset_id", datasetId).put("query", sql)
      .put("config", config);
  }

  /** A dashboard over both datasets of the fixture, added to its collection; returns its id. */
  static String dashboard(BackupRestoreTest.Fixture f) {
    String sales = f.datasets().get(0);
    String cities = f.datasets().get(1);
    JsonArray vizzes = new JsonArray()
      .add(viz("By region", "bar", f.datasetIds().get(0), "SELECT region, sum(amount) AS total FROM " + sales
        + " GROUP BY region ORDER BY region", new JsonObject().put("x", "region").put("y", "total")))
      .add(viz("Cities", "table", f.datasetIds().get(1), "SELECT c.city, c.population, '" + cities + "' AS source FROM "
        + cities + " c ORDER BY c.city", new JsonObject()));
    HttpResponse<Buffer> r = f.owner().api.post("/api/v1/dashboards", new JsonObject().put("name", "Overview")
      .put("description", "regions and cities").put("visualizations", vizzes));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    String id = r.bodyAsJsonObject().getString("dashboard_id");
    f.owner().add(f.collectionId(), f.owner().read(f.collectionId()).getInteger("version"), "dashboard", id);
    return id;
  }

  /** Each visualization's columns and rows as {@code GET .../data} answers them. */
  static List<JsonObject> data(Api api, String dashboardId) {
    HttpResponse<Buffer> r = api.get("/api/v1/dashboards/" + dashboardId + "/data?width=1200");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("visualizations").stream().map(JsonObject.class::cast)
      .map(v -> {
        assertThat(v.containsKey("error")).as(v.encode()).isFalse();
        return new JsonObject().put("columns", v.getJsonArray("columns")).put("results", v.getJsonArray("results"));
      }).toList();
  }

  @Test
  @DisplayName("a restore under a new name recreates the dashboard over the restored datasets, with the same data")
  void restoredUnderNewName() throws Exception {
    BackupRestoreTest.Fixture f = BackupRestoreTest.fixture(Files.createTempDirectory("backup-"));
    String original = dashboard(f);
    String backupId = BackupRestoreTest.backup(f.owner(), f.collectionId(), false);
    String copy = "copy_" + f.name().substring(4);

    HttpResponse<Buffer> dry = f.owner().api.post(Client.BASE + "/restore", new JsonObject().put("backup_id", backupId)
      .put("name", copy).put("dry_run", true));
    assertThat(dry.statusCode()).as(dry.bodyAsString()).isEqualTo(200);
    JsonObject planned = dry.bodyAsJsonObject().getJsonArray("dashboards").getJsonObject(0);
    assertThat(planned.getString("name")).isEqualTo("Overview");
    assertThat(planned.getString("action")).isEqualTo("create");
    assertThat(planned.getInteger("visualizations")).isEqualTo(2);
    assertThat(dry.bodyAsJsonObject().getInteger("items")).isEqualTo(3);

    JsonObject job = BackupRestoreTest.restore(f.owner(), new JsonObject().put("backup_id", backupId).put("name", copy));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    JsonObject result = job.getJsonObject("result");
    String restoredId = result.getJsonArray("dashboards").getJsonObject(0).getString("dashboard_id");
    assertThat(restoredId).isNotEqualTo(original);
    List<String> restoredDatasets = result.getJsonArray("datasets").stream()
      .map(d -> ((JsonObject) d).getString("dataset_id")).toList();

    JsonObject restored = f.owner().api.get("/api/v1/dashboards/" + restoredId).bodyAsJsonObject();
    assertThat(restored.getString("description")).isEqualTo("regions and cities");
    JsonArray vizzes = restored.getJsonArray("visualizations");
    assertThat(vizzes).hasSize(2);
    for (Object o : vizzes) {
      JsonObject v = (JsonObject) o;
      assertThat(restoredDatasets).contains(v.getString("dataset_id"));
      assertThat(v.getString("query")).contains(" FROM " + copy + "_");
    }
    // the string literal naming the original dataset is data, not a table: it stays
    assertThat(vizzes.getJsonObject(1).getString("query")).contains("'" + f.datasets().get(1) + "' AS source");
    assertThat(data(f.owner().api, restoredId)).isEqualTo(data(f.owner().api, original));

    JsonObject collection = f.owner().read(result.getString("collection_id"));
    assertThat(collection.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("id")))
      .contains(restoredId);
    JsonArray history = f.owner().api.get(Client.BASE + "/" + result.getString("collection_id") + "/history?limit=500")
      .bodyAsJsonObject().getJsonArray("items");
    assertThat(CollectionEvents.replay(history.stream().map(JsonObject.class::cast).toList()))
      .isEqualTo(CollectionEvents.state(collection));
    JsonArray audit = Api.admin().get("/api/v1/audit?action=dashboard.created&resource_id=" + restoredId)
      .bodyAsJsonObject().getJsonArray("items");
    assertThat(audit).hasSize(1);
    assertThat(audit.getJsonObject(0).getJsonObject("after").getString("restored_from")).isEqualTo(original);
  }

  @Test
  @DisplayName("a restore over the collection gives its dashboard a new version instead of a second copy")
  void overwriteReplacesTheDashboard() throws Exception {
    BackupRestoreTest.Fixture f = BackupRestoreTest.fixture(Files.createTempDirectory("backup-"));
    String original = dashboard(f);
    int version = f.owner().api.get("/api/v1/dashboards/" + original).bodyAsJsonObject().getInteger("version");
    String backupId = BackupRestoreTest.backup(f.owner(), f.collectionId(), false);
    JsonObject job = BackupRestoreTest.restore(f.owner(), new JsonObject().put("backup_id", backupId)
      .put("overwrite", true));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    JsonObject d = job.getJsonObject("result").getJsonArray("dashboards").getJsonObject(0);
    assertThat(d.getString("dashboard_id")).isEqualTo(original);
    assertThat(d.getString("action")).isEqualTo("replace");
    assertThat(f.owner().api.get("/api/v1/dashboards/" + original).bodyAsJsonObject().getInteger("version"))
      .isEqualTo(version + 1);
    JsonObject collection = f.owner().read(f.collectionId());
    assertThat(collection.getJsonArray("members").stream()
      .filter(m -> "dashboard".equals(((JsonObject) m).getString("type")))).hasSize(1);
    assertThat(f.owner().api.get("/api/v1/dashboards").bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    // skip_schema loads data only: no dashboard is touched
    HttpResponse<Buffer> dataOnly = f.owner().api.post(Client.BASE + "/restore", new JsonObject()
      .put("backup_id", backupId).put("skip_schema", true).put("dry_run", true));
    assertThat(dataOnly.statusCode()).as(dataOnly.bodyAsString()).isEqualTo(200);
    assertThat(dataOnly.bodyAsJsonObject().getJsonArray("dashboards")).isEmpty();
  }
}
