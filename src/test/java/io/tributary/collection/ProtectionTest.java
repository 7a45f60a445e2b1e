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

@DisplayName("Destructive collection operations")
class ProtectionTest {

  private static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  private static HttpResponse<Buffer> delete(Client c, String id, Integer version, String query) {
    return c.send(HttpMethod.DELETE, Client.BASE + "/" + id + query, version, null);
  }

  private static HttpResponse<Buffer> clear(Client c, String id, Integer version, String query) {
    return c.send(HttpMethod.POST, Client.BASE + "/" + id + "/clear" + query, version, null);
  }

  @Test
  @DisplayName("refuse protected names, saying why, unless an admin forces it; the forced delete is audited")
  void protectedNames(@TempDir Path dir) throws Exception {
    Client analyst = new Client(Api.newUser("analyst"));
    String name = "tributary_" + unique("core_");
    String id = analyst.create(name).getString("collection_id");
    JsonObject refused = Api.error(delete(analyst, id, 1, ""), 409, "PROTECTED_NAME");
    assertThat(refused.getString("message")).contains("protected").contains("tributary_*").contains("admin");
    Api.error(delete(analyst, id, 1, "?force=true"), 409, "PROTECTED_NAME");
    Api.error(clear(analyst, id, 1, ""), 409, "PROTECTED_NAME");
    Api.error(delete(analyst, id, 1, "?dry_run=true"), 409, "PROTECTED_NAME");
    assertThat(analyst.read(id).getInteger("version")).isEqualTo(1);

    Api adminApi = Api.admin();
    Client admin = new Client(adminApi);
    String adminId = admin.create(unique("audit_") + "_system").getString("collection_id");
    Api.error(delete(admin, adminId, 1, ""), 409, "PROTECTED_NAME");
    JsonObject dry = delete(admin, adminId, null, "?dry_run=true&force=true").bodyAsJsonObject();
    assertThat(dry.getBoolean("protected")).isTrue();
    assertThat(admin.read(adminId).getInteger("version")).isEqualTo(1);
    assertThat(delete(admin, adminId, 1, "?force=true").statusCode()).isEqualTo(204);
    Api.error(admin.get(adminId), 404, "NOT_FOUND");
    JsonArray events = adminApi.get("/api/v1/audit?action=collection.deleted&resource_id=" + adminId)
      .bodyAsJsonObject().getJsonArray("items");
    assertThat(events).hasSize(1);
    assertThat(events.getJsonObject(0).getJsonObject("after").getBoolean("forced")).isTrue();
    assertThat(events.getJsonObject(0).getString("actor_role")).isEqualTo("admin");
  }

  @Test
  @DisplayName("answer a dry run with items, rows and bytes and change nothing; clear empties datasets keeping schemas")
  void dryRunAndClear(@TempDir Path dir) throws Exception {
    Api ownerApi = Api.newUser("analyst");
    Client owner = new Client(ownerApi);
    String ds = unique("metrics_");
    String datasetId = owner.dataset(dir, ds, "region,amount\nnorth,1\nsouth,2\neast,3\n");
    String id = owner.create(unique("clearable_")).getString("collection_id");
    int v = owner.add(id, 1, "dataset", datasetId);
    long bytes = ownerApi.get("/api/v1/data/datasets/" + datasetId).bodyAsJsonObject().getLong("size_bytes");

    JsonObject dryDelete = delete(owner, id, null, "?dry_run=true").bodyAsJsonObject();
    assertThat(dryDelete.getBoolean("dry_run")).isTrue();
    assertThat(dryDelete.getInteger("items")).isEqualTo(1);
    assertThat(dryDelete.getLong("rows")).isEqualTo(3);
    assertThat(dryDelete.getLong("bytes")).isEqualTo(bytes);
    assertThat(dryDelete.getJsonArray("conflicts")).isEmpty();
    JsonObject dryClear = clear(owner, id, null, "?dry_run=true").bodyAsJsonObject();
    assertThat(dryClear.getInteger("items")).isEqualTo(1);
    assertThat(dryClear.getLong("rows")).isEqualTo(3);
    assertThat(owner.read(id).getInteger("version")).as("dry runs change nothing").isEqualTo(v);
    assertThat(ownerApi.get("/api/v1/data/datasets/" + datasetId).bodyAsJsonObject().getLong("row_count")).isEqualTo(3);

    Api.error(clear(owner, id, null, ""), 428, "PRECONDITION_REQUIRED");
    Api.error(clear(owner, id, v - 1, ""), 412, "PRECONDITION_FAILED");
    HttpResponse<Buffer> cleared = clear(owner, id, v, "");
    assertThat(cleared.statusCode()).as(cleared.bodyAsString()).isEqualTo(200);
    assertThat(cleared.bodyAsJsonObject().getLong("rows")).isEqualTo(3);
    assertThat(cleared.getHeader("ETag")).isEqualTo("\"" + (v + 1) + "\"");

    JsonObject after = ownerApi.get("/api/v1/data/datasets/" + datasetId).bodyAsJsonObject();
    assertThat(after.getLong("row_count")).isZero();
    assertThat(after.getInteger("version")).isEqualTo(2);
    assertThat(after.getJsonArray("schema")).extracting(o -> ((JsonObject) o).getString("name"))
      .containsExactly("region", "amount");
    HttpResponse<Buffer> q = ownerApi.post("/api/v1/query/sql", new JsonObject()
      .put("sql", "SELECT count(*) AS n, max(amount) AS m FROM " + ds));
    assertThat(q.statusCode()).as(q.bodyAsString()).isEqualTo(200);
    assertThat(q.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getValue("n").toString()).isEqualTo("0");
    assertThat(q.bodyAsJsonObject().getJsonArray("columns").getJsonObject(1).getString("type")).isEqualTo("BIGINT");
    assertThat(ownerApi.get("/api/v1/data/profile/" + datasetId).bodyAsJsonObject().getLong("row_count")).isZero();
    JsonArray history = ownerApi.get(Client.BASE + "/" + id + "/history").bodyAsJsonObject().getJsonArray("items");
    assertThat(history.getJsonObject(history.size() - 1).getString("action")).isEqualTo("collection.cleared");
  }
}
