package io.tributary.insight;

import io.micrometer.core.instrument.Counter;
import io.tributary.bench.InsightBench;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.metrics.Metrics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Insights past their deadline")
class InsightDeadlineTest {

  @TempDir
  static Path dir;
  static Path big;
  static Path small;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    big = Files.createDirectories(dir.resolve("big")).resolve("data.parquet");
    small = Files.createDirectories(dir.resolve("small")).resolve("data.parquet");
    InsightBench.generate(big, 3_000_000);
    InsightBench.generate(small, 2_000);
    vertx = Vertx.vertx();
    JsonObject cfg = new JsonObject().put("memory_limit", "512MB").put("threads", 2).put("timeout_ms", 60_000)
      .put("max_anomalies", 50).put("node", new JsonObject().put("data_dir", dir.toString()));
    get(vertx.deployVerticle(InsightVerticle::new, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)
      .setInstances(1).setConfig(cfg)));
  }

  @AfterAll
  static void stop() throws Exception {
    get(vertx.close());
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
  }

  private static double cancellations() {
    Counter c = Metrics.registry().find("tributary_insights_cancelled").counter();
    return c == null ? 0 : c.count();
  }

  private static List<String> stepThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
      .filter(n -> n.startsWith("insight-step-")).toList();
  }

  @Test
  @DisplayName("a run past its deadline stops, so the one worker answers the next request with its report")
  void stopsAtTheDeadline() throws Exception {
    double before = cancellations();
    JsonObject slow = InsightContract.generateRequest(List.of(big.toString()), null, null, null);
    assertThatThrownBy(() -> get(InsightContract.generate(vertx, slow, 300)))
      .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ReplyException.class)
      .satisfies(e -> {
        ApiException api = ApiException.fromReply((ReplyException) e);
        assertThat(api.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(api.getMessage()).isEqualTo("The operation timed out");
      });

    // one worker instance: this request is taken only once the slow run's handler has returned
    JsonObject report = get(InsightContract.generate(vertx,
      InsightContract.generateRequest(List.of(small.toString()), null, null, null), 120_000));

    assertThat(report.getLong("row_count")).isEqualTo(2_000);
    assertThat(cancellations() - before).as("runs stopped at their deadline").isEqualTo(1.0);
    assertThat(stepThreads()).as("step threads left running").isEmpty();
  }

  @Test
  @DisplayName("the engine past its deadline throws with no statement left running")
  void engineLeavesNothingRunning() throws Exception {
    InsightEngine engine = new InsightEngine(new InsightSettings("512MB", 2, 50, 60_000,
      dir.resolve("tmp")));
    try (Deadline deadline = Deadline.at(System.currentTimeMillis() + 300)) {
      assertThatThrownBy(() -> engine.generate(List.of(big), null, null, null, deadline))
        .isInstanceOf(Deadline.Passed.class);
      assertThat(deadline.passed()).isTrue();
      assertThat(deadline.running()).as("statements still running").isZero();
    }
    assertThat(stepThreads()).as("step threads left running").isEmpty();
  }
}
