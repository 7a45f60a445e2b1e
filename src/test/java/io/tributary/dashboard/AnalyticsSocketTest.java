package io.tributary.dashboard;

import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.Kafka;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Live dashboards over /ws/analytics/{id}")
class AnalyticsSocketTest {

  record Socket(WebSocket ws, List<JsonObject> messages) {
    List<JsonObject> of(String type) {
      return messages.stream().filter(m -> type.equals(m.getString("type"))).toList();
    }
  }

  static Socket open(String dashboardId, String token) {
    WebSocket ws = Await.result(TestApp.get().sockets.connect(TestApp.get().port, "127.0.0.1",
      "/ws/analytics/" + dashboardId + "?access_token=" + token));
    List<JsonObject> got = new CopyOnWriteArrayList<>();
    ws.textMessageHandler(text -> got.add(new JsonObject(text)));
    return new Socket(ws, got);
  }

  static void await(String what, BooleanSupplier done) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!done.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as(what).isLessThan(deadline);
      Api.sleep(100);
    }
  }

  @Test
  @DisplayName("stream-bound visualizations get their records tagged with viz_id; new dataset versions push a refresh")
  void liveAndRefresh() throws Exception {
    Api owner = Api.newUser("analyst", "premium");
    String topic = "dash-" + UUID.randomUUID();
    HttpResponse<Buffer> stream = owner.post("/api/v1/streams", new JsonObject().put("name", "sensors").put("topic", topic));
    assertThat(stream.statusCode()).as(stream.bodyAsString()).isEqualTo(201);
    String streamDataset = stream.bodyAsJsonObject().getString("dataset_id");
    Kafka.produce(topic, 0, 10, i -> "{\"device\":\"" + (i % 2 == 0 ? "a" : "b") + "\",\"temp\":" + i + "}");
    await("the stream has rows", () -> owner.get("/api/v1/streams/sensors").bodyAsJsonObject()
      .getLong("records_ingested", 0L) >= 10);
    Path csv = Files.createTempFile("totals", ".csv");
    Files.writeString(csv, "k,n\nx,1\n");
    String totalsId = owner.uploadAndWait(csv, Map.of("name", "totals")).getString("dataset_id");

    JsonObject live = new JsonObject().put("title", "Device a").put("chart_type", "line").put("dataset_id", streamDataset)
      .put("query", "SELECT * FROM sensors").put("config", new JsonObject().put("x", "temp").put("y", "temp"))
      .put("stream", new JsonObject().put("name", "sensors").put("filters", new JsonObject().put("device", "a")));
    JsonObject totals = new JsonObject().put("title", "Totals").put("chart_type", "table").put("dataset_id", totalsId)
      .put("query", "SELECT sum(n) AS n FROM totals");
    HttpResponse<Buffer> created = owner.post("/api/v1/dashboards", new JsonObject().put("name", "Live")
      .put("visualizations", new JsonArray().add(live).add(totals)));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject d = created.bodyAsJsonObject();
    String id = d.getString("dashboard_id");
    String liveViz = d.getJsonArray("visualizations").getJsonObject(0).getString("viz_id");
    String totalsViz = d.getJsonArray("visualizations").getJsonObject(1).getString("viz_id");

    Socket socket = open(id, owner.token());
    socket.ws().writeTextMessage("{\"action\":\"subscribe\",\"filters\":{}}");
    await("subscribed", () -> !socket.of("subscribed").isEmpty());
    assertThat(socket.of("subscribed").get(0).getJsonObject("data").getJsonArray("live")).containsExactly(liveViz);
    String shareToken = owner.post("/api/v1/dashboards/" + id + "/shares", new JsonObject()).bodyAsJsonObject()
      .getString("share_token");
    Socket viewer = open(id, shareToken);
    viewer.ws().writeTextMessage("{\"action\":\"subscribe\",\"batch\":true}");
    await("the viewer is subscribed", () -> !viewer.of("subscribed").isEmpty());

    long deadline = System.currentTimeMillis() + 30_000;
    int next = 100;
    while (socket.of("update").isEmpty()) { // the relay follows the topic within a few seconds
      assertThat(System.currentTimeMillis()).as("live records arrive").isLessThan(deadline);
      int from = next;
      Kafka.produce(topic, from, 2, i -> "{\"device\":\"" + (i % 2 == 0 ? "a" : "b") + "\",\"temp\":" + i + "}");
      next += 2;
      Api.sleep(300);
    }
    Api.sleep(500);
    assertThat(socket.of("update")).allSatisfy(m -> {
      assertThat(m.getJsonObject("data").getString("viz_id")).isEqualTo(liveViz);
      assertThat(m.getJsonObject("data").getString("device")).as("the visualization's filter").isEqualTo("a");
    });
    await("the share-token viewer gets the same records, batched", () -> viewer.of("updates").stream()
      .mapToInt(m -> m.getJsonArray("data").size()).sum() >= socket.of("update").size());

    owner.uploadAndWait(Files.writeString(csv, "k,n\nx,1\ny,41\n"), Map.of("name", "totals", "replace", "true"));
    await("a refresh with the new total", () -> socket.of("refresh").stream().anyMatch(m ->
      totalsViz.equals(m.getJsonObject("data").getString("viz_id"))
        && m.getJsonObject("data").getJsonArray("results").getJsonObject(0).getInteger("n") == 42));
    await("the viewer is refreshed too", () -> !viewer.of("refresh").isEmpty());
    Await.result(socket.ws().close());
    Await.result(viewer.ws().close());
  }

  @Test
  @DisplayName("a socket without a token, with another user's token, or with another dashboard's share token is refused")
  void access() {
    Api owner = Api.newUser("analyst", "premium");
    Path dir;
    try {
      dir = Files.createTempDirectory("acc");
      Files.writeString(dir.resolve("t.csv"), "a\n1\n");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    String dataset = owner.uploadAndWait(dir.resolve("t.csv"), Map.of("name", "t")).getString("dataset_id");
    JsonObject viz = new JsonObject().put("title", "T").put("chart_type", "number").put("dataset_id", dataset)
      .put("query", "SELECT count(*) AS n FROM t").put("config", new JsonObject().put("y", "n"));
    String a = owner.post("/api/v1/dashboards", new JsonObject().put("name", "A").put("visualizations",
      new JsonArray().add(viz))).bodyAsJsonObject().getString("dashboard_id");
    String b = owner.post("/api/v1/dashboards", new JsonObject().put("name", "B").put("visualizations",
      new JsonArray().add(viz))).bodyAsJsonObject().getString("dashboard_id");
    String shareOfA = owner.post("/api/v1/dashboards/" + a + "/shares", new JsonObject()).bodyAsJsonObject()
      .getString("share_token");
    assertThat(status(() -> Await.result(TestApp.get().sockets.connect(TestApp.get().port, "127.0.0.1",
      "/ws/analytics/" + a)))).isEqualTo(401);
    assertThat(status(() -> open(a, Api.newUser("analyst").token()))).isEqualTo(404);
    assertThat(status(() -> open(b, shareOfA))).isEqualTo(404);
    Await.result(open(a, shareOfA).ws().close());
  }

  private static int status(Runnable attempt) {
    try {
      attempt.run();
    } catch (Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof UpgradeRejectedException u) {
          return u.getStatus();
        }
      }
      throw new AssertionError("not an upgrade refusal", e);
    }
    throw new AssertionError("the socket was accepted");
  }
}
