package io.tributary.stream;

import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.Kafka;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;

import static io.tributary.stream.StreamIngestTest.await;
import static io.tributary.stream.StreamSocketTest.awaitLive;
import static io.tributary.stream.StreamSocketTest.open;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Live delivery: every record to a client that keeps up, bounded backlogs for those that do not")
class LiveDeliveryTest {

  /** The records a socket received, unbatched: each {@code update}, and each element of each {@code updates}. */
  static List<JsonObject> records(StreamSocketTest.Feed feed) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject m : feed.messages()) {
      if ("update".equals(m.getString("type"))) {
        out.add(m.getJsonObject("data"));
      } else if ("updates".equals(m.getString("type"))) {
        m.getJsonArray("data").forEach(o -> out.add((JsonObject) o));
      }
    }
    return out;
  }

  static long count(StreamSocketTest.Feed feed, String type) {
    return feed.messages().stream().filter(m -> type.equals(m.getString("type"))).count();
  }

  static void subscribe(StreamSocketTest.Feed feed, JsonObject options) {
    feed.socket().writeTextMessage(options.copy().put("action", "subscribe").encode());
    await("the subscription is acknowledged", 10, () -> feed.first("subscribed") != null);
  }

  /** Produces {@code n} records in bursts of 500 per send, record i to partition i % partitions with {@code seq} i. */
  static void burst(String topic, int n, int partitions) throws Exception {
    try (KafkaProducer<String, byte[]> producer = Kafka.producer()) {
      for (int from = 0; from < n; from += 500) {
        List<Future<?>> sent = new ArrayList<>();
        for (int i = from; i < Math.min(n, from + 500); i++) {
          byte[] value = ("{\"seq\":" + i + ",\"p\":" + (i % partitions) + ",\"device\":\"d" + (i % 7) + "\"}")
            .getBytes(StandardCharsets.UTF_8);
          sent.add(producer.send(new ProducerRecord<>(topic, i % partitions, "d" + (i % 7), value)));
        }
        producer.flush();
        for (Future<?> f : sent) {
          f.get();
        }
      }
    }
  }

  /** Every seq in [0, n) exactly once, and increasing within each partition. */
  static void assertComplete(List<JsonObject> got, int n) {
    Map<Integer, Integer> lastByPartition = new HashMap<>();
    boolean[] seen = new boolean[n];
    for (JsonObject r : got) {
      int seq = r.getInteger("seq");
      assertThat(seen[seq]).as("seq %d received once", seq).isFalse();
      seen[seq] = true;
      int p = r.getInteger("p");
      assertThat(seq).as("partition %d in order", p).isGreaterThan(lastByPartition.getOrDefault(p, -1));
      lastByPartition.put(p, seq);
    }
    assertThat(got).hasSize(n);
  }

  @Test
  @DisplayName("a 5,000-record burst reaches a reading client whole, in partition order, batched or one by one")
  void burstIsDeliveredWhole() throws Exception {
    Api owner = Api.newUser("analyst", "premium");
    String topic = "burst-" + UUID.randomUUID();
    StreamIngestTest.register(owner, "burst", topic);
    StreamSocketTest.Feed single = open(owner, "/ws/streams/burst");
    StreamSocketTest.Feed batched = open(owner, "/ws/streams/burst");
    subscribe(single, new JsonObject());
    subscribe(batched, new JsonObject().put("batch", true));
    assertThat(batched.first("subscribed").getJsonObject("data").getBoolean("batch")).isTrue();
    awaitLive(topic, single);
    await("the batched socket is live too", 10, () -> records(batched).stream().anyMatch(r -> r.containsKey("marker")));
    batched.messages().clear();

    int n = 5_000;
    burst(topic, n, 3);
    await("the one-by-one client got the burst", 60, () -> records(single).size() >= n);
    await("the batched client got the burst", 60, () -> records(batched).size() >= n);
    Api.sleep(500);
    assertComplete(records(single), n);
    assertComplete(records(batched), n);
    assertThat(count(single, "updates")).as("no batches unless asked for").isZero();
    assertThat(count(single, "update")).isEqualTo(n);
    assertThat(count(batched, "update")).as("a batched client gets only updates frames").isZero();
    assertThat(count(batched, "updates")).as("records that waited went out together").isLessThan(n / 5);
    assertThat(count(single, "lagged") + count(batched, "lagged")).as("nothing dropped").isZero();
    Await.result(single.socket().close());
    Await.result(batched.socket().close());
  }

  @Test
  @DisplayName("conflate_by keeps the newest record per value while the client is behind; max_rate paces it")
  void conflationKeepsTheLastValuePerKey() throws Exception {
    Api owner = Api.newUser("analyst", "premium");
    String topic = "gauges-" + UUID.randomUUID();
    StreamIngestTest.register(owner, "gauges", topic);
    StreamSocketTest.Feed live = open(owner, "/ws/streams/gauges");
    StreamSocketTest.Feed byKey = open(owner, "/ws/streams/gauges");
    StreamSocketTest.Feed paced = open(owner, "/ws/streams/gauges");
    subscribe(live, new JsonObject());
    awaitLive(topic, live);
    subscribe(byKey, new JsonObject().put("conflate_by", "key").put("max_rate", 2).put("batch", true));
    subscribe(paced, new JsonObject().put("conflate_by", "device").put("max_rate", 2)
      .put("filters", new JsonObject().put("device", new JsonArray().add("d1").add("d2").add("d3"))));

    int n = 700;
    burst(topic, n, 1); // one partition: "newest" is then the highest seq of each device
    await("the unconflated client got every record", 30, () -> records(live).size() >= n);
    // newest per device: the last seq of each device in 0..699 (seq % 7 == device)
    Map<String, Integer> last = new HashMap<>();
    for (int i = 0; i < n; i++) {
      last.put("d" + (i % 7), i);
    }
    await("the paced client caught up with the newest value of each device", 15, () -> {
      Map<String, Integer> got = newest(records(paced));
      return got.size() == 3 && List.of("d1", "d2", "d3").stream().allMatch(d -> got.get(d).equals(last.get(d)));
    });
    await("the key-conflated client has the newest record of every key", 15, () -> {
      Map<String, Integer> got = newest(records(byKey));
      return got.size() == 7 && got.equals(last);
    });
    assertThat(records(paced)).as("records replaced while behind are not sent").hasSizeLessThan(20)
      .allSatisfy(r -> assertThat(r.getString("device")).isIn("d1", "d2", "d3"));
    assertThat(records(byKey)).hasSizeLessThan(40);
    assertThat(count(paced, "lagged") + count(byKey, "lagged")).as("conflation is not loss").isZero();
    List.of(live, byKey, paced).forEach(f -> Await.result(f.socket().close()));
  }

  @Test
  @DisplayName("records that are not one JSON object never reach a client; every frame it gets is whole JSON, a 100 KB record too")
  void onlyWholeJsonObjectsAreSent() throws Exception {
    Api owner = Api.newUser("analyst", "premium");
    String topic = "mixed-" + UUID.randomUUID();
    StreamIngestTest.register(owner, "mixed", topic);
    StreamSocketTest.Feed single = open(owner, "/ws/streams/mixed");
    StreamSocketTest.Feed batched = open(owner, "/ws/streams/mixed");
    List<String> unparsable = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (StreamSocketTest.Feed f : List.of(single, batched)) {
      f.socket().textMessageHandler(text -> {
        try {
          f.messages().add(new JsonObject(text));
        } catch (RuntimeException e) {
          unparsable.add(text);
        }
      });
    }
    subscribe(single, new JsonObject());
    subscribe(batched, new JsonObject().put("batch", true));
    awaitLive(topic, single);
    await("the batched socket is live too", 10, () -> records(batched).stream().anyMatch(r -> r.containsKey("marker")));
    batched.messages().clear();

    String big = "x".repeat(100_000);
    String[] values = {"{\"seq\":0}", "{\"seq\":", "[1,2]", "42", "{\"seq\":1} trailing", "{\"a\":1}{\"b\":2}",
      "not json", " \n {\"seq\":1, \"text\":\"caf\u00e9 \u2713\"} \n", "{\"seq\":2,\"big\":\"" + big + "\"}", "",
      "{\"seq\":3}"};
    Kafka.produce(topic, 0, values.length, i -> values[i]);
    await("the one-by-one client got the objects", 30, () -> records(single).size() >= 4);
    await("the batched client got the objects", 30, () -> records(batched).size() >= 4);
    Api.sleep(500);
    for (StreamSocketTest.Feed f : List.of(single, batched)) {
      Map<Integer, JsonObject> got = new HashMap<>();
      records(f).forEach(r -> got.put(r.getInteger("seq"), r));
      assertThat(records(f)).as("one each (the records went to several partitions)").hasSize(4);
      assertThat(got.keySet()).containsExactlyInAnyOrder(0, 1, 2, 3);
      assertThat(got.get(1).getString("text")).isEqualTo("caf\u00e9 \u2713");
      assertThat(got.get(2).getString("big")).isEqualTo(big);
    }
    assertThat(unparsable).as("frames that are not JSON").isEmpty();
    Await.result(single.socket().close());
    Await.result(batched.socket().close());
  }

  @Test
  @DisplayName("bad subscription options are answered with an error that names them")
  void badOptions() {
    Api owner = Api.newUser("analyst", "premium");
    StreamIngestTest.register(owner, "options", "options-" + UUID.randomUUID());
    StreamSocketTest.Feed feed = open(owner, "/ws/streams/options");
    feed.socket().writeTextMessage("{\"action\":\"subscribe\",\"batch\":\"yes\"}");
    feed.socket().writeTextMessage("{\"action\":\"subscribe\",\"max_rate\":-3}");
    feed.socket().writeTextMessage("{\"action\":\"subscribe\",\"conflate_by\":42}");
    await("three errors", 10, () -> count(feed, "error") == 3);
    List<String> errors = feed.messages().stream().filter(m -> "error".equals(m.getString("type")))
      .map(m -> m.getJsonObject("data").getString("message")).toList();
    assertThat(errors.get(0)).contains("batch");
    assertThat(errors.get(1)).contains("max_rate");
    assertThat(errors.get(2)).contains("conflate_by");
    assertThat(feed.first("subscribed")).isNull();
    Await.result(feed.socket().close());
  }

  private static Map<String, Integer> newest(List<JsonObject> records) {
    Map<String, Integer> out = new HashMap<>();
    records.stream().filter(r -> r.containsKey("seq"))
      .forEach(r -> out.merge(r.getString("device"), r.getInteger("seq"), Math::max));
    return out;
  }
}
