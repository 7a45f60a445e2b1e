package io.tributary.ml;

import io.tributary.bus.ErrorCode;
import io.tributary.config.Sections;
import io.tributary.db.Database;
import io.tributary.ingest.JobContract;
import io.tributary.lake.Lake;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs the jobs of machine learning: batch scoring ({@link ScoreJob}) and training ({@link MlContract#trainAddress}): marks the run running, finds the dataset's current files
 * and version (fetched from the lake when it is remote), reads and trains on the worker pool {@code tributary-ml-train}
 * ({@code ml.train_instances} threads), writes the model bytes under {@code models/<owner>/<model name>/<run>.<ext>}
 * in the data directory, publishes them to the lake (the bucket, with an s3 lake) and registers them. A run past its deadline ({@code ml.train_timeout_ms}, or its {@code time_budget_s} if smaller) or
 * cancelled ({@link JobContract#CANCELLED}) stops within one boosting round and fails with the reason.
 */
public final class TrainVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TrainVerticle.class);

  private JsonObject settings;
  private Path dataDir;
  private RunRepository runs;
  private ModelRegistry registry;
  private DatasetReader reader;
  private Lake lake;
  private WorkerExecutor executor;
  private ScoreJob scoring;
  /** The stops of the runs training here, by job id. */
  private final Map<String, Stop> stops = new HashMap<>();

  @Override
  public Future<?> start() {
    settings = config();
    dataDir = Path.of(config().getJsonObject(Sections.NODE).getString("data_dir"));
    var pool = Database.pool(vertx, config().getJsonObject("postgres"));
    runs = new RunRepository(pool, dataDir);
    registry = new ModelRegistry(pool);
    reader = new DatasetReader(settings.getString("memory_limit", "1GB"));
    lake = Lake.of(vertx, dataDir);
    long timeout = settings.getLong("train_timeout_ms", 1_800_000L);
    executor = vertx.createSharedWorkerExecutor("tributary-ml-train", Math.max(1, settings.getInteger("train_instances", 1)),
      timeout + 60_000, TimeUnit.MILLISECONDS);
    vertx.eventBus().<JsonObject>consumer(JobContract.CANCELLED, msg -> {
      Stop stop = stops.get(msg.body().getString("job_id"));
      if (stop != null) {
        stop.cancel("Training stopped: the run was cancelled");
      }
    });
    scoring = new ScoreJob(vertx, runs, dataDir, lake, reader, settings);
    return vertx.eventBus().<JsonObject>consumer(MlContract.trainAddress(), this::train).completion()
      .compose(v -> scoring.register());
  }

  @Override
  public Future<?> stop() {
    stops.values().forEach(s -> s.cancel("Training stopped: the server is shutting down"));
    return Future.all(executor.close(), scoring.close());
  }

  /** The deadline of a run: the configured timeout, or the run's own time budget when smaller. */
  static Stop stopFor(JsonObject params, long timeoutMs) {
    Double budget = params.getDouble("time_budget_s");
    if (budget != null && budget * 1000 < timeoutMs) {
      return new Stop(Math.max(1, Math.round(budget * 1000)),
        "Training stopped: the run took longer than its time budget of " + budget + " s");
    }
    return new Stop(timeoutMs, "Training stopped: the run took longer than the training timeout of "
      + timeoutMs / 1000.0 + " s (ml.train_timeout_ms)");
  }

  private void train(Message<JsonObject> msg) {
    JsonObject job = msg.body();
    JsonObject params = job.getJsonObject("params");
    String jobId = job.getString("job_id");
    UUID runId = UUID.fromString(params.getString("run_id"));
    UUID ownerId = UUID.fromString(job.getString("owner_id"));
    Stop stop = stopFor(params, settings.getLong("train_timeout_ms", 1_800_000L));
    stops.put(jobId, stop);
    long started = System.nanoTime();
    runs.start(runId)
      .compose(run -> run == null ? ended(runId) : runs.dataset(UUID.fromString(params.getString("dataset_id")), ownerId)
        .compose(dataset -> {
          if (dataset == null || !"ready".equals(dataset.getString("status"))) {
            return Future.failedFuture(new TrainingFailed("the dataset no longer exists or is not ready"));
          }
          JsonObject progressJob = job.copy().put("dataset_id", (String) null);
          List<String> files = dataset.getJsonArray("files").stream().map(String::valueOf).toList();
          return lake.ensure(vertx, lake.relative(files))
            .compose(v -> executor.<ModelRegistry.Trained>executeBlocking(() -> fit(runId, run, dataset, params, stop,
              progressJob, started), false))
            .compose(this::register);
        }))
      .onComplete(ar -> stops.remove(jobId))
      .onSuccess(msg::reply)
      .onFailure(err -> failed(msg, runId, err));
  }

  /** The run had already ended (cancelled before it started, or registered by an earlier attempt). */
  private Future<JsonObject> ended(UUID runId) {
    return runs.find(runId).compose(run -> "finished".equals(run.getString("status"))
      ? Future.succeededFuture(new JsonObject().put("run_id", runId.toString()).put("model_id", run.getString("model_id"))
        .put("model_version", run.getInteger("model_version")))
      : Future.failedFuture(new TrainingFailed(run.getString("error", "the run was cancelled"))));
  }

  /** Blocking: reads, trains and writes the model file. */
  private ModelRegistry.Trained fit(UUID runId, JsonObject run, JsonObject dataset, JsonObject params, Stop stop,
                                    JsonObject job, long started) throws Exception {
    TrainSpec spec = TrainSpec.of(params, settings);
    List<String> files = dataset.getJsonArray("files").stream().map(String::valueOf).toList();
    TrainingData data = reader.read(files, spec, stop);
    JobContract.progress(vertx.eventBus(), job, "processing", 15);
    int[] last = {15};
    Trainer.Result result = Trainer.train(data, spec, stop, p -> {
      int overall = 15 + p * 80 / 100;
      if (overall >= last[0] + 5) {
        last[0] = overall;
        JobContract.progress(vertx.eventBus(), job, "processing", overall);
      }
    });
    try {
      stop.check();
      String ext = result.model().kind().equals("xgboost") ? ".ubj" : ".json";
      String relative = "models/" + run.getString("owner_id", job.getString("owner_id")) + "/"
        + safe(run.getString("model_name")) + "/" + runId + ext;
      Path file = dataDir.resolve(relative);
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, result.model().bytes());
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      lake.publish(relative);
      long ms = (System.nanoTime() - started) / 1_000_000;
      LOG.info("Run {} trained a {} model on {} rows in {} ms", runId, result.model().kind(), data.rows(), ms);
      return new ModelRegistry.Trained(runId, result.model().kind(), relative, data.schema().toJson(), result.metrics(),
        result.params().put("row_count", data.rows()), result.candidates(), dataset.getInteger("version"), ms);
    } finally {
      if (result.model() instanceof BoostedModel boosted) {
        boosted.dispose();
      }
    }
  }

  private Future<JsonObject> register(ModelRegistry.Trained trained) {
    return registry.register(trained).map(reg -> reg.put("run_id", trained.runId().toString())
      .put("row_count", trained.params().getLong("row_count")));
  }

  private void failed(Message<JsonObject> msg, UUID runId, Throwable err) {
    String reason;
    if (err instanceof TrainingFailed) {
      reason = err.getMessage();
      LOG.info("Run {} failed: {}", runId, reason);
    } else if (err instanceof ModelRegistry.RunEnded) {
      reason = "the run was cancelled";
    } else {
      LOG.error("Run {} failed", runId, err);
      reason = "Training failed: internal error (see server log)";
    }
    runs.fail(runId, reason).onComplete(ar -> msg.fail(ErrorCode.VALIDATION_FAILED.busCode(), reason));
  }

  /** A model name as a folder name. */
  static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

}
