package io.tributary.ingest;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.db.Database;
import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Jobs of other kinds run through the same state machine as uploads")
class JobKindsTest {

  static Pool pool;
  static JobQueue queue;

  @BeforeAll
  static void handlers() {
    TestApp app = TestApp.get();
    pool = Database.pool(app.vertx, app.config().getJsonObject("postgres"));
    queue = new JobQueue(pool, app.config().getJsonObject("kafka").getJsonObject("topics"));
    // a kind whose handler doubles a number, reporting progress on the way
    app.vertx.eventBus().<JsonObject>consumer(JobContract.runAddress("test-double"), msg -> {
      JsonObject job = msg.body();
      JobContract.progress(app.vertx.eventBus(), job.copy().put("status", "processing"), "processing", 50);
      int n = job.getJsonObject("params").getInteger("n");
      if (n < 0) {
        msg.reply(new ApiException(ErrorCode.VALIDATION_FAILED, "n must not be negative, got " + n).toReply());
      } else {
        msg.reply(new JsonObject().put("doubled", 2 * n).put("row_count", (long) n));
      }
    });
    // a kind that never answers unless cancelled
    app.vertx.eventBus().<JsonObject>consumer(JobContract.runAddress("test-forever"), msg -> { });
  }

  @AfterAll
  static void close() {
    Await.result(pool.close());
  }

  static String enqueue(Api owner, String type, JsonObject params) {
    UUID jobId = UUID.randomUUID();
    Await.result(pool.withTransaction(conn -> queue.enqueue(conn, jobId, userId(owner), type, null, params)));
    JobContract.wakeOutbox(TestApp.get().vertx.eventBus());
    return jobId.toString();
  }

  static UUID userId(Api api) {
    String payload = api.token().split("\\.")[1];
    return UUID.fromString(new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8))
      .getString("sub"));
  }

  @Test
  @DisplayName("a job completes with its handler's result; a refusal fails it with the handler's message")
  void completesOrFails() {
    Api owner = Api.newUser("analyst", "premium");
    JsonObject done = owner.awaitJob(enqueue(owner, "test-double", new JsonObject().put("n", 21)));
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getString("job_type")).isEqualTo("test-double");
    assertThat(done.getInteger("progress")).isEqualTo(100);
    assertThat(done.getJsonObject("result").getInteger("doubled")).isEqualTo(42);
    assertThat(done.getLong("row_count")).isEqualTo(21);
    assertThat(done.getValue("dataset_id")).isNull();

    JsonObject failed = owner.awaitJob(enqueue(owner, "test-double", new JsonObject().put("n", -1)));
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getString("error")).isEqualTo("n must not be negative, got -1");
    Api.error(Api.newUser("analyst").get("/api/v1/data/job/" + failed.getString("job_id")), 404, "NOT_FOUND");
  }

  @Test
  @DisplayName("a cancelled job fails at once with the reason, and its handler is told to stop")
  void cancel() {
    Api owner = Api.newUser("analyst", "premium");
    Promise<String> told = Promise.promise();
    var listener = TestApp.get().vertx.eventBus().<JsonObject>consumer(JobContract.CANCELLED,
      msg -> told.tryComplete(msg.body().getString("job_id")));
    try {
      String jobId = enqueue(owner, "test-forever", new JsonObject());
      long deadline = System.currentTimeMillis() + 30_000;
      while (!"processing".equals(owner.get("/api/v1/data/job/" + jobId).bodyAsJsonObject().getString("status"))) {
        assertThat(System.currentTimeMillis()).as("the job is claimed").isLessThan(deadline);
        Api.sleep(50);
      }
      assertThat(Await.result(queue.cancel(TestApp.get().vertx, UUID.fromString(jobId), userId(owner),
        "Cancelled by its owner"))).isTrue();
      JsonObject job = owner.awaitJob(jobId);
      assertThat(job.getString("status")).isEqualTo("failed");
      assertThat(job.getString("error")).isEqualTo("Cancelled by its owner");
      assertThat(Await.result(told.future())).isEqualTo(jobId);
      assertThat(Await.result(queue.cancel(TestApp.get().vertx, UUID.fromString(jobId), userId(owner), "again")))
        .as("an ended job cannot be cancelled").isFalse();
    } finally {
      listener.unregister();
    }
  }
}
