package io.tributary.insight;

import io.tributary.support.Api;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("Insights")
class InsightsTest {

  @TempDir
  static Path dir;
  static Api user;

  @BeforeAll
  static void login() {
    user = Api.newUser("analyst");
  }

  @BeforeEach
  void reset() {
    TestApp.get().llm.replies.clear();
    TestApp.get().llm.requests.clear();
  }

  private static String upload(String name, String csv) throws IOException {
    Path f = dir.resolve(name + ".csv");
    Files.writeString(f, csv);
    JsonObject job = user.uploadAndWait(f, Map.of());
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    return job.getString("dataset_id");
  }

  private static JsonObject generate(Api api, JsonObject request) {
    HttpResponse<Buffer> r = api.post("/api/v1/insights/generate", request);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static List<JsonObject> list(JsonObject report, String field) {
    return report.getJsonArray(field).stream().map(JsonObject.class::cast).toList();
  }

  private static JsonObject trend(JsonObject report, String type, String column) {
    return list(report, "trends").stream().filter(t -> type.equals(t.getString("type")) && column.equals(t.getString("column")))
      .findFirst().orElseThrow(() -> new AssertionError("no " + type + " of " + column + " in " + report.getJsonArray("trends")));
  }

  @Test
  @DisplayName("planted outliers are found in the right column and row, with their direction and value")
  void plantedOutliers() throws IOException {
    Random rnd = new Random(11);
    StringBuilder csv = new StringBuilder("id,amount,qty,region\n");
    for (int i = 0; i < 2000; i++) {
      double amount = i == 123 ? 1000 : 100 + rnd.nextGaussian() * 10;
      double qty = i == 456 ? -200 : 50 + rnd.nextGaussian() * 5;
      csv.append(i).append(',').append(String.format(java.util.Locale.ROOT, "%.3f", amount)).append(',')
        .append(String.format(java.util.Locale.ROOT, "%.3f", qty)).append(',').append("NESW".charAt(rnd.nextInt(4)))
        .append('\n');
    }
    String id = upload("outliers", csv.toString());
    JsonObject report = generate(user, new JsonObject().put("dataset_id", id));

    assertThat(report.getString("dataset_id")).isEqualTo(id);
    assertThat(report.getInteger("version")).isEqualTo(1);
    assertThat(report.getLong("execution_time_ms")).isNotNegative();
    assertThat(Instant.parse(report.getString("generated_at"))).isBeforeOrEqualTo(Instant.now());
    JsonObject amount = list(report, "anomalies").stream().filter(a -> "amount".equals(a.getString("column"))).findFirst()
      .orElseThrow();
    assertThat(amount.getLong("row_ref")).isEqualTo(123);
    assertThat(amount.getDouble("value")).isCloseTo(1000, within(0.01));
    assertThat(amount.getString("direction")).isEqualTo("above");
    assertThat(amount.getString("method")).isEqualTo("robust_z");
    assertThat(amount.getString("severity")).isEqualTo("high");
    assertThat(amount.getDouble("score")).isGreaterThan(50);
    JsonArray range = amount.getJsonArray("expected_range");
    assertThat(range.getDouble(0)).isBetween(60.0, 70.0);
    assertThat(range.getDouble(1)).isBetween(130.0, 140.0);
    assertThat(amount.getString("explanation")).contains("amount").contains("1000").contains("row 123");
    JsonObject qty = list(report, "anomalies").stream().filter(a -> "qty".equals(a.getString("column"))).findFirst()
      .orElseThrow();
    assertThat(qty.getLong("row_ref")).isEqualTo(456);
    assertThat(qty.getString("direction")).isEqualTo("below");
    assertThat(qty.getDouble("value")).isCloseTo(-200, within(0.01));

    assertThat(report.getJsonArray("trends").size()).isGreaterThanOrEqualTo(3);
    for (JsonObject t : list(report, "trends")) {
      assertThat(t.fieldNames()).contains("slope", "p_value", "r2", "n", "description");
    }
    JsonObject cap = list(report, "recommendations").stream().filter(r -> "cap_outliers".equals(r.getString("type"))
      && "amount".equals(r.getString("column"))).findFirst().orElseThrow();
    assertThat(cap.getJsonObject("evidence").getLong("outliers")).isGreaterThanOrEqualTo(1);
    assertThat(report.getString("summary_source")).isEqualTo("template");
    assertThat(report.getString("summary")).contains("2000 rows");
  }

  @Test
  @DisplayName("a planted linear trend is found with about its slope, and it is significant")
  void plantedTrend() throws IOException {
    Random rnd = new Random(5);
    StringBuilder csv = new StringBuilder("day,sales\n");
    LocalDate start = LocalDate.of(2024, 1, 1);
    for (int i = 0; i < 3000; i++) {
      int d = i % 300;
      csv.append(start.plusDays(d)).append(',')
        .append(String.format(java.util.Locale.ROOT, "%.4f", 5 + 0.3 * d + rnd.nextGaussian() * 4)).append('\n');
    }
    String id = upload("trend", csv.toString());
    JsonObject report = generate(user, new JsonObject().put("dataset_id", id));

    assertThat(report.getString("time_column")).isEqualTo("day");
    JsonObject t = trend(report, "linear_trend", "sales");
    assertThat(t.getDouble("slope")).isCloseTo(0.3, within(0.01));
    assertThat(t.getString("slope_unit")).isEqualTo("per_day");
    assertThat(t.getBoolean("significant")).isTrue();
    assertThat(t.getDouble("p_value")).isLessThan(1e-6);
    assertThat(t.getDouble("r2")).isGreaterThan(0.8);
    assertThat(t.getLong("n")).isEqualTo(3000);
    assertThat(t.getString("direction")).isEqualTo("increasing");
    assertThat(t.getJsonObject("mann_kendall").getString("direction")).isEqualTo("increasing");
    assertThat(list(report, "trends").get(0).getString("type")).isEqualTo("linear_trend");
    assertThat(list(report, "anomalies")).noneMatch(a -> "level_shift".equals(a.getString("method")));
    assertThat(list(report, "recommendations")).anyMatch(r -> "partition".equals(r.getString("type"))
      && "day".equals(r.getString("column")));
  }

  @Test
  @DisplayName("a planted level shift is found at about its time and with about its size")
  void plantedLevelShift() throws IOException {
    Random rnd = new Random(7);
    StringBuilder csv = new StringBuilder("at,load\n");
    Instant start = Instant.parse("2024-03-01T00:00:00Z");
    for (int i = 0; i < 2400; i++) {
      double v = 20 + rnd.nextGaussian() + (i >= 1500 ? 5 : 0);
      csv.append(start.plus(i, ChronoUnit.HOURS).toString().replace("T", " ").replace("Z", "")).append(',')
        .append(String.format(java.util.Locale.ROOT, "%.4f", v)).append('\n');
    }
    String id = upload("shift", csv.toString());
    JsonObject report = generate(user, new JsonObject().put("dataset_id", id).put("time_column", "at"));

    JsonObject shift = list(report, "anomalies").stream().filter(a -> "level_shift".equals(a.getString("method")))
      .findFirst().orElseThrow(() -> new AssertionError(report.encodePrettily()));
    Instant planted = start.plus(1500, ChronoUnit.HOURS);
    assertThat(shift.getString("column")).isEqualTo("load");
    assertThat(Math.abs(ChronoUnit.HOURS.between(planted, Instant.parse(shift.getString("time"))))).isLessThanOrEqualTo(30);
    assertThat(shift.getDouble("magnitude")).isCloseTo(5, within(0.5));
    assertThat(shift.getString("direction")).isEqualTo("above");
    assertThat(shift.getString("severity")).isEqualTo("high");
    assertThat(shift.getLong("row_ref")).isBetween(1470L, 1530L);
    JsonObject t = trend(report, "level_shift", "load");
    assertThat(t.getDouble("p_value")).isLessThan(0.001);
    assertThat(t.getLong("n")).isEqualTo(2400);
  }

  @Test
  @DisplayName("on pure noise no trend is significant and no level shift is reported")
  void pureNoise() throws IOException {
    Random rnd = new Random(3);
    StringBuilder csv = new StringBuilder("ts,a,b,kind\n");
    Instant start = Instant.parse("2024-01-01T00:00:00Z");
    for (int i = 0; i < 5000; i++) {
      csv.append(start.plus(i * 37L, ChronoUnit.MINUTES).toString().replace("T", " ").replace("Z", "")).append(',')
        .append(String.format(java.util.Locale.ROOT, "%.4f,%.4f", rnd.nextGaussian(), 10 + rnd.nextGaussian() * 3))
        .append(',').append("xyz".charAt(rnd.nextInt(3))).append('\n');
    }
    String id = upload("noise", csv.toString());
    JsonObject report = generate(user, new JsonObject().put("dataset_id", id));

    assertThat(report.getString("time_column")).isEqualTo("ts");
    assertThat(report.getJsonArray("trends").size()).isGreaterThanOrEqualTo(3);
    assertThat(list(report, "trends")).extracting(t -> t.getString("type")).contains("linear_trend", "seasonality");
    assertThat(list(report, "trends")).as(report.getJsonArray("trends").encodePrettily())
      .noneMatch(t -> Boolean.TRUE.equals(t.getBoolean("significant")));
    assertThat(list(report, "anomalies")).noneMatch(a -> "level_shift".equals(a.getString("method")));
    assertThat(list(report, "trends")).extracting(t -> t.getString("type")).contains("distribution_shift");
  }

  @Test
  @DisplayName("without a time column, a category whose mean is 3 SD higher is found as a shift in distribution")
  void plantedShiftAcrossCategories() throws IOException {
    Random rnd = new Random(5);
    StringBuilder csv = new StringBuilder("region,amount,other\n");
    String[] regions = {"north", "south", "east", "west", "centre"};
    for (int i = 0; i < 4000; i++) {
      String region = regions[i % regions.length];
      double amount = 100 + 10 * rnd.nextGaussian() + ("east".equals(region) ? 30 : 0);
      csv.append(region).append(',').append(String.format(java.util.Locale.ROOT, "%.4f,%.4f", amount,
        rnd.nextGaussian())).append('\n');
    }
    JsonObject report = generate(user, new JsonObject().put("dataset_id", upload("regions", csv.toString())));
    assertThat(report.getString("time_column")).isNull();
    JsonObject shift = trend(report, "distribution_shift", "amount");
    assertThat(shift.getBoolean("significant")).as(shift.encode()).isTrue();
    assertThat(shift.getString("by")).isEqualTo("region");
    assertThat(shift.getString("test")).isEqualTo("kruskal_wallis");
    assertThat(shift.getString("category")).isEqualTo("east");
    assertThat(shift.getString("direction")).isEqualTo("higher");
    assertThat(shift.getDouble("shift_sd")).isBetween(2.7, 3.3);
    assertThat(shift.getDouble("p_value")).isLessThan(1e-6);
    assertThat(shift.getInteger("df")).isEqualTo(4);
    assertThat(shift.getLong("n")).isEqualTo(4000L);
    assertThat(shift.getDouble("effect_size")).isGreaterThan(0.3);
    JsonObject none = trend(report, "distribution_shift", "other");
    assertThat(none.getBoolean("significant")).as(none.encode()).isFalse();
  }

  /** Uniform noise (no value beyond 3.5 robust z) with one planted outlier: exactly one anomaly. */
  private static String oneOutlier(String name) throws IOException {
    Random rnd = new Random(name.hashCode());
    StringBuilder csv = new StringBuilder("x,y\n");
    for (int i = 0; i < 500; i++) {
      csv.append(i == 250 ? 99.5 : rnd.nextDouble()).append(',').append(rnd.nextDouble()).append('\n');
    }
    return upload(name, csv.toString());
  }

  @Test
  @DisplayName("with a model, it writes the summary and the anomaly sentence from the computed figures; the report is cached")
  void llmNarrates() throws IOException {
    String id = oneOutlier("narrated");
    TestApp.get().llm.replies.add("Here you are: {\"summary\": \"One value of x stands out.\", "
      + "\"anomalies\": [\"x = 99.5 at row 250 is far above the rest.\"]}");
    JsonObject report = generate(user, new JsonObject().put("dataset_id", id));

    assertThat(report.getString("summary_source")).isEqualTo("llm");
    assertThat(report.getString("summary")).isEqualTo("One value of x stands out.");
    assertThat(report.getJsonArray("anomalies")).hasSize(1);
    JsonObject a = report.getJsonArray("anomalies").getJsonObject(0);
    assertThat(a.getLong("row_ref")).isEqualTo(250);
    assertThat(a.getString("explanation")).isEqualTo("x = 99.5 at row 250 is far above the rest.");
    assertThat(TestApp.get().llm.requests).hasSize(1);
    JsonArray messages = TestApp.get().llm.requests.get(0).getJsonArray("messages");
    assertThat(messages.getJsonObject(0).getString("content")).contains("Use only the figures given");
    assertThat(messages.getJsonObject(1).getString("content")).contains("99.5").contains("robust_z");
    assertThat(report.getBoolean("cached")).isFalse();

    JsonObject again = generate(user, new JsonObject().put("dataset_id", id));
    assertThat(again.getBoolean("cached")).isTrue();
    assertThat(again.getString("generated_at")).isEqualTo(report.getString("generated_at"));
    assertThat(again.getString("summary")).isEqualTo("One value of x stands out.");
    assertThat(TestApp.get().llm.requests).hasSize(1);
    JsonObject other = generate(user, new JsonObject().put("dataset_id", id).put("columns", new JsonArray().add("y")));
    assertThat(other.getBoolean("cached")).isFalse();
    assertThat(other.getJsonArray("columns_analyzed")).containsExactly("y");
    assertThat(other.getJsonArray("anomalies")).isEmpty();
  }

  @Test
  @DisplayName("when the model fails or answers something else, templates stand in and the request succeeds")
  void llmFailure() throws IOException {
    String id = oneOutlier("unnarrated");
    TestApp.get().llm.replies.add("<fail>");
    JsonObject report = generate(user, new JsonObject().put("dataset_id", id));
    assertThat(TestApp.get().llm.requests).hasSize(1);
    assertThat(report.getString("summary_source")).isEqualTo("template");
    assertThat(report.getString("summary")).contains("500 rows").contains("1 anomalies");
    assertThat(report.getJsonArray("anomalies").getJsonObject(0).getString("explanation"))
      .startsWith("x = 99.5 at row 250 is above the expected range [").contains("robust z = ");
    assertThat(report.getBoolean("cached")).isFalse();

    TestApp.get().llm.replies.add("I cannot answer in JSON today.");
    JsonObject second = generate(user, new JsonObject().put("dataset_id", id));
    assertThat(second.getBoolean("cached")).as("a report without the model's prose is not cached").isFalse();
    assertThat(second.getString("summary_source")).isEqualTo("template");
    assertThat(TestApp.get().llm.requests).hasSize(2);
  }

  @Test
  @DisplayName("another user's dataset answers 404; a bad id, an unknown column or a non-temporal time column 400")
  void refusals() throws IOException {
    String id = oneOutlier("refused");
    Api stranger = Api.newUser("analyst");
    Api.error(stranger.post("/api/v1/insights/generate", new JsonObject().put("dataset_id", id)), 404, "NOT_FOUND");
    Api.error(user.post("/api/v1/insights/generate", new JsonObject()
      .put("dataset_id", java.util.UUID.randomUUID().toString())), 404, "NOT_FOUND");
    Api.error(user.post("/api/v1/insights/generate", new JsonObject().put("dataset_id", "not-an-id")), 400,
      "VALIDATION_FAILED");
    Api.error(user.post("/api/v1/insights/generate", new JsonObject()), 400, "VALIDATION_FAILED");
    JsonObject unknown = Api.error(user.post("/api/v1/insights/generate", new JsonObject().put("dataset_id", id)
      .put("columns", new JsonArray().add("x").add("nope"))), 400, "BAD_REQUEST");
    assertThat(unknown.getString("message")).contains("nope");
    JsonObject notTime = Api.error(user.post("/api/v1/insights/generate", new JsonObject().put("dataset_id", id)
      .put("time_column", "x")), 400, "BAD_REQUEST");
    assertThat(notTime.getString("message")).contains("x").contains("DOUBLE");
  }

  @Test
  @DisplayName("a stream gets insights over its current version, across its part files")
  void stream() {
    String topic = "insights-" + java.util.UUID.randomUUID();
    HttpResponse<Buffer> created = user.post("/api/v1/streams", new JsonObject().put("name", "meter").put("topic", topic));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("dataset_id");
    java.util.function.IntFunction<String> record = i -> new JsonObject().put("id", i)
      .put("v", i == 300 ? 1000.0 : ((i * 7919) % 1000) / 1000.0).encode();
    io.tributary.support.Kafka.produce(topic, 0, 300, record);
    awaitRows("meter", 300);
    io.tributary.support.Kafka.produce(topic, 300, 300, record);
    awaitRows("meter", 600);

    JsonObject dataset = user.get("/api/v1/data/datasets/" + id).bodyAsJsonObject();
    JsonObject report = generate(user, new JsonObject().put("dataset_id", id).put("columns", new JsonArray().add("v")));
    assertThat(report.getLong("row_count")).isEqualTo(600);
    assertThat(report.getInteger("version")).isEqualTo(dataset.getInteger("version")).isGreaterThanOrEqualTo(2);
    JsonObject a = report.getJsonArray("anomalies").getJsonObject(0);
    assertThat(a.getString("column")).isEqualTo("v");
    assertThat(a.getDouble("value")).isEqualTo(1000.0);
    assertThat(a.getString("direction")).isEqualTo("above");
    assertThat(a.getLong("row_ref")).isBetween(0L, 599L);
  }

  private static void awaitRows(String stream, long rows) {
    long deadline = System.currentTimeMillis() + 120_000;
    while (user.get("/api/v1/streams/" + stream).bodyAsJsonObject().getLong("records_ingested", 0L) < rows) {
      assertThat(System.currentTimeMillis()).as("stream " + stream + " reaches " + rows + " rows").isLessThan(deadline);
      Api.sleep(200);
    }
  }
}
