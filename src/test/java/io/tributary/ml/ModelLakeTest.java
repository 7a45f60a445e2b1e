package io.tributary.ml;

import io.tributary.lake.S3Lake;
import io.tributary.support.S3Proxy;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("Model files in an S3 lake (s3proxy as its own process)")
class ModelLakeTest {

  private static final String BUCKET = "model-lake-test";

  @Test
  @DisplayName("a model trained with an s3 lake predicts on another node, and after its local file is deleted")
  void modelFromTheBucket() throws Exception {
    Path root = Path.of("target", "s3-model-test-" + UUID.randomUUID()).toAbsolutePath();
    try (S3Proxy s3 = new S3Proxy(root.resolve("s3"), BUCKET).start()) {
      JsonObject cfg = new JsonObject().put("url", "s3://" + BUCKET + "/models-" + UUID.randomUUID())
        .put("endpoint", s3.endpoint()).put("region", "us-east-1").put("access_key", "test").put("secret_key", "test")
        .put("path_style", true).put("cache_max_bytes", 1L << 30).put("retry_ms", 30_000);
      Path trainer = Files.createDirectories(root.resolve("trainer"));
      Path other = Files.createDirectories(root.resolve("other"));
      S3Lake lakeA = S3Lake.open(cfg, trainer, 0);
      S3Lake lakeB = S3Lake.open(cfg, other, 0);

      Path file = root.resolve("line.parquet");
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
        s.execute("SELECT setseed(0.25)");
        s.execute("COPY (SELECT x, 3 * x + random() AS y FROM (SELECT random() * 10 AS x FROM range(2000))) TO '"
          + file + "' (FORMAT parquet)");
      }
      TrainSpec spec = TrainSpec.of(new JsonObject().put("target_column", "y").put("problem_type", "regression"),
        new JsonObject().put("threads", 1).put("cv_folds", 0));
      TrainingData data = new DatasetReader("256MB").read(List.of(file.toString()), spec, Stop.never());
      Trainer.Result result = Trainer.train(data, spec, Stop.never(), p -> { });
      String relative = "models/owner/line/" + UUID.randomUUID() + (result.model().kind().equals("xgboost") ? ".ubj" : ".json");
      Files.createDirectories(trainer.resolve(relative).getParent());
      Files.write(trainer.resolve(relative), result.model().bytes());
      lakeA.publish(relative);
      float[] x = {2.5f};
      float expected = result.model().predict(x, 1, 1)[0][0];

      Scorers.Loaded elsewhere = new Scorers(4).get(lakeB, relative, result.model().kind(), data.schema().toJson());
      assertThat(elsewhere.scorer().predict(x, 1, 1)[0][0]).isCloseTo(expected, within(1e-6f));
      assertThat(Files.exists(other.resolve(relative))).as("fetched into the other node's data directory").isTrue();

      Files.delete(trainer.resolve(relative));
      Scorers.Loaded again = new Scorers(4).get(lakeA, relative, result.model().kind(), data.schema().toJson());
      assertThat(again.scorer().predict(x, 1, 1)[0][0]).isCloseTo(expected, within(1e-6f));
      lakeA.close();
      lakeB.close();
    }
  }
}
