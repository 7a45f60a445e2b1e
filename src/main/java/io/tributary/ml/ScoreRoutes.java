package io.tributary.ml;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.dataset.DatasetStore;
import io.tributary.http.Caller;
import io.tributary.http.ContractValidation;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.tributary.ingest.JobContract;
import io.tributary.ingest.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /api/v1/ml/models/{model_id}/score}: scores one of the caller's datasets with a version of the model
 * (the champion unless {@code version} or {@code alias} says otherwise) into a new dataset {@code name}, as a job of
 * kind {@link MlContract#SCORE_JOB_TYPE}. What can be checked at once is: the model, the dataset, the feature columns
 * and their kinds against the dataset's schema, and the new name (400, 404 or 409, nothing queued).
 */
final class ScoreRoutes {

  private final Vertx vertx;
  private final RunRepository runs;
  private final ModelRegistry registry;
  private final JobQueue jobs;
  private final long timeoutMs;

  ScoreRoutes(Vertx vertx, RunRepository runs, ModelRegistry registry, JobQueue jobs, JsonObject ml) {
    this.vertx = vertx;
    this.runs = runs;
    this.registry = registry;
    this.jobs = jobs;
    this.timeoutMs = ml.getLong("score_timeout_ms", 1_800_000L);
  }

  void mount(Router router, ContractValidation contract) {
    router.post("/api/v1/ml/models/:model_id/score").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN))
      .handler(contract.jsonBody("scoreDataset")).handler(this::score);
  }

  private void score(RoutingContext ctx) {
    UUID owner = Caller.of(ctx).id();
    UUID modelId = Params.pathId(ctx, "model_id", "Model");
    JsonObject body = Json.body(ctx);
    UUID inputId = Params.uuid(body.getString("dataset_id"), "Dataset");
    String name = body.getString("name");
    registry.scoring(modelId, owner, body.getInteger("version"), body.getString("alias"))
      .compose(v -> v == null ? Future.failedFuture(ApiException.notFound("Model version")) : Future.succeededFuture(v))
      .compose(version -> runs.dataset(inputId, owner).compose(input -> {
        if (input == null) {
          return Future.failedFuture(ApiException.notFound("Dataset"));
        }
        if (!"ready".equals(input.getString("status"))) {
          return Future.failedFuture(new ApiException(ErrorCode.NOT_READY, "Dataset is not ready yet"));
        }
        check(FeatureSchema.fromJson(version.getJsonObject("feature_schema")), input.getJsonArray("schema"));
        return queue(ctx, owner, modelId, inputId, name, version);
      }))
      .onSuccess(accepted -> {
        JobContract.wakeOutbox(vertx.eventBus());
        Json.send(ctx, 202, accepted);
      })
      .onFailure(ctx::fail);
  }

  /** The dataset's columns must fit the model (as {@link BatchScorer#misfit} will check the files). */
  private static void check(FeatureSchema schema, JsonArray columns) {
    Map<String, String> types = new HashMap<>();
    columns.forEach(c -> types.put(((JsonObject) c).getString("name"),
      String.valueOf(((JsonObject) c).getString("type")).toUpperCase(Locale.ROOT)));
    BatchScorer.Misfit misfit = BatchScorer.misfit(schema, types);
    if (misfit != null) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, misfit.reason(), new JsonObject().put("field", misfit.column()));
    }
  }

  private Future<JsonObject> queue(RoutingContext ctx, UUID owner, UUID modelId, UUID inputId, String name,
                                   JsonObject version) {
    UUID jobId = UUID.randomUUID();
    UUID outputId = UUID.randomUUID();
    JsonObject params = new JsonObject().put("input_dataset_id", inputId.toString()).put("model_id", modelId.toString())
      .put("model_version", version.getInteger("version")).put("model_path", version.getString("file_path"))
      .put("model_kind", version.getString("kind")).put("feature_schema", version.getJsonObject("feature_schema"))
      .put("timeout_ms", timeoutMs + 60_000);
    AuditEvent audit = AuditEvent.by(ctx, "ml.score", "dataset", outputId, null, new JsonObject().put("name", name)
      .put("input_dataset_id", inputId.toString()).put("model_id", modelId.toString())
      .put("model_version", version.getInteger("version")).put("job_id", jobId.toString()));
    return runs.pool().withTransaction(conn -> DatasetStore.lockLiveByName(conn, owner, name).compose(existing -> {
      if (existing != null) {
        return Future.failedFuture(new ApiException(ErrorCode.DATASET_EXISTS, "You already have a dataset named "
          + name + "; choose another name", new JsonObject().put("field", "name")));
      }
      return DatasetStore.insertUpload(conn, outputId, owner, name, MlContract.SCORE_JOB_TYPE)
        .compose(v -> jobs.enqueue(conn, jobId, owner, MlContract.SCORE_JOB_TYPE, outputId, params))
        .compose(v -> AuditLog.record(conn, audit));
    })).map(v -> new JsonObject().put("job_id", jobId.toString()).put("dataset_id", outputId.toString())
      .put("status", "queued").put("model_id", modelId.toString()).put("model_version", version.getInteger("version"))
      .put("input_dataset_id", inputId.toString()));
  }
}
