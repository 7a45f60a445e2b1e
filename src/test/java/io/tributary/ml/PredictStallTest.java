package io.tributary.ml;

import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.tributary.support.TestApp.PREDICT_MAX_WAITING;
import static io.tributary.support.TestApp.PREDICT_TIMEOUT_MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("Predict with a model whose file stalls")
class PredictStallTest {

  @TempDir
  static Path dir;

  /** A response and when it arrived. */
  private record Timed(HttpResponse<Buffer> response, long atNanos) {
  }

  @Test
  @DisplayName("its requests get 504 in time, past the bound a fast 503 with Retry-After; other models still answer")
  void stalledModelFile() throws Exception {
    Api analyst = Api.newUser("analyst", "premium");
    StringBuilder csv = new StringBuilder("x,y\n");
    Random random = new Random(5);
    for (int i = 0; i < 300; i++) {
      double x = random.nextDouble() * 10;
      csv.append(x).append(',').append(3 * x + random.nextGaussian() * 0.1).append('\n');
    }
    Path file = Files.writeString(dir.resolve("stall.csv"), csv);
    String dataset = analyst.uploadAndWait(file, Map.of()).getString("dataset_id");
    String steady = trainAndWait(analyst, dataset, "steady");
    String stalled = trainAndWait(analyst, dataset, "stalled");
    assertThat(predict(analyst, steady).statusCode()).isEqualTo(200); // loaded before the other one stalls

    // a FIFO in place of the model file: reading it blocks until something writes it (real I/O that hangs)
    Path model = MlTest.modelFile(stalled);
    byte[] bytes = Files.readAllBytes(model);
    Files.delete(model);
    Process mkfifo = new ProcessBuilder("mkfifo", model.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();
    boolean[] fed = new boolean[1];
    WebClient client = WebClient.create(TestApp.get().vertx, new WebClientOptions(),
      new PoolOptions().setHttp1MaxSize(PREDICT_MAX_WAITING + 20));
    try {
      long start = System.nanoTime();
      Future<Timed> first = send(client, analyst, stalled);
      HttpResponse<Buffer> other = predict(analyst, steady);
      assertThat(other.statusCode()).as(other.bodyAsString()).isEqualTo(200);
      assertThat(other.bodyAsJsonObject().getDouble("prediction")).isCloseTo(6.0, within(0.5));
      assertThat(first.isComplete()).as("the stalled request still waits while the other model answers").isFalse();
      Timed late = Await.result(first);
      Api.error(late.response(), 504, "TIMEOUT");
      assertThat(TimeUnit.NANOSECONDS.toMillis(late.atNanos() - start)).isGreaterThanOrEqualTo(PREDICT_TIMEOUT_MS);

      long flooded = System.nanoTime();
      List<Future<Timed>> flood = new ArrayList<>();
      for (int i = 0; i < PREDICT_MAX_WAITING + 20; i++) {
        flood.add(send(client, analyst, stalled));
      }
      long deadline = System.currentTimeMillis() + PREDICT_TIMEOUT_MS;
      while (flood.stream().filter(Future::isComplete).count() < 20 && System.currentTimeMillis() < deadline) {
        Api.sleep(20);
      }
      HttpResponse<Buffer> meanwhile = predict(analyst, steady);
      assertThat(meanwhile.statusCode()).as("another model, while this one's waiting line is full: "
        + meanwhile.bodyAsString()).isEqualTo(200);
      assertThat(flood.stream().filter(f -> !f.isComplete()).count()).as("still waiting")
        .isEqualTo(PREDICT_MAX_WAITING);
      int refused = 0;
      int timedOut = 0;
      for (Future<Timed> f : flood) {
        Timed t = Await.result(f);
        long ms = TimeUnit.NANOSECONDS.toMillis(t.atNanos() - flooded);
        if (t.response().statusCode() == 503) {
          refused++;
          Api.error(t.response(), 503, "SERVICE_UNAVAILABLE");
          assertThat(t.response().getHeader("Retry-After")).isEqualTo("1");
          assertThat(ms).as("refused at once").isLessThan(PREDICT_TIMEOUT_MS);
        } else {
          timedOut++;
          Api.error(t.response(), 504, "TIMEOUT");
          assertThat(ms).isGreaterThanOrEqualTo(PREDICT_TIMEOUT_MS);
        }
      }
      assertThat(refused).isEqualTo(20);
      assertThat(timedOut).isEqualTo(PREDICT_MAX_WAITING);

      // once the file can be read, the model loads and answers
      fed[0] = true;
      write(model, bytes);
      HttpResponse<Buffer> recovered = predict(analyst, stalled);
      assertThat(recovered.statusCode()).as(recovered.bodyAsString()).isEqualTo(200);
      assertThat(recovered.bodyAsJsonObject().getDouble("prediction")).isCloseTo(6.0, within(0.5));
    } finally {
      client.close();
      if (!fed[0]) {
        write(model, bytes); // frees the loader thread blocked on the FIFO, whatever happened above
      }
      Files.delete(model);
      Files.write(model, bytes);
    }
  }

  private static String trainAndWait(Api api, String dataset, String name) {
    JsonObject accepted = MlTest.train(api, new JsonObject().put("dataset_id", dataset).put("target_column", "y")
      .put("problem_type", "regression").put("model_name", name));
    JsonObject job = api.awaitJob(accepted.getString("job_id"));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    return api.get("/api/v1/ml/runs/" + accepted.getString("run_id")).bodyAsJsonObject().getString("model_id");
  }

  private static JsonObject body(String modelId) {
    return new JsonObject().put("model_id", modelId).put("features", new JsonObject().put("x", 2.0));
  }

  private static HttpResponse<Buffer> predict(Api api, String modelId) {
    return api.post("/api/v1/ml/predict", body(modelId));
  }

  private static Future<Timed> send(WebClient client, Api api, String modelId) {
    return client.post(TestApp.get().port, "127.0.0.1", "/api/v1/ml/predict").bearerTokenAuthentication(api.token())
      .sendJsonObject(body(modelId)).map(r -> new Timed(r, System.nanoTime()));
  }

  /** Writes {@code bytes} into the FIFO at {@code fifo}, on a daemon thread: opening it waits for its reader. */
  private static void write(Path fifo, byte[] bytes) throws InterruptedException {
    Thread writer = new Thread(() -> {
      try (OutputStream out = Files.newOutputStream(fifo)) {
        out.write(bytes);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, "fifo-writer");
    writer.setDaemon(true);
    writer.start();
    writer.join(10_000);
  }
}
