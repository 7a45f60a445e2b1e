package io.tributary.ml;

import io.tributary.db.Database;
import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.Duck;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("AutoML: train on a dataset, register the model, predict with it")
class MlTest {

  @TempDir
  static Path dir;
  static Api analyst;
  static String xorDataset;
  static String lineDataset;

  /** label = yes when x1 * x2 > 0: an interaction no linear model can draw. */
  static Path xorCsv(int rows, String name) throws Exception {
    Random random = new Random(7);
    StringBuilder csv = new StringBuilder("x1,x2,city,day,label\n");
    for (int i = 0; i < rows; i++) {
      double x1 = random.nextDouble() * 2 - 1;
      double x2 = random.nextDouble() * 2 - 1;
      csv.append(x1).append(',').append(x2).append(',').append("abc".charAt(i % 3)).append(',')
        .append(LocalDate.of(2024, 1, 1).plusDays(i % 365)).append(',').append(x1 * x2 > 0 ? "yes" : "no").append('\n');
    }
    Path file = dir.resolve(name + ".csv");
    Files.writeString(file, csv);
    return file;
  }

  @BeforeAll
  static void datasets() throws Exception {
    TestApp.get();
    analyst = Api.newUser("analyst", "premium");
    xorDataset = analyst.uploadAndWait(xorCsv(3000, "xor"), Map.of()).getString("dataset_id");
    Random random = new Random(11);
    StringBuilder line = new StringBuilder("x,y,note\n");
    for (int i = 0; i < 3000; i++) {
      double x = random.nextDouble() * 10;
      line.append(x).append(',').append(3 * x + random.nextGaussian()).append(",n").append(i % 7).append('\n');
    }
    Path lineCsv = dir.resolve("line.csv");
    Files.writeString(lineCsv, line);
    lineDataset = analyst.uploadAndWait(lineCsv, Map.of()).getString("dataset_id");
  }

  static JsonObject train(Api api, JsonObject body) {
    HttpResponse<Buffer> r = api.post("/api/v1/ml/train", body);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    return r.bodyAsJsonObject();
  }

  /** Trains and waits for the job; answers the run. */
  static JsonObject trainAndWait(JsonObject body) {
    JsonObject accepted = train(analyst, body);
    JsonObject job = analyst.awaitJob(accepted.getString("job_id"));
    JsonObject run = analyst.get("/api/v1/ml/runs/" + accepted.getString("run_id")).bodyAsJsonObject();
    assertThat(run.getString("run_id")).isEqualTo(accepted.getString("run_id"));
    return run.put("job", job);
  }

  static JsonObject predict(JsonObject body, int status) {
    HttpResponse<Buffer> r = analyst.post("/api/v1/ml/predict", body);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    return r.bodyAsJsonObject();
  }

  @Test
  @DisplayName("a planted interaction is learnt above 90% accuracy, beats the baseline, and is registered")
  void classification() throws Exception {
    JsonObject run = trainAndWait(new JsonObject().put("dataset_id", xorDataset).put("target_column", "label")
      .put("problem_type", "classification").put("features", new JsonArray().add("x1").add("x2").add("city").add("day")));
    assertThat(run.getJsonObject("job").getString("status")).as(run.encode()).isEqualTo("completed");
    assertThat(run.getString("status")).isEqualTo("finished");
    JsonObject metrics = run.getJsonObject("metrics");
    assertThat(metrics.getDouble("accuracy")).isGreaterThan(0.9);
    assertThat(metrics.getDouble("auc")).isGreaterThan(0.95);
    assertThat(metrics.getJsonObject("baseline").getDouble("accuracy")).isLessThan(0.7);
    assertThat(metrics.getJsonObject("confusion_matrix").getJsonArray("labels")).containsExactly("no", "yes");
    assertThat(run.getJsonObject("params").getString("model_type")).isEqualTo("xgboost");
    assertThat(run.getDouble("training_time_seconds")).isPositive();
    assertThat(run.getString("dataset_id")).isEqualTo(xorDataset);
    assertThat(run.getInteger("dataset_version")).isEqualTo(1);
    assertThat(run.getJsonArray("candidates")).hasSize(5);

    String modelId = run.getString("model_id");
    JsonObject model = analyst.get("/api/v1/ml/models/" + modelId).bodyAsJsonObject();
    assertThat(model.getInteger("latest_version")).isEqualTo(1);
    assertThat(model.getJsonObject("aliases").getInteger("champion")).isEqualTo(1);
    JsonObject version = model.getJsonArray("versions").getJsonObject(0);
    assertThat(version.getString("run_id")).isEqualTo(run.getString("run_id"));
    assertThat(version.getJsonObject("metrics").getDouble("accuracy")).isEqualTo(metrics.getDouble("accuracy"));
    assertThat(analyst.get("/api/v1/ml/models").bodyAsJsonObject().getJsonArray("items").stream()
      .map(m -> ((JsonObject) m).getString("model_id"))).contains(modelId);

    // the same row scored by XGBoost directly, from the stored model file
    Booster booster = XGBoost.loadModel(Files.readAllBytes(modelFile(modelId)));
    float[] encoded = {0.5f, 0.6f, 0, 1, 0, 2024, 3, 15, 5}; // x1, x2, city=b one-hot, 2024-03-15 (a Friday: 5)
    float expected = booster.inplace_predict(encoded, 1, encoded.length, Float.NaN)[0][0];
    booster.dispose();
    JsonObject row = new JsonObject().put("x1", 0.5).put("x2", 0.6).put("city", "b").put("day", "2024-03-15");
    JsonObject one = predict(new JsonObject().put("model_id", modelId).put("features", row), 200);
    assertThat(one.getString("prediction")).isEqualTo("yes");
    assertThat(one.getJsonObject("probabilities").getDouble("yes")).isCloseTo(expected, within(1e-6));
    assertThat(one.getDouble("confidence")).isCloseTo(expected, within(1e-6));
    JsonObject many = predict(new JsonObject().put("model_id", modelId).put("rows", new JsonArray().add(row)
      .add(row.copy().put("x2", -0.6)).add(row.copy().put("x1", -0.5).put("x2", -0.6))), 200);
    assertThat(many.getJsonArray("predictions").stream().map(p -> ((JsonObject) p).getString("prediction")))
      .containsExactly("yes", "no", "yes");

    String missing = Api.error(analyst.post("/api/v1/ml/predict", new JsonObject().put("model_id", modelId)
      .put("features", row.copy().put("x1", (Object) null).put("x2", 1).put("city", 3))), 400, "VALIDATION_FAILED")
      .getString("message");
    assertThat(missing).contains("'city'");
    row.remove("x2");
    assertThat(Api.error(analyst.post("/api/v1/ml/predict", new JsonObject().put("model_id", modelId)
      .put("features", row)), 400, "VALIDATION_FAILED").getString("message")).contains("'x2' is missing");

    Api other = Api.newUser("analyst");
    Api.error(other.get("/api/v1/ml/runs/" + run.getString("run_id")), 404, "NOT_FOUND");
    Api.error(other.get("/api/v1/ml/models/" + modelId), 404, "NOT_FOUND");
    Api.error(other.post("/api/v1/ml/predict", new JsonObject().put("model_id", modelId)
      .put("features", new JsonObject())), 404, "NOT_FOUND");
    assertThat(other.get("/api/v1/ml/models").bodyAsJsonObject().getJsonArray("items")).isEmpty();
  }

  @Test
  @DisplayName("predict requests that arrive together are answered each exactly as alone, a bad one failing alone")
  void predictionsTogether() {
    JsonObject run = trainAndWait(new JsonObject().put("dataset_id", xorDataset).put("target_column", "label")
      .put("problem_type", "classification").put("model_name", "xor-together")
      .put("features", new JsonArray().add("x1").add("x2").add("city").add("day")));
    String modelId = run.getString("model_id");
    Random random = new Random(3);
    java.util.List<JsonObject> bodies = new java.util.ArrayList<>();
    for (int i = 0; i < 120; i++) {
      JsonObject row = new JsonObject().put("x1", random.nextDouble() * 2 - 1).put("x2", random.nextDouble() * 2 - 1)
        .put("city", "abc".substring(i % 3, i % 3 + 1)).put("day", "2024-03-" + (10 + i % 15));
      if (i % 10 == 7) {
        row.remove("x2");
      }
      bodies.add(i % 4 == 0 ? new JsonObject().put("model_id", modelId).put("rows", new JsonArray().add(row)
        .add(row.copy().put("x1", -0.5))) : new JsonObject().put("model_id", modelId).put("features", row));
    }
    java.util.List<String> alone = bodies.stream().map(b -> outcome(analyst.post("/api/v1/ml/predict", b))).toList();
    assertThat(alone).filteredOn(o -> o.startsWith("200 ")).hasSize(108);
    io.vertx.ext.web.client.WebClient client = io.vertx.ext.web.client.WebClient.create(TestApp.get().vertx,
      new io.vertx.ext.web.client.WebClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32));
    try {
      var together = bodies.stream().map(b -> client.post(TestApp.get().port, "127.0.0.1", "/api/v1/ml/predict")
        .bearerTokenAuthentication(analyst.token()).sendJsonObject(b)).toList();
      for (int i = 0; i < bodies.size(); i++) {
        assertThat(outcome(Await.result(together.get(i)))).as("request %d", i).isEqualTo(alone.get(i));
      }
    } finally {
      client.close();
    }
  }

  /** A predict reply as status and body, or, for an error, status, code and message (its request id differs). */
  private static String outcome(HttpResponse<Buffer> r) {
    JsonObject error = r.statusCode() == 200 ? null : r.bodyAsJsonObject().getJsonObject("error");
    return r.statusCode() + " " + (error == null ? r.bodyAsString()
      : error.getString("code") + " " + error.getString("message"));
  }

  static Path modelFile(String modelId) {
    var pool = Database.pool(TestApp.get().vertx, TestApp.get().config().getJsonObject("postgres"));
    String relative = Await.result(pool.preparedQuery("SELECT file_path FROM ml_model_versions WHERE model_id = $1")
      .execute(Tuple.of(UUID.fromString(modelId)))).iterator().next().getString("file_path");
    return Path.of(TestApp.get().config().getString("data_dir")).resolve(relative);
  }

  @Test
  @DisplayName("a regression on y = 3x + noise has an RMSE close to the noise, and predicts 3x")
  void regression() {
    JsonObject run = trainAndWait(new JsonObject().put("dataset_id", lineDataset).put("target_column", "y")
      .put("problem_type", "regression").put("model_name", "line"));
    assertThat(run.getString("status")).as(run.encode()).isEqualTo("finished");
    assertThat(run.getJsonObject("metrics").getDouble("rmse")).isBetween(0.85, 1.15);
    assertThat(run.getJsonObject("metrics").getDouble("r2")).isGreaterThan(0.95);
    assertThat(run.getJsonObject("metrics").getJsonObject("baseline").getDouble("rmse")).isBetween(0.85, 1.15);
    JsonObject p = predict(new JsonObject().put("model_id", run.getString("model_id"))
      .put("features", new JsonObject().put("x", 2.0).put("note", "n3")), 200);
    assertThat(p.getDouble("prediction")).isCloseTo(6.0, within(0.3));
    assertThat(p.containsKey("confidence")).isFalse();

    JsonObject again = trainAndWait(new JsonObject().put("dataset_id", lineDataset).put("target_column", "y")
      .put("problem_type", "regression").put("model_name", "line"));
    assertThat(again.getString("model_id")).isEqualTo(run.getString("model_id"));
    assertThat(again.getInteger("model_version")).isEqualTo(2);
    String modelId = run.getString("model_id");
    assertThat(analyst.get("/api/v1/ml/models/" + modelId).bodyAsJsonObject().getJsonObject("aliases")
      .getInteger("champion")).as("as good on holdout: the champion moves").isEqualTo(2);
    HttpResponse<Buffer> set = Api.send(analyst.request(io.vertx.core.http.HttpMethod.PUT, "/api/v1/ml/models/"
      + modelId + "/aliases/champion").sendJsonObject(new JsonObject().put("version", 1)));
    assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(200);
    JsonObject x2 = new JsonObject().put("x", 2.0).put("note", "n3");
    assertThat(predict(new JsonObject().put("model_id", modelId).put("features", x2), 200).getInteger("version"))
      .isEqualTo(1);
    assertThat(predict(new JsonObject().put("model_id", modelId).put("version", 2).put("features", x2), 200)
      .getInteger("version")).isEqualTo(2);
    Api.error(analyst.post("/api/v1/ml/predict", new JsonObject().put("model_id", modelId).put("version", 9)
      .put("features", x2)), 404, "NOT_FOUND");
    Api.error(Api.send(Api.newUser("analyst").request(io.vertx.core.http.HttpMethod.PUT, "/api/v1/ml/models/"
      + modelId + "/aliases/champion").sendJsonObject(new JsonObject().put("version", 2))), 404, "NOT_FOUND");
    Api.error(analyst.post("/api/v1/ml/train", new JsonObject().put("dataset_id", lineDataset).put("target_column", "x")
      .put("problem_type", "regression").put("model_name", "line")), 409, "CONFLICT");
  }

  @Test
  @DisplayName("a bad target fails the run with the reason; an unknown column is refused at once")
  void badTargets() {
    JsonObject text = trainAndWait(new JsonObject().put("dataset_id", lineDataset).put("target_column", "note")
      .put("problem_type", "regression"));
    assertThat(text.getString("status")).isEqualTo("failed");
    assertThat(text.getString("error")).contains("regression needs a numeric target");
    assertThat(text.getJsonObject("job").getString("status")).isEqualTo("failed");
    assertThat(text.getJsonObject("job").getString("error")).isEqualTo(text.getString("error"));
    assertThat(text.getValue("model_id")).isNull();

    JsonObject tooMany = trainAndWait(new JsonObject().put("dataset_id", lineDataset).put("target_column", "x")
      .put("problem_type", "classification"));
    assertThat(tooMany.getString("error")).contains("classification allows at most 50");

    Api.error(analyst.post("/api/v1/ml/train", new JsonObject().put("dataset_id", lineDataset)
      .put("target_column", "nope").put("problem_type", "regression")), 400, "VALIDATION_FAILED");
  }

  @Test
  @DisplayName("a run past its time budget, or cancelled, fails with the reason and registers nothing")
  void timeoutAndCancel() {
    JsonObject late = trainAndWait(new JsonObject().put("dataset_id", xorDataset).put("target_column", "label")
      .put("problem_type", "classification").put("time_budget_s", 0.001));
    assertThat(late.getString("status")).isEqualTo("failed");
    assertThat(late.getString("error")).contains("time budget of 0.001 s");
    assertThat(late.getJsonObject("job").getString("error")).isEqualTo(late.getString("error"));

    JsonObject accepted = train(analyst, new JsonObject().put("dataset_id", xorDataset).put("target_column", "label")
      .put("problem_type", "classification").put("model_name", "cancelled"));
    HttpResponse<Buffer> r = analyst.post("/api/v1/ml/runs/" + accepted.getString("run_id") + "/cancel", new JsonObject());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("failed");
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("Cancelled by its owner");
    JsonObject job = analyst.awaitJob(accepted.getString("job_id"));
    assertThat(job.getString("status")).isEqualTo("failed");
    assertThat(job.getString("error")).isEqualTo("Cancelled by its owner");
    Api.sleep(3000); // the trainer stops within a round and must not register a model meanwhile
    JsonObject run = analyst.get("/api/v1/ml/runs/" + accepted.getString("run_id")).bodyAsJsonObject();
    assertThat(run.getString("status")).isEqualTo("failed");
    assertThat(run.getValue("model_id")).isNull();
    Api.error(analyst.post("/api/v1/ml/runs/" + accepted.getString("run_id") + "/cancel", new JsonObject()),
      409, "CONFLICT");
  }
  @Test
  @DisplayName("a dataset scored in batch holds every row with the prediction single-row predict gives; a deleted model predicts no more")
  void batchScoring() throws Exception {
    JsonObject run = trainAndWait(new JsonObject().put("dataset_id", xorDataset).put("target_column", "label")
      .put("problem_type", "classification").put("model_name", "xor-batch"));
    assertThat(run.getString("status")).as(run.encode()).isEqualTo("finished");
    String modelId = run.getString("model_id");
    HttpResponse<Buffer> r = analyst.post("/api/v1/ml/models/" + modelId + "/score",
      new JsonObject().put("dataset_id", xorDataset).put("name", "xor_scored"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    JsonObject accepted = r.bodyAsJsonObject();
    assertThat(accepted.getInteger("model_version")).isEqualTo(1);
    JsonObject job = analyst.awaitJob(accepted.getString("job_id"));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");

    String scoredId = accepted.getString("dataset_id");
    JsonObject scored = analyst.get("/api/v1/data/datasets/" + scoredId).bodyAsJsonObject();
    assertThat(scored.getString("status")).as(scored.encode()).isEqualTo("ready");
    assertThat(scored.getLong("row_count")).isEqualTo(3000L);
    var pool = Database.pool(TestApp.get().vertx, TestApp.get().config().getJsonObject("postgres"));
    var row = Await.result(pool.preparedQuery("SELECT d.file_path, p.profile FROM datasets d JOIN profiles p "
      + "ON p.dataset_id = d.id WHERE d.id = $1").execute(Tuple.of(UUID.fromString(scoredId)))).iterator().next();
    assertThat(((JsonObject) row.getValue("profile")).getLong("row_count")).isEqualTo(3000L);
    Path file = Path.of(TestApp.get().config().getString("data_dir")).resolve(row.getString("file_path"));
    var sample = Duck.rows("SELECT x1, x2, city, CAST(day AS VARCHAR) AS day, prediction, confidence, probability_no, "
      + "probability_yes FROM read_parquet(" + Duck.lit(file) + ") USING SAMPLE 25 ROWS");
    assertThat(Duck.value("SELECT count(*) FROM read_parquet(" + Duck.lit(file) + ")")).isEqualTo(3000L);
    JsonArray rows = new JsonArray();
    sample.forEach(s -> rows.add(new JsonObject().put("x1", s.get("x1")).put("x2", s.get("x2")).put("city", s.get("city"))
      .put("day", s.get("day"))));
    JsonArray online = predict(new JsonObject().put("model_id", modelId).put("rows", rows), 200).getJsonArray("predictions");
    for (int i = 0; i < sample.size(); i++) {
      JsonObject p = online.getJsonObject(i);
      assertThat(sample.get(i).get("prediction")).isEqualTo(p.getString("prediction"));
      assertThat((Double) sample.get(i).get("confidence")).isCloseTo(p.getDouble("confidence"), within(1e-6));
      assertThat((Double) sample.get(i).get("probability_yes"))
        .isCloseTo(p.getJsonObject("probabilities").getDouble("yes"), within(1e-6));
    }

    JsonObject misfit = Api.error(analyst.post("/api/v1/ml/models/" + modelId + "/score",
      new JsonObject().put("dataset_id", lineDataset).put("name", "line_scored")), 400, "VALIDATION_FAILED");
    assertThat(misfit.getString("message")).contains("'x1' is missing");
    Api.error(analyst.post("/api/v1/ml/models/" + modelId + "/score",
      new JsonObject().put("dataset_id", xorDataset).put("name", "xor_scored")), 409, "DATASET_EXISTS");
    Api other = Api.newUser("analyst");
    Api.error(other.post("/api/v1/ml/models/" + modelId + "/score",
      new JsonObject().put("dataset_id", xorDataset).put("name", "mine")), 404, "NOT_FOUND");
    Api.error(analyst.post("/api/v1/ml/models/" + UUID.randomUUID() + "/score",
      new JsonObject().put("dataset_id", xorDataset).put("name", "nobody")), 404, "NOT_FOUND");
    String foreignDataset = other.uploadAndWait(xorCsv(50, "foreign"), Map.of()).getString("dataset_id");
    Api.error(analyst.post("/api/v1/ml/models/" + modelId + "/score",
      new JsonObject().put("dataset_id", foreignDataset).put("name", "theirs")), 404, "NOT_FOUND");

    Api.error(other.delete("/api/v1/ml/models/" + modelId), 404, "NOT_FOUND");
    assertThat(analyst.delete("/api/v1/ml/models/" + modelId).statusCode()).isEqualTo(204);
    Api.error(analyst.get("/api/v1/ml/models/" + modelId), 404, "NOT_FOUND");
    Api.error(analyst.post("/api/v1/ml/predict", new JsonObject().put("model_id", modelId).put("features",
      rows.getJsonObject(0))), 404, "NOT_FOUND");
    assertThat(analyst.get("/api/v1/ml/runs/" + run.getString("run_id")).bodyAsJsonObject().getValue("model_id"))
      .as("the run stays, without its model").isNull();
  }
}
