package io.tributary.stream;

import io.tributary.support.Api;
import io.tributary.support.Kafka;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A stream that fills a dataset created from a schema keeps its declared columns and types")
class DeclaredStreamTest {

  static final String DATASETS = "/api/v1/data/datasets";

  private static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  private static JsonArray schema() {
    JsonArray s = new JsonArray();
    String[][] columns = {{"id", "INTEGER"}, {"reading", "DOUBLE"}, {"amount", "DECIMAL(10,2)"}, {"day", "DATE"},
      {"ts", "TIMESTAMP"}, {"ts_tz", "TIMESTAMP WITH TIME ZONE"}, {"ok", "BOOLEAN"}, {"note", "VARCHAR"},
      {"clock", "TIME"}, {"big", "BIGINT"}, {"ratio", "FLOAT"}, {"raw", "BLOB"}};
    for (String[] c : columns) {
      s.add(new JsonObject().put("name", c[0]).put("type", c[1]));
    }
    return s;
  }

  private static String createDataset(Api api, String name) {
    HttpResponse<Buffer> r = api.post(DATASETS, new JsonObject().put("name", name).put("schema", schema()));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getString("dataset_id");
  }

  private static HttpResponse<Buffer> registerInto(Api api, String stream, String topic, String dataset) {
    return api.post("/api/v1/streams", new JsonObject().put("name", stream).put("topic", topic).put("dataset", dataset));
  }

  private static JsonArray rows(Api api, String sql) {
    HttpResponse<Buffer> r = api.post("/api/v1/query/sql", new JsonObject().put("sql", sql));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("results");
  }

  private static JsonObject column(JsonObject profile, String name) {
    return profile.getJsonArray("columns").stream().map(JsonObject.class::cast)
      .filter(c -> name.equals(c.getString("name"))).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("good records become rows of exactly the values sent in the declared types; bad ones dead letters")
  void fillsDeclaredTypes(@TempDir Path dir) throws Exception {
    Api owner = Api.newUser("analyst", "premium");
    String dataset = unique("sensor_");
    String datasetId = createDataset(owner, dataset);
    String topic = StreamIngestTest.topic();
    HttpResponse<Buffer> created = registerInto(owner, "feed", topic, dataset);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject stream = created.bodyAsJsonObject();
    assertThat(stream.getString("dataset_id")).as("the stream fills the existing dataset").isEqualTo(datasetId);
    assertThat(stream.getString("dataset")).isEqualTo(dataset);

    List<String> good = List.of(
      "{\"id\":1,\"reading\":21.5,\"amount\":19.99,\"day\":\"2024-01-31\",\"ts\":\"2024-01-31T13:45:00\","
        + "\"ts_tz\":\"2024-01-31T13:45:00+02:00\",\"ok\":true,\"note\":\"first\",\"clock\":\"13:45:00.5\","
        + "\"big\":9007199254740993,\"ratio\":0.5,\"raw\":\"aGVsbG8=\"}",
      "{\"id\":2,\"reading\":-0.125,\"amount\":-5,\"day\":\"1999-12-31\",\"ts\":\"1999-12-31 23:59:59.123456\","
        + "\"ts_tz\":\"1999-12-31T23:59:59Z\",\"ok\":false,\"note\":{\"nested\":[1,2]},\"clock\":\"00:00:00\"}",
      "{\"id\":3,\"note\":42,\"amount\":null}");
    Map<String, String> bad = new HashMap<>();
    bad.put("{\"id\":\"four\"}", "column \"id\" (INTEGER)");
    bad.put("{\"id\":5,\"amount\":1.005}", "column \"amount\" (DECIMAL(10,2))");
    bad.put("{\"id\":6,\"extra\":1}", "the field \"extra\" is not a column");
    bad.put("{\"id\":7,\"ts_tz\":\"2024-01-31T13:45:00\"}", "column \"ts_tz\" (TIMESTAMP WITH TIME ZONE)");
    bad.put("{\"id\":2147483648}", "column \"id\" (INTEGER)");
    bad.put("{\"id\":9,\"day\":\"31/01/2024\"}", "column \"day\" (DATE)");
    bad.put("{\"id\":1.5}", "column \"id\" (INTEGER)");
    bad.put("{\"id\":11,\"ok\":\"yes\"}", "column \"ok\" (BOOLEAN)");
    try (KafkaProducer<String, byte[]> producer = Kafka.producer()) {
      for (String v : good) {
        producer.send(new ProducerRecord<>(topic, 0, null, v.getBytes(StandardCharsets.UTF_8))).get();
      }
      for (String v : bad.keySet()) {
        producer.send(new ProducerRecord<>(topic, 0, null, v.getBytes(StandardCharsets.UTF_8))).get();
      }
    }
    StreamIngestTest.await("every record is a row or a dead letter", 60, () -> {
      JsonObject s = owner.get("/api/v1/streams/feed").bodyAsJsonObject();
      return s.getLong("records_ingested", 0L) + s.getLong("records_dead_lettered", 0L) >= good.size() + bad.size();
    });
    JsonObject shown = owner.get("/api/v1/streams/feed").bodyAsJsonObject();
    assertThat(shown.getLong("records_ingested")).isEqualTo(good.size());
    assertThat(shown.getLong("records_dead_lettered")).isEqualTo(bad.size());
    assertThat(shown.getString("dataset")).isEqualTo(dataset);

    List<ConsumerRecord<String, byte[]>> dead = Kafka.readAll(topic + ".dlq", bad.size());
    assertThat(dead).hasSize(bad.size());
    for (ConsumerRecord<String, byte[]> d : dead) {
      String value = new String(d.value(), StandardCharsets.UTF_8);
      String reason = new String(d.headers().lastHeader("tributary-dlq-reason").value(), StandardCharsets.UTF_8);
      assertThat(bad).containsKey(value);
      assertThat(reason).as(value).contains(bad.get(value));
    }

    JsonArray types = rows(owner, "SELECT typeof(id) AS id, typeof(reading) AS reading, typeof(amount) AS amount, "
      + "typeof(day) AS day, typeof(ts) AS ts, typeof(ts_tz) AS ts_tz, typeof(ok) AS ok, typeof(note) AS note, "
      + "typeof(clock) AS clock, typeof(big) AS big, typeof(ratio) AS ratio, typeof(raw) AS raw FROM " + dataset
      + " LIMIT 1");
    JsonObject declared = new JsonObject();
    schema().forEach(c -> declared.put(((JsonObject) c).getString("name"), ((JsonObject) c).getString("type")));
    assertThat(types.getJsonObject(0).getMap()).isEqualTo(declared.getMap());

    JsonArray values = rows(owner, "SELECT id, reading, CAST(amount AS VARCHAR) AS amount, CAST(day AS VARCHAR) AS day, "
      + "CAST(ts AS VARCHAR) AS ts, epoch_us(ts_tz) AS ts_tz, ok, note, CAST(clock AS VARCHAR) AS clock, "
      + "CAST(big AS VARCHAR) AS big, ratio, CAST(raw AS VARCHAR) AS raw FROM " + dataset + " ORDER BY id");
    assertThat(values).hasSize(3);
    JsonObject first = values.getJsonObject(0);
    assertThat(first.getInteger("id")).isEqualTo(1);
    assertThat(first.getDouble("reading")).isEqualTo(21.5);
    assertThat(first.getString("amount")).isEqualTo("19.99");
    assertThat(first.getString("day")).isEqualTo("2024-01-31");
    assertThat(first.getString("ts")).isEqualTo("2024-01-31 13:45:00");
    assertThat(first.getLong("ts_tz")).isEqualTo(java.time.OffsetDateTime.parse("2024-01-31T13:45:00+02:00")
      .toEpochSecond() * 1_000_000L);
    assertThat(first.getBoolean("ok")).isTrue();
    assertThat(first.getString("note")).isEqualTo("first");
    assertThat(first.getString("clock")).isEqualTo("13:45:00.5");
    assertThat(first.getString("big")).isEqualTo("9007199254740993");
    assertThat(first.getDouble("ratio")).isEqualTo(0.5);
    assertThat(first.getString("raw")).isEqualTo("hello");
    JsonObject second = values.getJsonObject(1);
    assertThat(second.getDouble("reading")).isEqualTo(-0.125);
    assertThat(second.getString("amount")).isEqualTo("-5.00");
    assertThat(second.getString("day")).isEqualTo("1999-12-31");
    assertThat(second.getString("ts")).isEqualTo("1999-12-31 23:59:59.123456");
    assertThat(second.getLong("ts_tz")).isEqualTo(java.time.OffsetDateTime.parse("1999-12-31T23:59:59Z")
      .toEpochSecond() * 1_000_000L);
    assertThat(second.getBoolean("ok")).isFalse();
    assertThat(second.getString("note")).isEqualTo("{\"nested\":[1,2]}");
    assertThat(second.getString("clock")).isEqualTo("00:00:00");
    assertThat(second.getValue("big")).isNull();
    JsonObject third = values.getJsonObject(2);
    assertThat(third.getString("note")).isEqualTo("42");
    assertThat(third.getValue("amount")).as("a null value is NULL").isNull();
    assertThat(third.getValue("day")).as("a missing field is NULL").isNull();

    JsonObject profile = owner.get("/api/v1/data/profile/" + datasetId).bodyAsJsonObject();
    assertThat(profile.getLong("row_count")).isEqualTo(3);
    for (Object c : schema()) {
      String name = ((JsonObject) c).getString("name");
      assertThat(column(profile, name).getString("type")).as(name).isEqualTo(((JsonObject) c).getString("type"));
    }
    assertThat(column(profile, "id").getLong("min")).isEqualTo(1);
    assertThat(column(profile, "id").getLong("max")).isEqualTo(3);
    assertThat(column(profile, "amount").getDouble("min")).isEqualTo(-5.0);
    assertThat(column(profile, "amount").getDouble("max")).isEqualTo(19.99);
    assertThat(column(profile, "day").getString("min")).isEqualTo("1999-12-31");
    assertThat(column(profile, "day").getString("max")).isEqualTo("2024-01-31");
    assertThat(column(profile, "ts").getString("min")).isEqualTo("1999-12-31T23:59:59.123456");
    assertThat(column(profile, "ts").getString("max")).isEqualTo("2024-01-31T13:45:00");
    assertThat(column(profile, "ts_tz").getString("min")).isEqualTo("1999-12-31T23:59:59+00:00");
    assertThat(column(profile, "ts_tz").getString("max")).isEqualTo("2024-01-31T11:45:00+00:00");
    assertThat(column(profile, "clock").getString("max")).isEqualTo("13:45:00.5");
    assertThat(column(profile, "day").getLong("null_count")).isEqualTo(1);

    JsonObject ds = owner.get(DATASETS + "/" + datasetId).bodyAsJsonObject();
    assertThat(ds.getString("name")).isEqualTo(dataset);
    assertThat(ds.getString("kind")).isEqualTo("stream");
    assertThat(ds.getLong("row_count")).isEqualTo(3);

    Path csv = Files.writeString(dir.resolve("more.csv"), "id\n4\n");
    Api.error(owner.upload(csv, Map.of("mode", "append", "name", dataset)), 409, "CONFLICT");

    JsonArray audit = Api.admin().get("/api/v1/audit?action=stream.created&resource_id=" + stream.getString("stream_id"))
      .bodyAsJsonObject().getJsonArray("items");
    assertThat(audit).hasSize(1);
    assertThat(audit.getJsonObject(0).getJsonObject("after").getString("dataset_id")).isEqualTo(datasetId);
  }

  @Test
  @DisplayName("only an empty, ready dataset of the caller that no stream fills can be filled; refusals change nothing")
  void refusals(@TempDir Path dir) throws Exception {
    Api owner = Api.newUser("analyst", "premium");
    String topic = StreamIngestTest.topic();
    Api.error(registerInto(owner, "orphan", topic, "no_such_dataset"), 404, "NOT_FOUND");

    Api other = Api.newUser("analyst", "premium");
    String theirs = unique("theirs_");
    createDataset(other, theirs);
    Api.error(registerInto(owner, "orphan", topic, theirs), 404, "NOT_FOUND");

    String full = unique("full_");
    JsonObject job = owner.uploadAndWait(Files.writeString(dir.resolve("full.csv"), "id,note\n1,a\n2,b\n"),
      Map.of("name", full));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    JsonObject error = Api.error(registerInto(owner, "orphan", topic, full), 409, "CONFLICT");
    assertThat(error.getString("message")).contains("holds 2 rows; a stream fills only an empty dataset");
    assertThat(owner.get(DATASETS + "/" + job.getString("dataset_id")).bodyAsJsonObject().getString("kind"))
      .isEqualTo("file");
    assertThat(owner.get("/api/v1/streams/orphan").statusCode()).as("no stream was registered").isEqualTo(404);

    String empty = unique("empty_");
    createDataset(owner, empty);
    assertThat(registerInto(owner, "first_feed", topic, empty).statusCode()).isEqualTo(201);
    error = Api.error(registerInto(owner, "second_feed", StreamIngestTest.topic(), empty), 409, "CONFLICT");
    assertThat(error.getString("message")).contains("already filled by stream first_feed");
    assertThat(owner.get("/api/v1/streams/second_feed").statusCode()).isEqualTo(404);

    // stopped and registered again, it resumes into the same dataset
    assertThat(owner.delete("/api/v1/streams/first_feed").statusCode()).isEqualTo(204);
    HttpResponse<Buffer> resumed = registerInto(owner, "first_feed", topic, empty);
    assertThat(resumed.statusCode()).as(resumed.bodyAsString()).isEqualTo(200);
    assertThat(resumed.bodyAsJsonObject().getString("dataset")).isEqualTo(empty);
  }
}
