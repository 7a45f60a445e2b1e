package io.tributary.ml;

import io.tributary.bus.ErrorCode;
import io.tributary.dataset.DatasetStore;
import io.tributary.ingest.JobContract;
import io.tributary.lake.Lake;
import io.tributary.lake.LakePaths;
import io.tributary.profile.ProfileContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs batch scoring jobs ({@link MlContract#scoreAddress}): scores the input dataset's current files with the model
 * version chosen at request time ({@link BatchScorer} on the worker pool {@code tributary-ml-score}), profiles the
 * new file, publishes it to the lake and makes the job's (new) dataset ready with it and its profile in one
 * transaction, as imports do. A column that does not fit the model fails the job naming it; so do a timeout
 * ({@code ml.score_timeout_ms}) and a cancellation.
 */
final class ScoreJob {

  private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);

  private final Vertx vertx;
  private final Pool pool;
  private final RunRepository runs;
  private final Path dataDir;
  private final Lake lake;
  private final Scorers scorers;
  private final BatchScorer scorer;
  private final WorkerExecutor executor;
  private final long timeoutMs;
  private final Map<String, Stop> stops = new ConcurrentHashMap<>();

  ScoreJob(Vertx vertx, RunRepository runs, Path dataDir, Lake lake, DatasetReader reader, JsonObject ml) {
    this.vertx = vertx;
    this.pool = runs.pool();
    this.runs = runs;
    this.dataDir = dataDir;
    this.lake = lake;
    this.scorers = Scorers.shared(ml.getInteger("model_cache_size", 32));
    this.scorer = new BatchScorer(reader, ml.getInteger("score_batch_rows", 8192));
    this.timeoutMs = ml.getLong("score_timeout_ms", 1_800_000L);
    this.executor = vertx.createSharedWorkerExecutor("tributary-ml-score", Math.max(1, ml.getInteger("score_instances", 1)),
      timeoutMs + 60_000, TimeUnit.MILLISECONDS);
  }

  Future<Void> register() {
    vertx.eventBus().<JsonObject>consumer(JobContract.CANCELLED, msg -> {
      Stop stop = stops.get(msg.body().getString("job_id"));
      if (stop != null) {
        stop.cancel("Scoring stopped: the job was cancelled");
      }
    });
    return vertx.eventBus().<JsonObject>consumer(MlContract.scoreAddress(), this::run).completion();
  }

  Future<Void> close() {
    stops.values().forEach(s -> s.cancel("Scoring stopped: the server is shutting down"));
    return executor.close();
  }

  private void run(Message<JsonObject> msg) {
    JsonObject job = msg.body();
    JsonObject params = job.getJsonObject("params");
    String jobId = job.getString("job_id");
    UUID ownerId = UUID.fromString(job.getString("owner_id"));
    UUID outputId = UUID.fromString(job.getString("dataset_id"));
    String relative = LakePaths.datasetFile(ownerId.toString(), outputId.toString(), jobId);
    Path output = dataDir.resolve(relative);
    Stop stop = new Stop(timeoutMs, "Scoring stopped: the job took longer than the scoring timeout of "
      + timeoutMs / 1000.0 + " s (ml.score_timeout_ms)");
    stops.put(jobId, stop);
    long started = System.nanoTime();
    runs.dataset(UUID.fromString(params.getString("input_dataset_id")), ownerId)
      .compose(input -> {
        if (input == null || !"ready".equals(input.getString("status"))) {
          return Future.failedFuture(new TrainingFailed("the dataset to score no longer exists or is not ready"));
        }
        List<String> files = input.getJsonArray("files").stream().map(String::valueOf).toList();
        return lake.ensure(vertx, lake.relative(files)).compose(v -> executor.executeBlocking(() -> {
          Scorers.Loaded model = scorers.get(lake, params.getString("model_path"), params.getString("model_kind"),
            params.getJsonObject("feature_schema"));
          return scorer.score(files, model, output, jobId.replace("-", ""), stop,
            p -> JobContract.progress(vertx.eventBus(), job, "processing", 5 + p * 75 / 100));
        }, false));
      })
      .compose(written -> profile(job, output, written))
      .compose(written -> lake.publishAsync(vertx, relative).map(written))
      .compose(written -> complete(outputId, relative, written))
      .onComplete(ar -> stops.remove(jobId))
      .onSuccess(written -> {
        LOG.info("Job {} scored {} rows with model {} v{} in {} ms", jobId, written.getLong("row_count"),
          params.getString("model_id"), params.getInteger("model_version"), (System.nanoTime() - started) / 1_000_000);
        msg.reply(new JsonObject().put("dataset_id", outputId.toString()).put("row_count", written.getLong("row_count"))
          .put("model_id", params.getString("model_id")).put("model_version", params.getInteger("model_version"))
          .put("input_dataset_id", params.getString("input_dataset_id")));
      })
      .onFailure(err -> {
        vertx.fileSystem().delete(output.toString()).onFailure(e -> { });
        if (err instanceof TrainingFailed) {
          msg.fail(ErrorCode.VALIDATION_FAILED.busCode(), "Scoring failed: " + err.getMessage());
        } else {
          LOG.error("Job {} (batch scoring) failed", jobId, err);
          msg.fail(ErrorCode.INTERNAL_ERROR.busCode(), "Scoring failed: internal error (see server log)");
        }
      });
  }

  private Future<JsonObject> profile(JsonObject job, Path output, JsonObject written) {
    JobContract.progress(vertx.eventBus(), job, "processing", 85);
    JsonArray unknown = new JsonArray();
    written.getJsonArray("columns").forEach(c -> unknown.addNull());
    return ProfileContract.compute(vertx, ProfileContract.request(output.toString(), written.getJsonArray("columns"),
      unknown), timeoutMs).map(profile -> written.put("profile", profile));
  }

  /** One transaction: the new dataset is ready with its file and its profile. */
  private Future<JsonObject> complete(UUID datasetId, String relative, JsonObject written) {
    return pool.withTransaction(conn -> DatasetStore.markReady(conn, datasetId, written.getLong("row_count"),
        written.getJsonArray("columns"), written.getLong("size_bytes"), relative, MlContract.SCORE_JOB_TYPE)
      .compose(replaced -> DatasetStore.putProfile(conn, datasetId, written.getJsonObject("profile"))))
      .map(written);
  }
}
