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

import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Sharing a collection")
class SharingTest {

  private static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  private static HttpResponse<Buffer> sql(Api api, String sql) {
    return api.post("/api/v1/query/sql", new JsonObject().put("sql", sql));
  }

  private static long total(Api api, String sql) {
    HttpResponse<Buffer> r = sql(api, sql);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return Long.parseLong(r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getValue("total").toString());
  }

  @Test
  @DisplayName("grants viewers reading, SQL as <collection>.<dataset> and dashboards; editors members; owners the rest")
  void grantsAndRefusals(@TempDir Path dir) throws Exception {
    Api ownerApi = Api.newUser("analyst");
    Client owner = new Client(ownerApi);
    String ds = unique("orders_");
    String datasetId = owner.dataset(dir, ds, "region,amount\nnorth,17\nsouth,25\n");
    String privateDs = unique("secret_");
    String privateId = owner.dataset(dir, privateDs, "x\n99\n");
    String extraId = owner.dataset(dir, unique("extra_"), "x\n1\n");
    HttpResponse<Buffer> dash = ownerApi.post("/api/v1/dashboards", new JsonObject().put("name", "team board"));
    assertThat(dash.statusCode()).as(dash.bodyAsString()).isEqualTo(201);
    String dashboardId = dash.bodyAsJsonObject().getString("dashboard_id");
    String coll = unique("team_");
    String id = owner.create(coll).getString("collection_id");
    int v = owner.add(id, 1, "dataset", datasetId);
    v = owner.add(id, v, "dashboard", dashboardId);

    Api viewer = Api.newUser("viewer");
    Api editor = Api.newUser("analyst");
    Api stranger = Api.newUser("analyst");
    String table = coll + "." + ds;

    // before any share, nothing shows
    Api.error(viewer.get(Client.BASE + "/" + id), 404, "NOT_FOUND");
    Api.error(viewer.get("/api/v1/data/datasets/" + datasetId), 404, "NOT_FOUND");
    Api.error(sql(viewer, "SELECT sum(amount) AS total FROM " + table), 400, "UNKNOWN_TABLE");

    // the owner queries the collection's dataset both ways
    assertThat(total(ownerApi, "SELECT sum(amount) AS total FROM " + table)).isEqualTo(42);
    assertThat(total(ownerApi, "SELECT sum(amount) AS total FROM " + ds)).isEqualTo(42);

    v = owner.share(id, v, Client.email(viewer), "viewer").bodyAsJsonObject().getInteger("version");
    HttpResponse<Buffer> granted = owner.share(id, v, Client.email(editor), "editor");
    assertThat(granted.statusCode()).as(granted.bodyAsString()).isEqualTo(201);
    assertThat(granted.bodyAsJsonObject().getJsonObject("share").getString("role")).isEqualTo("editor");
    v = granted.bodyAsJsonObject().getInteger("version");

    // viewer: lists it, reads metadata, profile, download; queries it in SQL; opens the dashboard
    JsonArray listed = viewer.get(Client.BASE).bodyAsJsonObject().getJsonArray("items");
    assertThat(listed).hasSize(1);
    assertThat(listed.getJsonObject(0).getString("access")).isEqualTo("viewer");
    Client viewing = new Client(viewer);
    JsonObject seen = viewing.read(id);
    assertThat(seen.getJsonArray("members")).hasSize(2);
    assertThat(seen.getJsonArray("shares")).as("viewers do not see who else it is shared with").isEmpty();
    assertThat(viewer.get("/api/v1/data/datasets/" + datasetId).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> profile = viewer.get("/api/v1/data/profile/" + datasetId);
    assertThat(profile.statusCode()).as(profile.bodyAsString()).isEqualTo(200);
    assertThat(profile.bodyAsJsonObject().getLong("row_count")).isEqualTo(2);
    HttpResponse<Buffer> download = viewer.get("/api/v1/data/datasets/" + datasetId + "/download");
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body().getString(0, 4)).isEqualTo("PAR1");
    assertThat(total(viewer, "SELECT sum(amount) AS total FROM " + table)).isEqualTo(42);
    assertThat(viewer.get("/api/v1/dashboards/" + dashboardId).statusCode()).isEqualTo(200);

    // viewer: nothing beyond what is shared, and no changes
    Api.error(viewer.get("/api/v1/data/datasets/" + privateId), 404, "NOT_FOUND");
    Api.error(viewer.get("/api/v1/data/profile/" + privateId), 404, "NOT_FOUND");
    Api.error(sql(viewer, "SELECT sum(x) AS total FROM " + privateDs), 400, "UNKNOWN_TABLE");
    Api.error(sql(viewer, "SELECT sum(amount) AS total FROM " + ds), 400, "UNKNOWN_TABLE");
    Api.error(sql(viewer, "SELECT * FROM read_parquet('" + dir + "/x.parquet')"), 400, "SQL_NOT_ALLOWED");
    Api.error(viewer.delete("/api/v1/data/datasets/" + datasetId), 403, "FORBIDDEN");
    Api.error(viewing.addItem(id, v, "dataset", extraId), 403, "FORBIDDEN");
    Api.error(viewing.send(HttpMethod.DELETE, Client.BASE + "/" + id, v, null), 403, "FORBIDDEN");
    Api.error(viewing.share(id, v, Client.email(stranger), "viewer"), 403, "FORBIDDEN");
    Api.error(viewer.get(Client.BASE + "/" + id + "/history"), 403, "FORBIDDEN");

    // editor: adds and removes members, but neither deletes nor reshares
    Client editing = new Client(editor);
    v = editing.add(id, v, "dataset", extraId);
    HttpResponse<Buffer> removed = editing.removeItem(id, v, "dataset", extraId);
    assertThat(removed.statusCode()).as(removed.bodyAsString()).isEqualTo(200);
    v = removed.bodyAsJsonObject().getInteger("version");
    Api.error(editing.addItem(id, v, "dataset", UUID.randomUUID().toString()), 404, "NOT_FOUND");
    Api.error(editing.send(HttpMethod.DELETE, Client.BASE + "/" + id, v, null), 403, "FORBIDDEN");
    Api.error(editing.share(id, v, Client.email(stranger), "viewer"), 403, "FORBIDDEN");
    Api.error(editing.patch(id, v, new JsonObject().put("name", unique("taken_"))), 403, "FORBIDDEN");
    assertThat(editing.read(id).getJsonArray("shares")).hasSize(2);

    // a stranger sees none of it
    Api.error(stranger.get(Client.BASE + "/" + id), 404, "NOT_FOUND");
    Api.error(stranger.get("/api/v1/data/datasets/" + datasetId + "/download"), 404, "NOT_FOUND");
    Api.error(stranger.get("/api/v1/dashboards/" + dashboardId), 404, "NOT_FOUND");
    Api.error(sql(stranger, "SELECT sum(amount) AS total FROM " + table), 400, "UNKNOWN_TABLE");

    // revoking ends every grant at once
    String viewerId = Client.userId(viewer);
    HttpResponse<Buffer> revoked = owner.send(HttpMethod.DELETE, Client.BASE + "/" + id + "/shares/" + viewerId, v, null);
    assertThat(revoked.statusCode()).as(revoked.bodyAsString()).isEqualTo(204);
    Api.error(viewer.get(Client.BASE + "/" + id), 404, "NOT_FOUND");
    Api.error(viewer.get("/api/v1/data/profile/" + datasetId), 404, "NOT_FOUND");
    Api.error(viewer.get("/api/v1/dashboards/" + dashboardId), 404, "NOT_FOUND");
    Api.error(sql(viewer, "SELECT sum(amount) AS total FROM " + table), 400, "UNKNOWN_TABLE");
  }
}
