package io.tributary.query;

import io.micrometer.core.instrument.Timer;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.ContractValidation;
import io.tributary.http.Json;
import io.tributary.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
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

  private final Vertx vertx;
  private final QueryTables tables;
  private final QueryCache cache;
  private final NaturalLanguage natural;
  private final int defaultLimit;
  private final int maxLimit;
  private final long maxStreamRows;
  private final DeliveryOptions delivery;

  public QueryRoutes(Vertx vertx, QueryTables tables, QueryCache cache, NaturalLanguage natural, JsonObject config) {
    this.vertx = vertx;
    this.tables = tables;
    this.cache = cache;
    this.natural = natural;
    this.defaultLimit = config.getInteger("default_limit", 1000);
    this.maxLimit = config.getInteger("max_limit", 100_000);
    this.maxStreamRows = config.getLong("max_stream_rows", 100_000_000L);
    this.delivery = new DeliveryOptions().setSendTimeout(config.getLong("timeout_ms", 30_000L) + 10_000);
  }

  public void mount(Router router, ContractValidation contract, io.vertx.core.Handler<RoutingContext> rateLimit) {
    router.post("/api/v1/query/sql").handler(rateLimit).handler(contract.jsonBody("runSql")).handler(this::sql);
    router.post("/api/v1/query/validate").handler(rateLimit).handler(contract.jsonBody("validateSql"))
      .handler(this::validate);
    router.post("/api/v1/query/natural").handler(rateLimit).handler(contract.jsonBody("naturalQuery"))
      .handler(this::natural);
  }

  private void sql(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    String format = format(ctx.request().getHeader("Accept"));
    Caller caller = Caller.of(ctx);
    request(caller, body.getString("sql"), body.getInteger("limit"), format).compose(request -> {
      if (!"json".equals(format)) {
        return stream(ctx, request.put("format", format));
      }
      String key = QueryCache.key(caller.id(), request.getString("sql"), request.getInteger("limit"),
        request.getJsonArray("tables"));
      Timer.Sample timer = Timer.start();
      return cache.get(key).compose(hit -> {
        if (hit != null) {
          send(ctx, CACHED_TRUE, hit);
          timer.stop(latency("cached"));
          return Future.succeededFuture();
        }
        return vertx.eventBus().<Buffer>request(QueryContract.EXECUTE, request, delivery).map(reply -> {
          Buffer result = reply.body();
          send(ctx, CACHED_FALSE, result);
          timer.stop(latency("executed"));
          cache.put(key, result);
          return null;
        });
      });
    }).onFailure(err -> fail(ctx, err));
  }

  private void validate(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    request(Caller.of(ctx), body.getString("sql"), null, "json")
      .compose(request -> vertx.eventBus().<JsonObject>request(QueryContract.VALIDATE, request, delivery))
      .onSuccess(reply -> Json.ok(ctx, reply.body()))
      .onFailure(err -> fail(ctx, err));
  }

  private void natural(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    Caller caller = Caller.of(ctx);
    UUID datasetId = io.tributary.ingest.UploadRoutes.uuid(body.getString("dataset_id"), "Dataset");
    tables.of(caller.id())
      .compose(all -> natural.answer(caller, datasetId, body.getString("question"), all, base(caller, all)))
      .onSuccess(answer -> Json.ok(ctx, answer))
      .onFailure(err -> fail(ctx, err));
  }

  /** The worker request for the caller: their tables, their folder, the SQL and the effective limit. */
  private Future<JsonObject> request(Caller caller, String sql, Integer limit, String format) {
    long cap = "json".equals(format) ? maxLimit : maxStreamRows;
    long effective = limit == null ? ("json".equals(format) ? defaultLimit : cap) : Math.min(limit, cap);
    return tables.mentionedIn(caller.id(), sql).map(all -> base(caller, all).put("sql", sql).put("limit", (int) Math.min(effective,
      Integer.MAX_VALUE)));
  }

  private JsonObject base(Caller caller, JsonArray all) {
    return new JsonObject().put("user_id", caller.id().toString()).put("user_dir", tables.userDir(caller.id()))
      .put("tables", all);
  }

  /**
   * Streams CSV or NDJSON: the worker sends chunks to a temporary address; each is written to the response and
   * acknowledged once the response can take more, so memory stays bounded whatever the result size.
   */
  private Future<Void> stream(RoutingContext ctx, JsonObject request) {
    HttpServerResponse response = ctx.response();
    String address = "query.stream.chunks." + UUID.randomUUID();
    MessageConsumer<Buffer> chunks = vertx.eventBus().consumer(address);
    boolean[] closed = {false};
    response.closeHandler(v -> closed[0] = true);
    chunks.handler(msg -> {
      if (closed[0]) {
        msg.fail(ErrorCode.SERVICE_UNAVAILABLE.busCode(), "client went away");
        return;
      }
      if (!response.headWritten()) {
        response.setChunked(true).setStatusCode(200)
          .putHeader("Content-Type", "csv".equals(request.getString("format")) ? "text/csv; charset=utf-8"
            : "application/x-ndjson");
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
    return vertx.eventBus().<JsonObject>request(QueryContract.STREAM, request.put("reply_to", address), delivery)
      .onComplete(done -> chunks.unregister())
      .compose(done -> {
        if (!response.headWritten()) {
          response.setStatusCode(200).putHeader("Content-Type", "csv".equals(request.getString("format"))
            ? "text/csv; charset=utf-8" : "application/x-ndjson");
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

  private static final Map<String, Timer> LATENCY = new ConcurrentHashMap<>();
  private static final Map<String, io.micrometer.core.instrument.Counter> REJECTIONS = new ConcurrentHashMap<>();

  private static Timer latency(String outcome) {
    return LATENCY.computeIfAbsent(outcome, o -> Timer.builder("tributary_query_latency")
      .description("Query latency through HTTP by outcome (cached, executed)").tag("outcome", o)
      .publishPercentileHistogram().register(Metrics.registry()));
  }

  private static void fail(RoutingContext ctx, Throwable err) {
    if (err instanceof io.vertx.core.eventbus.ReplyException reply) {
      ApiException api = io.tributary.http.ErrorHandler.fromReply(reply);
      REJECTIONS.computeIfAbsent(api.code().name(), reason -> io.micrometer.core.instrument.Counter
        .builder("tributary_query_rejections").description("Queries refused or failed, by reason")
        .tag("reason", reason).register(Metrics.registry())).increment();
      ctx.fail(api);
    } else {
      ctx.fail(err);
    }
  }
}
