package io.tributary.stream;

import io.tributary.support.Api;
import io.tributary.support.Kafka;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Kafka topics consumed into datasets, exactly once")
class StreamIngestTest {

  static Api user;

  @BeforeAll
  static void user() {
    user = Api.newUser("analyst", "premium");
  }

  static String topic() {
    return "t-" + UUID.randomUUID();
  }

  static JsonObject register(Api api, String name, String topic) {
    HttpResponse<Buffer> r = api.post("/api/v1/streams", new JsonObject().put("name", name).put("topic", topic));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  static JsonObject query(Api api, String sql) {
    HttpResponse<Buffer> r = api.post("/api/v1/query/sql", new JsonObject().put("sql", sql));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0);
  }

  /** The rows a stream has stored (its records_ingested; polling this costs no query of the hourly limit). */
  static long count(Api api, String name) {
    return api.get("/api/v1/streams/" + name).bodyAsJsonObject().getLong("records_ingested", 0L);
  }

  /** The row count through SQL. */
  static long sqlCount(Api api, String name) {
    return query(api, "SELECT count(*) AS n FROM " + name).getLong("n");
  }

  static void await(String what, long seconds, BooleanSupplier done) {
    long deadline = System.currentTimeMillis() + seconds * 1000;
    while (!done.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Api.sleep(200);
    }
  }

  static String record(int i) {
    return "{\"id\":" + i + ",\"device\":\"d" + (i % 17) + "\",\"reading\":" + (i % 100) + ".25}";
  }

  @Test
  @DisplayName("120,000 records across 3 partitions become exactly 120,000 rows, queryable while they arrive")
  void exactlyOnce() {
    String topic = topic();
    JsonObject stream = register(user, "readings", topic);
    assertThat(stream.getString("status")).isEqualTo("running");
    int n = 120_000;
    Kafka.produce(topic, 0, n / 2, StreamIngestTest::record);
    await("some rows are stored", 60, () -> count(user, "readings") > 0);
    assertThat(sqlCount(user, "readings")).as("queryable while records keep arriving").isPositive();
    Kafka.produce(topic, n / 2, n / 2, StreamIngestTest::record);
    await("every record is in the dataset", 120, () -> count(user, "readings") >= n);
    JsonObject figures = query(user, "SELECT count(*) AS n, count(DISTINCT id) AS ids, min(id) AS lo, max(id) AS hi FROM readings");
    assertThat(figures.getLong("n")).isEqualTo(n);
    assertThat(figures.getLong("ids")).isEqualTo(n);
    assertThat(figures.getLong("lo")).isEqualTo(0L);
    assertThat(figures.getLong("hi")).isEqualTo(n - 1L);

    JsonObject shown = user.get("/api/v1/streams/readings").bodyAsJsonObject();
    assertThat(shown.getLong("records_ingested")).isEqualTo(n);
    assertThat(shown.getLong("records_dead_lettered")).isZero();
    assertThat(shown.getLong("lag")).isZero();
    assertThat(shown.getString("last_commit_at")).isNotNull();
    JsonObject profile = user.get("/api/v1/data/profile/" + stream.getString("dataset_id")).bodyAsJsonObject();
    assertThat(profile.getLong("row_count")).isEqualTo(n);
    JsonObject id = profile.getJsonArray("columns").getJsonObject(0);
    assertThat(id.getString("name")).isEqualTo("id");
    assertThat(id.getLong("null_count")).isZero();
    assertThat(id.getDouble("mean")).isCloseTo((n - 1) / 2.0, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(id.getLong("unique_count")).isBetween((long) (n * 0.95), (long) n);
    assertThat(user.get("/api/v1/streams").bodyAsJsonObject().getJsonArray("items")).hasSize(1);
  }

  @Test
  @DisplayName("start_from latest: records older than the stream are skipped, none produced while it was stopped")
  void latestIsPinnedAtCreation() throws Exception {
    Api owner = Api.newUser("analyst", "premium");
    String topic = topic();
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", Kafka.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    produceTo(topic, 0, 0, 5); // before the stream: not wanted
    HttpResponse<Buffer> created = owner.post("/api/v1/streams", new JsonObject().put("name", "pinned").put("topic", topic)
      .put("start_from", "latest"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    produceTo(topic, 0, 100, 10);
    await("the new records of partition 0 are stored", 60, () -> count(owner, "pinned") == 10);

    assertThat(owner.delete("/api/v1/streams/pinned").statusCode()).isEqualTo(204);
    Api.sleep(2_000); // its consumer is closed
    produceTo(topic, 1, 200, 7); // a partition no batch has touched yet, while nobody consumes
    HttpResponse<Buffer> resumed = owner.post("/api/v1/streams", new JsonObject().put("name", "pinned").put("topic", topic)
      .put("start_from", "latest"));
    assertThat(resumed.statusCode()).as(resumed.bodyAsString()).isEqualTo(200);
    await("the records produced while stopped are stored", 60, () -> count(owner, "pinned") == 17);
    JsonObject figures = query(owner, "SELECT count(*) AS n, min(id) AS lowest FROM pinned");
    assertThat(figures.getLong("n")).isEqualTo(17L);
    assertThat(figures.getLong("lowest")).as("none of the records older than the stream").isEqualTo(100L);
  }

  @Test
  @DisplayName("a stream stopped and resumed at once, mid-stream, stores every record once")
  void stopAndResumeAtOnce() {
    Api owner = Api.newUser("analyst", "premium");
    String topic = topic();
    JsonObject body = new JsonObject().put("name", "bouncing").put("topic", topic);
    assertThat(owner.post("/api/v1/streams", body).statusCode()).isEqualTo(201);
    Kafka.produce(topic, 0, 30_000, StreamIngestTest::record);
    await("the first batches are stored", 60, () -> count(owner, "bouncing") > 0);
    double failedBefore = failedBatches();
    assertThat(owner.delete("/api/v1/streams/bouncing").statusCode()).isEqualTo(204);
    HttpResponse<Buffer> resumed = owner.post("/api/v1/streams", body); // while its consumer may still be closing
    assertThat(resumed.statusCode()).as(resumed.bodyAsString()).isEqualTo(200);
    Kafka.produce(topic, 30_000, 10_000, StreamIngestTest::record);
    assertEveryRecordOnce(owner, "bouncing", 40_000);
    // the resumed consumer waited for the stopping one (else its start removed the last batch's file in progress)
    assertThat(failedBatches()).as("batches not stored").isEqualTo(failedBefore);
  }

  private static double failedBatches() {
    String metrics = Api.anonymous().get("/metrics").bodyAsString();
    return metrics.lines().filter(l -> l.startsWith("tributary_stream_batches_failed_total"))
      .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** Waits until the stream has stored {@code n} records, then checks the dataset holds each record exactly once. */
  static void assertEveryRecordOnce(Api owner, String stream, long n) {
    await("every record is in the dataset", 120, () -> count(owner, stream) >= n);
    Api.sleep(1_000); // nothing more comes
    JsonObject figures = query(owner, "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM " + stream);
    assertThat(figures.getLong("n")).isEqualTo(n);
    assertThat(figures.getLong("ids")).isEqualTo(n);
  }

  /** {@code count} records with ids from {@code firstId} to one partition of the topic. */
  private static void produceTo(String topic, int partition, int firstId, int count) throws Exception {
    try (KafkaProducer<String, byte[]> producer = Kafka.producer()) {
      for (int i = firstId; i < firstId + count; i++) {
        producer.send(new ProducerRecord<>(topic, partition, null, record(i).getBytes(StandardCharsets.UTF_8)))
          .get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @DisplayName("a restart in the middle of a stream loses and repeats nothing")
  void restartMidStream() {
    Api owner = Api.newUser("analyst", "premium");
    String topic = topic();
    register(owner, "restarted", topic);
    Kafka.produce(topic, 0, 60_000, StreamIngestTest::record);
    await("the first batches are committed", 60, () -> count(owner, "restarted") > 0);
    TestApp.get().restart();
    Kafka.produce(topic, 60_000, 60_000, StreamIngestTest::record);
    assertEveryRecordOnce(owner, "restarted", 120_000);
  }

  @Test
  @DisplayName("new fields widen the schema: old rows read back with NULLs, mixed numbers widen to DOUBLE")
  void schemaDrift() {
    Api owner = Api.newUser("analyst", "premium");
    String topic = topic();
    JsonObject stream = register(owner, "drifting", topic);
    Kafka.produce(topic, 0, 100, i -> "{\"a\":" + i + "}");
    await("the first shape is stored", 60, () -> count(owner, "drifting") == 100);
    Kafka.produce(topic, 100, 100, i -> "{\"a\":" + i + ".5,\"b\":\"x" + i + "\",\"nested\":{\"k\":[1,2]}}");
    await("the second shape is stored", 60, () -> count(owner, "drifting") == 200);
    JsonObject figures = query(owner, "SELECT count(b) AS with_b, count(*) FILTER (WHERE b IS NULL) AS without_b, "
      + "sum(a) AS total, max(nested) AS nested FROM drifting");
    assertThat(figures.getLong("with_b")).isEqualTo(100L);
    assertThat(figures.getLong("without_b")).isEqualTo(100L);
    assertThat(figures.getDouble("total")).isEqualTo(19_900 + 50.0);
    assertThat(new JsonObject(figures.getString("nested"))).isEqualTo(new JsonObject().put("k", new JsonArray().add(1).add(2)));
    JsonObject dataset = owner.get("/api/v1/data/datasets/" + stream.getString("dataset_id")).bodyAsJsonObject();
    assertThat(dataset.getJsonArray("schema").stream().map(c -> ((JsonObject) c).getString("name") + ":"
      + ((JsonObject) c).getString("type"))).containsExactly("a:DOUBLE", "b:VARCHAR", "nested:VARCHAR");
    assertThat(dataset.getString("kind")).isEqualTo("stream");
  }

  @Test
  @DisplayName("records that are not JSON objects go to <topic>.dlq with the reason, and are counted")
  void deadLetters() {
    Api owner = Api.newUser("analyst", "premium");
    String topic = topic();
    register(owner, "lettered", topic);
    List<String> values = new ArrayList<>(List.of("{\"ok\":1}", "not json", "[1,2,3]", "{\"cut\":", "{\"ok\":2}", "42"));
    Kafka.produce(topic, 0, values.size(), values::get);
    await("the valid records are stored", 60, () -> count(owner, "lettered") == 2);
    List<ConsumerRecord<String, byte[]>> dead = Kafka.readAll(topic + ".dlq", 4);
    assertThat(dead).hasSize(4);
    assertThat(dead).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
      .containsExactlyInAnyOrder("not json", "[1,2,3]", "{\"cut\":", "42");
    assertThat(dead).allSatisfy(r -> assertThat(new String(r.headers().lastHeader("tributary-dlq-reason").value(),
      StandardCharsets.UTF_8)).isNotBlank());
    await("the stream counts them", 20, () -> owner.get("/api/v1/streams/lettered").bodyAsJsonObject()
      .getLong("records_dead_lettered") == 4);
  }

  @Test
  @DisplayName("small part files are compacted while queries keep answering with every row exactly once")
  void compaction() {
    Api owner = Api.newUser("analyst", "premium");
    String topic = topic();
    register(owner, "compacted", topic);
    int batches = 12;
    for (int b = 0; b < batches; b++) {
      Kafka.produce(topic, b * 500, 500, StreamIngestTest::record);
      int expected = (b + 1) * 500;
      await("batch " + b + " is stored", 30, () -> count(owner, "compacted") == expected);
    }
    long written = owner.get("/api/v1/streams/compacted").bodyAsJsonObject().getLong("batches_written");
    assertThat(written).isGreaterThanOrEqualTo(batches);
    long deadline = System.currentTimeMillis() + 30_000;
    long parts = Long.MAX_VALUE;
    while (System.currentTimeMillis() < deadline && parts >= written) {
      assertThat(query(owner, "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM compacted"))
        .isEqualTo(new JsonObject().put("n", batches * 500).put("ids", batches * 500));
      parts = owner.get("/api/v1/streams/compacted").bodyAsJsonObject().getLong("parts");
      Api.sleep(150);
    }
    assertThat(parts).as("parts after compaction").isLessThan(written);
    JsonObject figures = query(owner, "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM compacted");
    assertThat(figures.getLong("n")).isEqualTo(batches * 500L);
    assertThat(figures.getLong("ids")).isEqualTo(batches * 500L);
  }

  @Test
  @DisplayName("registration rules: roles, names, taken topics, stop keeps the dataset, registering again resumes")
  void registration() {
    Api viewer = Api.newUser("viewer");
    Api owner = Api.newUser("analyst", "premium");
    Api other = Api.newUser("analyst", "premium");
    String topic = topic();
    Api.error(viewer.post("/api/v1/streams", new JsonObject().put("name", "v").put("topic", topic)), 403, "FORBIDDEN");
    Api.error(owner.post("/api/v1/streams", new JsonObject().put("name", "Bad Name").put("topic", topic)), 400,
      "VALIDATION_FAILED");
    Api.error(owner.post("/api/v1/streams", new JsonObject().put("name", "ok").put("topic", "data.ingestion")), 400,
      "VALIDATION_FAILED");
    Api.error(owner.post("/api/v1/streams", new JsonObject().put("name", "ok")), 400, "VALIDATION_FAILED");
    register(owner, "stoppable", topic);
    Api.error(other.post("/api/v1/streams", new JsonObject().put("name", "mine").put("topic", topic)), 409, "CONFLICT");
    Kafka.produce(topic, 0, 10, StreamIngestTest::record);
    await("stored", 60, () -> count(owner, "stoppable") == 10);
    assertThat(Api.send(owner.request(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/streams/stoppable").send()).statusCode())
      .isEqualTo(204);
    assertThat(owner.get("/api/v1/streams/stoppable").bodyAsJsonObject().getString("status")).isEqualTo("stopped");
    Kafka.produce(topic, 10, 10, StreamIngestTest::record);
    Api.sleep(2_000);
    assertThat(sqlCount(owner, "stoppable")).as("a stopped stream consumes nothing").isEqualTo(10);
    HttpResponse<Buffer> resumed = owner.post("/api/v1/streams", new JsonObject().put("name", "stoppable").put("topic", topic));
    assertThat(resumed.statusCode()).isEqualTo(200);
    await("the records produced while stopped arrive", 60, () -> count(owner, "stoppable") == 20);
    assertThat(sqlCount(owner, "stoppable")).isEqualTo(20);
    Api.error(other.get("/api/v1/streams/stoppable"), 404, "NOT_FOUND");
  }
}
