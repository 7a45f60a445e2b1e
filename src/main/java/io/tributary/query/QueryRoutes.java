package io.tributary.query;

import io.micrometer.core.instrument.Counter;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.ContractValidation;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.tributary.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code POST /api/v1/query/sql} (JSON, cached; or CSV / NDJSON streamed when asked with {@code Accept}),
 * {@code POST /api/v1/query/validate} and {@code POST /api/v1/query/natural}; all behind the rate limiter.
 */
public final class QueryRoutes {

  private static final Buffer CACHED_TRUE = Buffer.buffer("{\"cached\":true,");
  private static final Buffer CACHED_FALSE = Buffer.buffer("{\"cached\":false,");
  private static final Map<String, Counter> REJECTIONS = new ConcurrentHashMap<>();

  private final Vertx vertx;
  private final QueryService queries;
  private final NaturalLanguage natural;
  private final int defaultLimit;
  private final int maxLimit;
  private final long maxStreamRows;

  /** @param config the {@code query} section ({@code default_limit}, {@code max_limit}, {@code max_stream_rows}) */
  public QueryRoutes(Vertx vertx, QueryService queries, NaturalLanguage natural, JsonObject config) {
    this.vertx = vertx;
    this.queries = queries;
    this.natural = natural;
    this.defaultLimit = config.getInteger("default_limit", 1000);
    this.maxLimit = config.getInteger("max_limit", 100_000);
    this.maxStreamRows = config.getLong("max_stream_rows", 100_000_000L);
  }

  public void mount(Router router, ContractValidation contract, Handler<RoutingContext> rateLimit) {
    router.post("/api/v1/query/sql").handler(rateLimit).handler(contract.jsonBody("runSql")).handler(this::sql);
    router.post("/api/v1/query/validate").handler(rateLimit).handler(contract.jsonBody("validateSql"))
      .handler(this::validate);
    router.post("/api/v1/query/natural").handler(rateLimit).handler(contract.jsonBody("naturalQuery"))
      .handler(this::natural);
  }

  private void sql(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    String format = format(ctx.request().getHeader("Accept"));
    UUID user = Caller.of(ctx).id();
    String sql = body.getString("sql");
    Integer limit = body.getInteger("limit");
    if (!"json".equals(format)) {
      stream(ctx, user, sql, limit == null ? maxStreamRows : Math.min(limit, maxStreamRows), format)
        .onFailure(err -> fail(ctx, err));
      return;
    }
    queries.run(user, sql, limit == null ? defaultLimit : Math.min(limit, maxLimit))
      .onSuccess(result -> send(ctx, result.cached() ? CACHED_TRUE : CACHED_FALSE, result.json()))
      .onFailure(err -> fail(ctx, err));
  }

  private void validate(RoutingContext ctx) {
    queries.validate(Caller.of(ctx).id(), Json.body(ctx).getString("sql"))
      .onSuccess(reply -> Json.ok(ctx, reply))
      .onFailure(err -> fail(ctx, err));
  }

  private void natural(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    UUID datasetId = Params.uuid(body.getString("dataset_id"), "Dataset");
    natural.answer(Caller.of(ctx), datasetId, body.getString("question"))
      .onSuccess(answer -> Json.ok(ctx, answer))
      .onFailure(err -> fail(ctx, err));
  }

  /**
   * Streams CSV or NDJSON: the worker sends chunks to a one-off address; each is written to the response and
   * acknowledged once the response can take more, so memory stays bounded whatever the result size.
   */
  private Future<Void> stream(RoutingContext ctx, UUID user, String sql, long limit, String format) {
    HttpServerResponse response = ctx.response();
    String contentType = "csv".equals(format) ? "text/csv; charset=utf-8" : "application/x-ndjson";
    String address = QueryContract.chunkAddress();
    MessageConsumer<Buffer> chunks = vertx.eventBus().localConsumer(address);
    boolean[] closed = {false};
    response.closeHandler(v -> closed[0] = true);
    chunks.handler(msg -> {
      if (closed[0]) {
        msg.fail(ErrorCode.SERVICE_UNAVAILABLE.busCode(), "client went away");
        return;
      }
      if (!response.headWritten()) {
        response.setChunked(true).setStatusCode(200).putHeader("Content-Type", contentType);
      }
      if (msg.body().length() == 0) {
        msg.reply(null);
        return;
      }
      response.write(msg.body());
      if (response.writeQueueFull()) {
        response.drainHandler(v -> msg.reply(null));
      } else {
        msg.reply(null);
      }
    });
    return queries.stream(user, sql, limit, format, address)
      .onComplete(done -> chunks.unregister())
      .compose(done -> {
        if (!response.headWritten()) {
          response.setStatusCode(200).putHeader("Content-Type", contentType);
        }
        return response.end();
      }, err -> {
        if (response.headWritten()) {
          response.reset();
          return Future.succeededFuture();
        }
        return Future.failedFuture(err);
      });
  }

  private static void send(RoutingContext ctx, Buffer head, Buffer result) {
    Buffer body = Buffer.buffer(head.length() + result.length()).appendBuffer(head)
      .appendBuffer(result, 1, result.length() - 1);
    ctx.response().putHeader("Content-Type", "application/json").end(body);
  }

  private static String format(String accept) {
    if (accept == null || accept.isBlank()) {
      return "json";
    }
    String a = accept.toLowerCase();
    if (a.contains("application/json") || a.contains("*/*")) {
      return "json";
    }
    if (a.contains("text/csv")) {
      return "csv";
    }
    if (a.contains("application/x-ndjson")) {
      return "ndjson";
    }
    throw new ApiException(ErrorCode.NOT_ACCEPTABLE,
      "Accept application/json, text/csv or application/x-ndjson");
  }

  private static void fail(RoutingContext ctx, Throwable err) {
    if (err instanceof ReplyException reply) {
      ApiException api = ApiException.fromReply(reply);
      REJECTIONS.computeIfAbsent(api.code().name(), reason -> Counter.builder("tributary_query_rejections")
        .description("Queries refused or failed, by reason").tag("reason", reason).register(Metrics.registry()))
        .increment();
      ctx.fail(api);
    } else {
      ctx.fail(err);
    }
  }
}
