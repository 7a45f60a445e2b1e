package io.tributary.insight;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.ContractValidation;
import io.tributary.http.Json;
import io.tributary.lake.Lake;
import io.tributary.llm.LlmClient;
import io.tributary.query.QueryCache;
import io.tributary.redis.RedisLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /api/v1/insights/generate {dataset_id, columns?, time_column?}}: anomalies, trends and
 * recommendations of the caller's dataset (or stream) at its current version, computed by the insight worker and
 * explained by the narrator; cached in Redis per dataset version and request (a report whose model call failed is
 * not cached, so the next request asks the model again).
 */
public final class InsightRoutes {

  private final Vertx vertx;
  private final InsightRepository repository;
  private final Narrator narrator;
  private final Lake lake;
  private final QueryCache cache;
  private final long timeoutMs;

  /** @param config the {@code insight} section ({@code timeout_ms}, {@code cache_ttl_seconds}, {@code cache_max_entry_bytes}) */
  public InsightRoutes(Vertx vertx, Pool pool, RedisLink redis, LlmClient llm, Path dataDir, JsonObject config) {
    this.vertx = vertx;
    this.lake = Lake.of(vertx, dataDir);
    this.repository = new InsightRepository(pool, dataDir);
    this.narrator = new Narrator(llm);
    this.cache = new QueryCache(redis, config);
    this.timeoutMs = config.getLong("timeout_ms", 60_000L);
  }

  public void mount(Router router, ContractValidation contract) {
    router.post("/api/v1/insights/generate").handler(contract.jsonBody("generateInsights")).handler(this::generate);
  }

  private void generate(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    UUID datasetId;
    try {
      datasetId = UUID.fromString(body.getString("dataset_id"));
    } catch (IllegalArgumentException e) {
      ctx.fail(new ApiException(ErrorCode.VALIDATION_FAILED, "dataset_id is not a dataset id (a UUID)"));
      return;
    }
    JsonArray columns = body.getJsonArray("columns");
    String timeColumn = body.getString("time_column");
    long started = System.nanoTime();
    repository.find(datasetId, Caller.of(ctx).id()).compose(target -> {
      if (target == null) {
        return Future.failedFuture(ApiException.notFound("Dataset"));
      }
      if (!"ready".equals(target.status()) || target.files().isEmpty()) {
        return Future.failedFuture(new ApiException(ErrorCode.NOT_READY, "Dataset " + target.name()
          + " has no data yet; generate insights once it is ready"));
      }
      String key = QueryCache.derivedKey(List.of("insight", datasetId.toString(), String.valueOf(target.version()),
        columns == null ? "*" : columns.encode(), String.valueOf(timeColumn)));
      return cache.get(key).compose(hit -> hit != null ? Future.succeededFuture(hit.toJsonObject().put("cached", true))
        : compute(datasetId, target, columns, timeColumn, started).onSuccess(report -> {
          if (!narrator.configured() || "llm".equals(report.getString("summary_source"))) {
            cache.put(key, report.toBuffer());
          }
        }).map(report -> report.copy().put("cached", false)));
    }).onSuccess(report -> Json.ok(ctx, report))
      .onFailure(err -> ctx.fail(err instanceof ReplyException r ? ApiException.fromReply(r) : err));
  }

  private Future<JsonObject> compute(UUID datasetId, InsightRepository.Target target, JsonArray columns,
                                     String timeColumn, long started) {
    // on an object store this node may not hold the dataset's files yet
    return lake.ensure(vertx, lake.relative(target.files()))
      .compose(v -> InsightContract.generate(vertx, InsightContract.generateRequest(target.files(), columns, timeColumn,
        target.profile()), timeoutMs))
      .compose(report -> narrator.narrate(target.name(), report))
      .map(report -> new JsonObject().put("dataset_id", datasetId.toString()).put("version", target.version())
        .put("dataset_name", target.name()).put("row_count", report.getLong("row_count"))
        .put("columns_analyzed", report.getJsonArray("columns_analyzed")).put("time_column", report.getString("time_column"))
        .put("anomalies", report.getJsonArray("anomalies")).put("anomaly_count", report.getInteger("anomaly_count"))
        .put("trends", report.getJsonArray("trends")).put("recommendations", report.getJsonArray("recommendations"))
        .put("summary", report.getString("summary")).put("summary_source", report.getString("summary_source"))
        .put("generated_at", Instant.now().toString())
        .put("execution_time_ms", (System.nanoTime() - started) / 1_000_000));
  }
}
