package io.tributary.ml;

import io.tributary.audit.AuditEvent;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.db.OwnerCache;
import io.tributary.http.Caller;
import io.tributary.http.ContractValidation;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.tributary.ingest.JobContract;
import io.tributary.ingest.JobQueue;
import io.tributary.lake.Lake;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.nio.file.Path;
import java.util.UUID;

/**
 * {@code /api/v1/ml}: train a model on a dataset (a job), read and cancel runs, read registered models, and predict.
 * Another user's runs and models answer 404. Predict reads a model version's metadata from an owner cache that any
 * change to the owner's models drops (migration V19), so it asks PostgreSQL nothing on a hit.
 */
public final class MlRoutes {

  private final Vertx vertx;
  private final RunRepository runs;
  private final ModelRegistry registry;
  private final JobQueue jobs;
  private final Path dataDir;
  private final JsonObject settings;
  private final ScoreRoutes scoring;
  private final OwnerCache<JsonObject> versions;
  private final long fileGraceMs;
  private final PredictBatches batches;

  /**
   * @param ml the {@code ml} config section; @param kafkaTopics the {@code kafka.topics} section
   * @param versions a cache of what predict reads of a model version, dropped per owner on any registry change
   * @param fileGraceMs how long a deleted model's files stay for readers that already found them
   */
  public MlRoutes(Vertx vertx, Pool pool, Path dataDir, JsonObject ml, JsonObject kafkaTopics,
                  OwnerCache<JsonObject> versions, long fileGraceMs) {
    this.vertx = vertx;
    this.runs = new RunRepository(pool, dataDir);
    this.registry = new ModelRegistry(pool);
    this.jobs = new JobQueue(pool, kafkaTopics);
    this.dataDir = dataDir;
    this.settings = ml;
    this.scoring = new ScoreRoutes(vertx, runs, registry, jobs, ml);
    this.versions = versions;
    this.fileGraceMs = fileGraceMs;
    this.batches = new PredictBatches(vertx, Scorers.predicting(ml.getInteger("model_cache_size", 32)),
      Lake.of(vertx, dataDir), ml.getLong("predict_timeout_ms", 10_000L), ml.getInteger("predict_instances", 2),
      ml.getInteger("predict_max_waiting", 256));
  }

  public void mount(Router router, ContractValidation contract) {
    router.post("/api/v1/ml/train").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN))
      .handler(contract.jsonBody("trainModel")).handler(this::train);
    router.get("/api/v1/ml/runs").handler(this::listRuns);
    router.get("/api/v1/ml/runs/:run_id").handler(this::getRun);
    router.post("/api/v1/ml/runs/:run_id/cancel").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN))
      .handler(this::cancel);
    router.get("/api/v1/ml/models").handler(this::listModels);
    router.get("/api/v1/ml/models/:model_id").handler(this::getModel);
    router.delete("/api/v1/ml/models/:model_id").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN))
      .handler(this::deleteModel);
    router.put("/api/v1/ml/models/:model_id/aliases/:alias").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN))
      .handler(contract.jsonBody("setModelAlias")).handler(this::setAlias);
    scoring.mount(router, contract);
  }

  /**
   * {@code POST /api/v1/ml/predict}, the route of the most frequent calls: mounted apart, right after the
   * authentication and limit checks, so a request is matched against few routes before it.
   */
  public void mountPredict(Router router, ContractValidation contract) {
    router.post("/api/v1/ml/predict").handler(contract.jsonBody("predict")).handler(this::predict);
  }

  private void train(RoutingContext ctx) {
    UUID owner = Caller.of(ctx).id();
    JsonObject body = Json.body(ctx);
    UUID datasetId = Params.uuid(body.getString("dataset_id"), "Dataset");
    String target = body.getString("target_column");
    String problem = body.getString("problem_type");
    long timeoutMs = settings.getLong("train_timeout_ms", 1_800_000L);
    Double budget = body.getDouble("time_budget_s");
    runs.dataset(datasetId, owner).compose(dataset -> {
      if (dataset == null) {
        return Future.failedFuture(ApiException.notFound("Dataset"));
      }
      if (!"ready".equals(dataset.getString("status"))) {
        return Future.failedFuture(new ApiException(ErrorCode.NOT_READY, "Dataset is not ready yet"));
      }
      checkColumns(dataset.getJsonArray("schema"), target, body.getJsonArray("features"));
      String name = body.getString("model_name", dataset.getString("name") + "-" + target);
      return registry.byName(owner, name).compose(existing -> {
        if (existing != null && !(existing.getString("problem_type").equals(problem)
          && existing.getString("target_column").equals(target))) {
          return Future.failedFuture(new ApiException(ErrorCode.CONFLICT, "Model '" + name + "' predicts "
            + existing.getString("target_column") + " (" + existing.getString("problem_type")
            + "); choose another model_name"));
        }
        UUID runId = UUID.randomUUID();
        UUID jobId = UUID.randomUUID();
        JsonObject params = new JsonObject().put("target_column", target).put("problem_type", problem)
          .put("features", body.getJsonArray("features")).put("time_budget_s", budget);
        long jobTimeout = (budget == null ? timeoutMs : Math.min(timeoutMs, Math.round(budget * 1000))) + 60_000;
        return runs.create(jobs, runId, jobId, owner, datasetId, name, params, jobTimeout,
          AuditEvent.by(ctx, "ml.train", "ml_run", runId, null, params.copy().put("dataset_id", datasetId.toString())));
      });
    }).onSuccess(run -> {
      JobContract.wakeOutbox(vertx.eventBus());
      Json.send(ctx, 202, new JsonObject().put("job_id", run.getString("job_id")).put("run_id", run.getString("run_id"))
        .put("status", run.getString("status")).put("model_name", run.getString("model_name")));
    }).onFailure(ctx::fail);
  }

  /** The target and features must be columns of the dataset (their types are checked by the run). */
  private static void checkColumns(JsonArray schema, String target, JsonArray features) {
    java.util.Set<String> names = new java.util.HashSet<>();
    schema.forEach(c -> names.add(((JsonObject) c).getString("name")));
    if (!names.contains(target)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "target_column '" + target + "' is not a column of the dataset",
        new JsonObject().put("field", "target_column"));
    }
    if (features != null) {
      for (Object f : features) {
        if (!names.contains(String.valueOf(f))) {
          throw new ApiException(ErrorCode.VALIDATION_FAILED, "feature '" + f + "' is not a column of the dataset",
            new JsonObject().put("field", "features"));
        }
      }
    }
  }

  private void listRuns(RoutingContext ctx) {
    Params.Page page = Params.page(ctx);
    runs.list(Caller.of(ctx).id(), page.fetch(), page.offset())
      .onSuccess(rows -> Json.ok(ctx, page.reply(rows))).onFailure(ctx::fail);
  }

  private void getRun(RoutingContext ctx) {
    UUID runId = Params.pathId(ctx, "run_id", "Run");
    runs.find(runId, Caller.of(ctx).id()).compose(run -> found(run, "Run"))
      .onSuccess(run -> Json.ok(ctx, run)).onFailure(ctx::fail);
  }

  private void cancel(RoutingContext ctx) {
    UUID owner = Caller.of(ctx).id();
    UUID runId = Params.pathId(ctx, "run_id", "Run");
    String reason = "Cancelled by its owner";
    runs.find(runId, owner).compose(run -> found(run, "Run")).compose(run -> {
      if (!"queued".equals(run.getString("status")) && !"running".equals(run.getString("status"))) {
        return Future.failedFuture(new ApiException(ErrorCode.CONFLICT, "Run has already " + run.getString("status")));
      }
      return runs.fail(runId, reason)
        .compose(failed -> jobs.cancel(vertx, UUID.fromString(run.getString("job_id")), owner, reason))
        .compose(cancelled -> runs.find(runId, owner));
    }).onSuccess(run -> Json.ok(ctx, run)).onFailure(ctx::fail);
  }

  private void listModels(RoutingContext ctx) {
    Params.Page page = Params.page(ctx);
    registry.list(Caller.of(ctx).id(), page.fetch(), page.offset())
      .onSuccess(rows -> Json.ok(ctx, page.reply(rows))).onFailure(ctx::fail);
  }

  private void getModel(RoutingContext ctx) {
    UUID modelId = Params.pathId(ctx, "model_id", "Model");
    registry.find(modelId, Caller.of(ctx).id()).compose(m -> found(m, "Model"))
      .onSuccess(m -> Json.ok(ctx, m)).onFailure(ctx::fail);
  }

  /**
   * Deletes the model, its versions and aliases (its runs stay, without a model); its files go after
   * {@code node.file_grace_ms}, so a prediction or scoring job that already read the version can finish.
   */
  private void deleteModel(RoutingContext ctx) {
    UUID owner = Caller.of(ctx).id();
    UUID modelId = Params.pathId(ctx, "model_id", "Model");
    registry.delete(modelId, owner, AuditEvent.by(ctx, "ml.model.deleted", "ml_model", modelId, null, null))
      .compose(files -> files == null ? Future.failedFuture(ApiException.notFound("Model")) : Future.succeededFuture(files))
      .onSuccess(files -> {
        Lake lake = Lake.of(vertx, dataDir);
        vertx.setTimer(Math.max(1, fileGraceMs), t -> files.forEach(f -> {
          vertx.fileSystem().delete(dataDir.resolve(f).toString()).onFailure(e -> { });
          lake.deleteRemoteLater(vertx, f);
        }));
        ctx.response().setStatusCode(204).end();
      })
      .onFailure(ctx::fail);
  }

  private void setAlias(RoutingContext ctx) {
    UUID owner = Caller.of(ctx).id();
    UUID modelId = Params.pathId(ctx, "model_id", "Model");
    String alias = ctx.pathParam("alias");
    if (!alias.matches("[A-Za-z0-9_-]{1,100}")) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "alias must be 1-100 letters, digits, '_' or '-'");
    }
    registry.setAlias(modelId, owner, alias, Json.body(ctx).getInteger("version"))
      .compose(set -> set ? registry.find(modelId, owner) : Future.succeededFuture(null))
      .compose(m -> found(m, "Model version"))
      .onSuccess(m -> Json.ok(ctx, m)).onFailure(ctx::fail);
  }

  private void predict(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    UUID modelId = Params.uuid(body.getString("model_id"), "Model");
    JsonObject features = body.getJsonObject("features");
    JsonArray rows = body.getJsonArray("rows");
    if ((features == null) == (rows == null)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "give either features (one row) or rows (several)");
    }
    int max = settings.getInteger("max_predict_rows", 10_000);
    if (rows != null && (rows.isEmpty() || rows.size() > max)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "rows must hold between 1 and " + max + " rows",
        new JsonObject().put("field", "rows"));
    }
    UUID owner = Caller.of(ctx).id();
    Integer version = body.getInteger("version");
    String alias = body.getString("alias");
    versions.get("ml.scoring|" + modelId + "|" + version + "|" + alias, owner,
        () -> registry.scoring(modelId, owner, version, alias))
      .compose(v -> found(v, "Model version"))
      .compose(v -> batches.predict(new PredictBatches.Request(v.getString("file_path"), v.getString("kind"),
        v.getJsonObject("feature_schema"), rows != null ? rows : new JsonArray().add(features), rows == null,
        modelId.toString(), v.getInteger("version"))))
      .onSuccess(reply -> Json.ok(ctx, reply)).onFailure(ctx::fail);
  }

  private static Future<JsonObject> found(JsonObject value, String what) {
    return value == null ? Future.failedFuture(ApiException.notFound(what)) : Future.succeededFuture(value);
  }
}
