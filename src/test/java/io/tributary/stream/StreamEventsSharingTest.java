package io.tributary.stream;

import io.tributary.support.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.UUID;

import static io.tributary.stream.StreamEventsTest.send;
import static io.tributary.stream.StreamIngestTest.await;
import static io.tributary.stream.StreamIngestTest.register;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Events over HTTP into a shared stream: editors of its collection send as <collection>.<stream>")
class StreamEventsSharingTest {

  static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  static String email(Api api) {
    String payload = api.token().split("\\.")[1];
    return new JsonObject(new String(Base64.getUrlDecoder().decode(payload))).getString("email");
  }

  /** A collection change with If-Match; returns the new version. */
  static int change(Api api, String path, int version, JsonObject body) {
    HttpResponse<Buffer> r = Api.send(api.request(HttpMethod.POST, path).putHeader("If-Match", "\"" + version + "\"")
      .sendJsonObject(body));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getInteger("version");
  }

  @Test
  @DisplayName("an editor's records reach the owner's stream; a viewer gets 403, a stranger 404, and nothing is sent")
  void editorsSend() {
    Api owner = Api.newUser("analyst", "premium");
    Api editor = Api.newUser("analyst", "premium");
    Api viewer = Api.newUser("analyst", "premium");
    Api stranger = Api.newUser("analyst", "premium");
    String stream = unique("shared_");
    String streamId = register(owner, stream, "ev-" + UUID.randomUUID()).getString("stream_id");
    String coll = unique("team_");
    HttpResponse<Buffer> created = owner.post("/api/v1/collections", new JsonObject().put("name", coll));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("collection_id");
    String base = "/api/v1/collections/" + id;
    int v = change(owner, base + "/items", 1, new JsonObject().put("type", "stream").put("id", streamId));
    v = change(owner, base + "/shares", v, new JsonObject().put("email", email(editor)).put("role", "editor"));
    change(owner, base + "/shares", v, new JsonObject().put("email", email(viewer)).put("role", "viewer"));
    String shared = coll + "." + stream;

    HttpResponse<Buffer> sent = send(editor, shared,
      "{\"id\":1,\"sender\":\"editor\"}\n{\"id\":2,\"sender\":\"editor\"}\nnope\n");
    assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(200);
    assertThat(sent.bodyAsJsonObject().getInteger("accepted")).isEqualTo(2);
    assertThat(sent.bodyAsJsonObject().getJsonArray("rejected").getJsonObject(0).getInteger("line")).isEqualTo(3);
    HttpResponse<Buffer> own = send(owner, shared, "{\"id\":3,\"sender\":\"owner\"}\n");
    assertThat(own.statusCode()).as("the owner may use the collection's name too").isEqualTo(200);

    JsonObject refused = Api.error(send(viewer, shared, "{\"id\":4,\"sender\":\"viewer\"}\n"), 403, "FORBIDDEN");
    assertThat(refused.getString("message")).contains("editor", coll);
    Api.error(send(stranger, shared, "{\"id\":5,\"sender\":\"stranger\"}\n"), 404, "NOT_FOUND");
    Api.error(send(editor, stream, "{\"id\":6,\"sender\":\"editor\"}\n"), 404, "NOT_FOUND");
    Api.error(send(editor, coll + ".no_such_stream", "{\"id\":7}\n"), 404, "NOT_FOUND");

    await("the editor's and the owner's records are in the stream's dataset", 120,
      () -> StreamIngestTest.count(owner, stream) >= 3);
    Api.sleep(1_000);
    JsonObject figures = StreamIngestTest.query(owner, "SELECT count(*) AS n, max(id) AS top, "
      + "count(*) FILTER (WHERE sender = 'editor') AS from_editor FROM " + stream);
    assertThat(figures.getLong("n")).as("only the accepted records, once").isEqualTo(3);
    assertThat(figures.getLong("top")).isEqualTo(3);
    assertThat(figures.getLong("from_editor")).isEqualTo(2);
  }
}
