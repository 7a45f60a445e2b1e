package io.tributary.stream;

import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.Kafka;
import io.tributary.support.TestApp;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Live stream records over /ws/streams/{name}")
class StreamSocketTest {

  /** A socket and what it received. */
  record Feed(WebSocket socket, List<JsonObject> messages) {
    List<JsonObject> updates() {
      return messages.stream().filter(m -> "update".equals(m.getString("type"))).toList();
    }

    JsonObject first(String type) {
      return messages.stream().filter(m -> type.equals(m.getString("type"))).findFirst().orElse(null);
    }
  }

  static Feed open(Api api, String path) {
    WebSocketClient client = TestApp.get().sockets;
    WebSocket ws = Await.result(client.connect(TestApp.get().port, "127.0.0.1", path
      + (path.contains("?") ? "&" : "?") + "access_token=" + api.token()));
    List<JsonObject> got = new CopyOnWriteArrayList<>();
    ws.textMessageHandler(text -> got.add(new JsonObject(text)));
    return new Feed(ws, got);
  }

  static void subscribe(Feed feed, JsonObject filters) {
    feed.socket().writeTextMessage(new JsonObject().put("action", "subscribe").put("filters", filters).encode());
    StreamIngestTest.await("the subscription is acknowledged", 10, () -> feed.first("subscribed") != null);
  }

  /**
   * Live feeds deliver what is produced after the relay follows the topic: produce markers until one arrives
   * (then every later record is delivered), and forget them.
   */
  static void awaitLive(String topic, Feed feed) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (feed.updates().stream().noneMatch(m -> m.getJsonObject("data").containsKey("marker"))) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("the live feed never started");
      }
      Kafka.produce(topic, 0, 1, i -> "{\"marker\":true}");
      Api.sleep(200);
    }
    Api.sleep(300);
    feed.messages().removeIf(m -> "update".equals(m.getString("type")) && m.getJsonObject("data").containsKey("marker"));
  }

  static String userId(Api api) {
    String payload = api.token().split("\\.")[1];
    return new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)).getString("sub");
  }

  @Test
  @DisplayName("each socket receives exactly the records its filters match, as update messages")
  void filters() {
    Api owner = Api.newUser("analyst", "premium");
    String topic = "live-" + UUID.randomUUID();
    StreamIngestTest.register(owner, "cities", topic);
    Feed oslo = open(owner, "/ws/streams/cities");
    Feed south = open(owner, "/ws/streams/cities");
    Feed all = open(owner, "/ws/streams/cities");
    subscribe(oslo, new JsonObject().put("city", "Oslo"));
    subscribe(south, new JsonObject().put("city", new JsonArray().add("Rome").add("Lima")).put("hot", true));
    subscribe(all, new JsonObject());
    awaitLive(topic, all);
    List.of(oslo, south).forEach(f -> f.messages().removeIf(m -> "update".equals(m.getString("type"))));
    String[] cities = {"Oslo", "Rome", "Lima"};
    Kafka.produce(topic, 0, 300, i -> "{\"id\":" + i + ",\"city\":\"" + cities[i % 3] + "\",\"hot\":" + (i % 2 == 0) + "}");
    StreamIngestTest.await("every record reached the unfiltered socket", 30, () -> all.updates().size() == 300);
    Api.sleep(300);
    assertThat(oslo.updates()).hasSize(100).allSatisfy(m -> assertThat(m.getJsonObject("data").getString("city")).isEqualTo("Oslo"));
    assertThat(south.updates()).hasSize(100).allSatisfy(m -> {
      assertThat(m.getJsonObject("data").getString("city")).isIn("Rome", "Lima");
      assertThat(m.getJsonObject("data").getBoolean("hot")).isTrue();
    });
    JsonObject update = all.updates().get(0);
    assertThat(update.getJsonObject("data").containsKey("id")).isTrue();
    assertThat(Instant.parse(update.getString("timestamp"))).isBefore(Instant.now().plusSeconds(1));

    oslo.socket().writeTextMessage("{\"action\":\"dance\"}");
    oslo.socket().writeTextMessage("not json");
    StreamIngestTest.await("bad messages are answered with errors", 10,
      () -> oslo.messages().stream().filter(m -> "error".equals(m.getString("type"))).count() == 2);
    oslo.socket().writeTextMessage("{\"action\":\"unsubscribe\"}");
    StreamIngestTest.await("unsubscribed", 10, () -> oslo.first("unsubscribed") != null);
    int before = oslo.updates().size();
    Kafka.produce(topic, 300, 30, i -> "{\"id\":" + i + ",\"city\":\"Oslo\"}");
    StreamIngestTest.await("the others still receive", 30, () -> all.updates().size() == 330);
    assertThat(oslo.updates()).hasSize(before);
    List.of(oslo, south, all).forEach(f -> Await.result(f.socket().close()));
  }

  @Test
  @DisplayName("only the owner, or users the stream is shared with, may watch it; no token is refused with 401")
  void access() {
    Api owner = Api.newUser("analyst", "premium");
    Api friend = Api.newUser("viewer");
    String topic = "shared-" + UUID.randomUUID();
    StreamIngestTest.register(owner, "private_feed", topic);
    String path = "/ws/streams/private_feed?owner=" + userId(owner);
    assertThatThrownBy(() -> open(friend, path)).satisfies(e -> assertThat(status(e)).isEqualTo(404));
    assertThatThrownBy(() -> Await.result(TestApp.get().sockets
      .connect(TestApp.get().port, "127.0.0.1", "/ws/streams/private_feed"))).satisfies(e -> assertThat(status(e)).isEqualTo(401));
    var shared = owner.post("/api/v1/streams/private_feed/shares", new JsonObject().put("email", email(friend)));
    assertThat(shared.statusCode()).as(shared.bodyAsString()).isEqualTo(201);
    Feed feed = open(friend, path);
    subscribe(feed, new JsonObject());
    awaitLive(topic, feed);
    Kafka.produce(topic, 0, 5, i -> "{\"n\":" + i + "}");
    StreamIngestTest.await("the friend sees the records", 30, () -> feed.updates().size() == 5);
    assertThat(owner.get("/api/v1/streams/private_feed").bodyAsJsonObject().getJsonArray("shared_with")).hasSize(1);
    Await.result(feed.socket().close());
  }

  @Test
  @DisplayName("a client that stops reading loses its oldest updates (and is told), while the others get every record")
  void slowConsumer() {
    Api owner = Api.newUser("analyst", "premium");
    String topic = "slow-" + UUID.randomUUID();
    StreamIngestTest.register(owner, "firehose", topic);
    Feed fast = open(owner, "/ws/streams/firehose");
    Feed slow = open(owner, "/ws/streams/firehose");
    subscribe(fast, new JsonObject());
    subscribe(slow, new JsonObject());
    awaitLive(topic, fast);
    slow.messages().clear();
    slow.socket().pause();
    double droppedBefore = droppedMessages();
    // about 3,000 records/s of 8 KB: a reading client keeps up; a paused one overflows its kernel buffers
    String padding = "x".repeat(8_000);
    int n = 3_000;
    for (int from = 0; from < n; from += 100) {
      Kafka.produce(topic, from, 100, i -> "{\"id\":" + i + ",\"pad\":\"" + padding + "\"}");
      Api.sleep(30);
    }
    StreamIngestTest.await("the fast client got every record", 60, () -> fast.updates().size() == n);
    assertThat(fast.updates().stream().map(m -> m.getJsonObject("data").getInteger("id")).distinct().count())
      .as("every record exactly once").isEqualTo(n);
    slow.socket().resume();
    StreamIngestTest.await("the slow client is told it lagged", 30, () -> slow.first("lagged") != null);
    assertThat(slow.first("lagged").getJsonObject("data").getLong("dropped")).isPositive();
    assertThat(slow.updates().size()).isLessThan(n);
    assertThat(droppedMessages()).isGreaterThan(droppedBefore);
    // nothing is lost silently: every record was either delivered or counted in a lagged message
    StreamIngestTest.await("every record is delivered or reported dropped", 30, () -> slow.updates().size()
      + slow.messages().stream().filter(m -> "lagged".equals(m.getString("type")))
      .mapToLong(m -> m.getJsonObject("data").getLong("dropped")).sum() == n);
    Await.result(fast.socket().close());
    Await.result(slow.socket().close());
  }

  private static double droppedMessages() {
    Matcher m = Pattern.compile("tributary_socket_messages_total\\{outcome=\"dropped\"[^}]*} ([0-9.eE+]+)")
      .matcher(Api.anonymous().get("/metrics").bodyAsString());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static String email(Api api) {
    String payload = api.token().split("\\.")[1];
    return new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)).getString("email");
  }

  private static int status(Throwable e) {
    Throwable t = e;
    while (t != null && !(t instanceof UpgradeRejectedException)) {
      t = t.getCause();
    }
    return t == null ? -1 : ((UpgradeRejectedException) t).getStatus();
  }
}
