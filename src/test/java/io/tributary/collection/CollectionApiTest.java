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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Collections over REST")
class CollectionApiTest {

  private static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  @Test
  @DisplayName("are created with an ETag, named by the dataset rule, unique per owner, and listed by glob and tag")
  void createAndList() {
    Client owner = new Client(Api.newUser("analyst"));
    String name = unique("test_");
    HttpResponse<Buffer> created = owner.api.post(Client.BASE, new JsonObject().put("name", name)
      .put("description", "quarterly numbers").put("tags", new JsonArray().add("finance")));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    assertThat(created.getHeader("ETag")).isEqualTo("\"1\"");
    JsonObject c = created.bodyAsJsonObject();
    assertThat(c.getInteger("version")).isEqualTo(1);
    assertThat(c.getString("access")).isEqualTo("owner");
    assertThat(c.getJsonArray("members")).isEmpty();

    Api.error(owner.api.post(Client.BASE, new JsonObject().put("name", name)), 409, "COLLECTION_EXISTS");
    Api.error(owner.api.post(Client.BASE, new JsonObject().put("name", "Bad-Name")), 400, "VALIDATION_FAILED");
    // another owner may use the same name
    new Client(Api.newUser("analyst")).create(name);
    owner.create(unique("prod_"));

    JsonArray globbed = owner.api.get(Client.BASE + "?filter=test_*").bodyAsJsonObject().getJsonArray("items");
    assertThat(globbed).hasSize(1);
    assertThat(globbed.getJsonObject(0).getString("name")).isEqualTo(name);
    assertThat(owner.api.get(Client.BASE + "?tag=finance").bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    assertThat(owner.api.get(Client.BASE + "?tag=none").bodyAsJsonObject().getJsonArray("items")).isEmpty();
    JsonObject page = owner.api.get(Client.BASE + "?limit=1").bodyAsJsonObject();
    assertThat(page.getJsonArray("items")).hasSize(1);
    assertThat(page.getInteger("next_offset")).isEqualTo(1);
  }

  @Test
  @DisplayName("show their members with sizes and row counts; another user's collection answers 404")
  void membersAndIsolation(@TempDir Path dir) throws Exception {
    Client owner = new Client(Api.newUser("analyst"));
    String datasetId = owner.dataset(dir, unique("sales_"), "region,amount\nnorth,10\nsouth,20\neast,30\n");
    JsonObject c = owner.create(unique("c_"));
    String id = c.getString("collection_id");
    int v = owner.add(id, 1, "dataset", datasetId);
    assertThat(v).isEqualTo(2);
    HttpResponse<Buffer> got = owner.get(id);
    assertThat(got.getHeader("ETag")).isEqualTo("\"2\"");
    JsonObject member = got.bodyAsJsonObject().getJsonArray("members").getJsonObject(0);
    assertThat(member.getString("type")).isEqualTo("dataset");
    assertThat(member.getLong("row_count")).isEqualTo(3);
    assertThat(member.getLong("size_bytes")).isPositive();
    assertThat(got.bodyAsJsonObject().getLong("row_count")).isEqualTo(3);

    Client stranger = new Client(Api.newUser("analyst"));
    Api.error(stranger.get(id), 404, "NOT_FOUND");
    Api.error(stranger.patch(id, 2, new JsonObject().put("description", "x")), 404, "NOT_FOUND");
    Api.error(stranger.send(HttpMethod.DELETE, Client.BASE + "/" + id, 2, null), 404, "NOT_FOUND");
    assertThat(stranger.api.get(Client.BASE).bodyAsJsonObject().getJsonArray("items")).isEmpty();
    // a stranger's dataset cannot be added, nor can an unknown one
    String theirs = stranger.dataset(dir, unique("theirs_"), "a\n1\n");
    Api.error(owner.addItem(id, 2, "dataset", theirs), 404, "NOT_FOUND");
    Api.error(owner.addItem(id, 2, "dataset", datasetId), 409, "CONFLICT");
    Api.error(owner.addItem(id, 2, "model", UUID.randomUUID().toString()), 404, "NOT_FOUND");
    assertThat(owner.read(id).getInteger("version")).as("refused changes leave the version").isEqualTo(2);

    HttpResponse<Buffer> removed = owner.removeItem(id, 2, "dataset", datasetId);
    assertThat(removed.statusCode()).as(removed.bodyAsString()).isEqualTo(200);
    assertThat(removed.bodyAsJsonObject().getJsonArray("members")).isEmpty();
    assertThat(removed.getHeader("ETag")).isEqualTo("\"3\"");
    Api.error(owner.removeItem(id, 3, "dataset", datasetId), 404, "NOT_FOUND");
  }

  @Test
  @DisplayName("need If-Match for every change: 428 without it, 412 with the current version when it is stale")
  void optimisticLocking() {
    Client owner = new Client(Api.newUser("analyst"));
    String id = owner.create(unique("lock_")).getString("collection_id");
    Api.error(owner.patch(id, null, new JsonObject().put("description", "a")), 428, "PRECONDITION_REQUIRED");
    HttpResponse<Buffer> ok = owner.patch(id, 1, new JsonObject().put("description", "a"));
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    assertThat(ok.getHeader("ETag")).isEqualTo("\"2\"");
    JsonObject stale = Api.error(owner.patch(id, 1, new JsonObject().put("description", "b")), 412, "PRECONDITION_FAILED");
    assertThat(stale.getJsonObject("details").getInteger("current_version")).isEqualTo(2);
    assertThat(owner.read(id).getString("description")).isEqualTo("a");
    Api.error(owner.send(HttpMethod.DELETE, Client.BASE + "/" + id, null, null), 428, "PRECONDITION_REQUIRED");
    Api.error(owner.addItem(id, null, "dataset", UUID.randomUUID().toString()), 428, "PRECONDITION_REQUIRED");
    Api.error(owner.send(HttpMethod.DELETE, Client.BASE + "/" + id, 1, null), 412, "PRECONDITION_FAILED");
    assertThat(owner.send(HttpMethod.DELETE, Client.BASE + "/" + id, 2, null).statusCode()).isEqualTo(204);
    Api.error(owner.get(id), 404, "NOT_FOUND");
  }

  @Test
  @DisplayName("record every change as an audit event, and replaying the history rebuilds the collection")
  void historyReplays(@TempDir Path dir) throws Exception {
    Api ownerApi = Api.newUser("analyst");
    Client owner = new Client(ownerApi);
    Api editor = Api.newUser("analyst");
    Api viewer = Api.newUser("viewer");
    String d1 = owner.dataset(dir, unique("h1_"), "x\n1\n");
    String d2 = owner.dataset(dir, unique("h2_"), "x\n2\n");
    String id = owner.create(unique("hist_")).getString("collection_id");
    int v = owner.add(id, 1, "dataset", d1);
    v = owner.add(id, v, "dataset", d2);
    v = owner.patch(id, v, new JsonObject().put("description", "replayed").put("tags", new JsonArray().add("t1")))
      .bodyAsJsonObject().getInteger("version");
    v = owner.share(id, v, Client.email(editor), "editor").bodyAsJsonObject().getInteger("version");
    v = owner.share(id, v, Client.email(viewer), "viewer").bodyAsJsonObject().getInteger("version");
    HttpResponse<Buffer> removed = owner.removeItem(id, v, "dataset", d1);
    v = removed.bodyAsJsonObject().getInteger("version");
    String newName = unique("renamed_");
    v = owner.patch(id, v, new JsonObject().put("name", newName)).bodyAsJsonObject().getInteger("version");
    assertThat(v).isEqualTo(8);

    HttpResponse<Buffer> history = editor.get(Client.BASE + "/" + id + "/history?limit=500");
    assertThat(history.statusCode()).as(history.bodyAsString()).isEqualTo(200);
    List<JsonObject> events = new ArrayList<>();
    history.bodyAsJsonObject().getJsonArray("items").forEach(e -> events.add((JsonObject) e));
    assertThat(events).extracting(e -> e.getString("action")).containsExactly("collection.created",
      "collection.item_added", "collection.item_added", "collection.updated", "share.granted", "share.granted",
      "collection.item_removed", "collection.updated");
    assertThat(events.get(0).getString("actor_id")).isEqualTo(Client.userId(ownerApi));

    JsonObject stored = owner.read(id);
    JsonObject replayed = CollectionEvents.replay(events);
    assertThat(replayed).isEqualTo(CollectionEvents.state(stored));
    assertThat(replayed.getString("name")).isEqualTo(newName);
    assertThat(replayed.getJsonArray("items")).hasSize(1);

    Api.error(viewer.get(Client.BASE + "/" + id + "/history"), 403, "FORBIDDEN");
    Api.error(Api.newUser("analyst").get(Client.BASE + "/" + id + "/history"), 404, "NOT_FOUND");
    // the admin audit trail holds the same events and the chain stays valid
    JsonObject audit = Api.admin().get("/api/v1/audit?resource_type=collection&resource_id=" + id).bodyAsJsonObject();
    assertThat(audit.getJsonArray("items")).hasSize(8);
    assertThat(Api.admin().get("/api/v1/audit/verify").bodyAsJsonObject().getBoolean("valid")).isTrue();
  }
}
