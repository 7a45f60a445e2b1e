package io.tributary.ml;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The AutoML search, on planted data read from Parquet")
class TrainerTest {

  @TempDir
  Path dir;

  static TrainSpec spec(String target, boolean classification) {
    return TrainSpec.of(new JsonObject().put("target_column", target)
      .put("problem_type", classification ? "classification" : "regression"), new JsonObject().put("threads", 2));
  }

  Path parquet(String name, String select) throws Exception {
    Path file = dir.resolve(name + ".parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SELECT setseed(0.5)");
      s.execute("COPY (" + select + ") TO '" + file + "' (FORMAT parquet)");
    }
    return file;
  }

  TrainingData read(Path file, TrainSpec spec) {
    return new DatasetReader("512MB").read(List.of(file.toString()), spec, Stop.never());
  }

  @Test
  @DisplayName("trees learn an interaction the logistic baseline cannot, with dates, categories and nulls about")
  void classification() throws Exception {
    Path file = parquet("xor", "SELECT x1, x2, CASE WHEN i % 10 = 0 THEN NULL ELSE x3 END AS x3, city, "
      + "DATE '2024-01-01' + CAST(i % 365 AS INTEGER) AS day, CASE WHEN x1 * x2 > 0 THEN 'yes' ELSE 'no' END AS label "
      + "FROM (SELECT i, random() * 2 - 1 AS x1, random() * 2 - 1 AS x2, random() AS x3, "
      + "['a', 'b', 'c'][1 + i % 3] AS city FROM range(4000) t(i))");
    TrainingData data = read(file, spec("label", true));
    assertThat(data.schema().classes()).containsExactly("no", "yes");
    assertThat(data.width()).isEqualTo(3 + 3 + 4);
    Trainer.Result result = Trainer.train(data, spec("label", true), Stop.never(), p -> { });
    System.out.println(result.metrics().encodePrettily() + result.candidates().encodePrettily());
    assertThat(result.model().kind()).isEqualTo("xgboost");
    assertThat(result.metrics().getDouble("accuracy")).isGreaterThan(0.9);
    assertThat(result.metrics().getJsonObject("baseline").getDouble("accuracy")).isLessThan(0.7);
  }

  @Test
  @DisplayName("a regression on y = 3x + noise has an RMSE close to the noise")
  void regression() throws Exception {
    Path file = parquet("line", "SELECT x, 3 * x + sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS y "
      + "FROM (SELECT random() * 10 AS x FROM range(5000))");
    Trainer.Result result = Trainer.train(read(file, spec("y", false)), spec("y", false), Stop.never(), p -> { });
    System.out.println(result.metrics().encodePrettily() + result.candidates().encodePrettily());
    assertThat(result.metrics().getDouble("rmse")).isBetween(0.85, 1.15);
    assertThat(result.metrics().getDouble("r2")).isGreaterThan(0.95);
  }

  @Test
  @DisplayName("candidates are chosen by 5-fold cross-validation, reported as mean and sd, then refit; big data uses the holdout")
  void crossValidation() throws Exception {
    Path file = parquet("cv", "SELECT x, 3 * x + sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS y "
      + "FROM (SELECT random() * 10 AS x FROM range(3000))");
    TrainSpec spec = spec("y", false);
    Trainer.Result cv = Trainer.train(read(file, spec), spec, Stop.never(), p -> { });
    JsonObject summary = cv.metrics().getJsonObject("cv");
    assertThat(cv.params().getString("selection")).isEqualTo("5-fold cross-validation");
    assertThat(summary.getInteger("folds")).isEqualTo(5);
    assertThat(summary.getString("metric")).isEqualTo("rmse");
    assertThat(summary.getDouble("mean")).isBetween(0.85, 1.15);
    assertThat(summary.getDouble("sd")).isPositive().isLessThan(0.2);
    assertThat(cv.metrics().getDouble("rmse")).as("holdout, after the refit").isBetween(0.85, 1.15);
    assertThat(cv.candidates()).hasSize(5);
    assertThat(cv.candidates().getJsonObject(1).getJsonObject("params").getJsonArray("fold_rounds")).hasSize(5);
    assertThat(cv.candidates().getJsonObject(1).getDouble("cv_rmse_mean")).isPositive();

    TrainSpec big = TrainSpec.of(new JsonObject().put("target_column", "y").put("problem_type", "regression"),
      new JsonObject().put("threads", 2).put("cv_max_rows", 1000));
    Trainer.Result holdout = Trainer.train(read(file, big), big, Stop.never(), p -> { });
    assertThat(holdout.params().getString("selection")).isEqualTo("holdout");
    assertThat(holdout.metrics().containsKey("cv")).isFalse();
    assertThat(holdout.metrics().getDouble("rmse")).isBetween(0.85, 1.15);
  }

  @Test
  @DisplayName("one class only, or a text target for regression, fail with the reason")
  void badTargets() throws Exception {
    Path file = parquet("one", "SELECT i AS x, 'same' AS label FROM range(100) t(i)");
    assertThatThrownBy(() -> read(file, spec("label", true))).isInstanceOf(TrainingFailed.class)
      .hasMessageContaining("only one class");
    assertThatThrownBy(() -> read(file, spec("label", false))).isInstanceOf(TrainingFailed.class)
      .hasMessageContaining("regression needs a numeric target");
  }
}
