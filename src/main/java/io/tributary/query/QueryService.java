package io.tributary.query;

import io.micrometer.core.instrument.Timer;
import io.tributary.lake.Lake;
import io.tributary.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a user's SQL the way every HTTP feature must: over the caller's ready datasets ({@link QueryTables}),
 * through the Redis result cache keyed on the versions of the datasets the text names ({@link QueryCache}), on the
 * query worker ({@link QueryContract}). One per HTTP verticle instance; used by the query routes, natural-language
 * questions and dashboards.
 */
public final class QueryService {

  private static final Map<String, Timer> LATENCY = new ConcurrentHashMap<>();

  private final QueryTables tables;
  private final QueryCache cache;
  private final QueryContract.Client worker;
  private final Vertx vertx;
  private final Lake lake;

  /** A JSON result and whether it came from the cache. */
  public record Result(Buffer json, boolean cached) {
  }

  public QueryService(Vertx vertx, QueryTables tables, QueryCache cache, long timeoutMs) {
    this.tables = tables;
    this.cache = cache;
    this.worker = QueryContract.client(vertx, timeoutMs);
    this.vertx = vertx;
    this.lake = Lake.of(vertx, tables.dataDir());
  }

  /** Runs {@code sql} for the user, at most {@code limit} rows, from the cache when it holds the same query. */
  public Future<Result> run(UUID userId, String sql, int limit) {
    return request(userId, sql, limit).compose(request -> {
      String key = QueryCache.key(userId, sql, limit, request.getJsonArray("tables"));
      Timer.Sample timer = Timer.start();
      return cache.get(key).compose(hit -> {
        if (hit != null) {
          timer.stop(latency("cached"));
          return Future.succeededFuture(new Result(hit, true));
        }
        return local(request).compose(worker::execute).map(result -> {
          timer.stop(latency("executed"));
          cache.put(key, result);
          return new Result(result, false);
        });
      });
    });
  }

  /**
   * The cache key of a query's result: it changes when a dataset the text names gets a new version, so a value
   * derived from several results can be cached under a key made of theirs ({@link #derived}).
   */
  public Future<String> cacheKey(UUID userId, String sql, int limit) {
    return tables.scope(userId, sql).map(scope -> QueryCache.key(userId, sql, limit, scope.getJsonArray("tables")));
  }

  /** {@link #cacheKey} of several queries of one user, their tables looked up together. */
  public Future<List<String>> cacheKeys(UUID userId, List<String> sqls, int limit) {
    return tables.scopes(userId, sqls).map(scopes -> {
      List<String> keys = new java.util.ArrayList<>();
      for (int i = 0; i < sqls.size(); i++) {
        keys.add(QueryCache.key(userId, sqls.get(i), limit, scopes.get(i).getJsonArray("tables")));
      }
      return keys;
    });
  }

  /** A value cached under a key derived from {@code parts} (e.g. result keys), or null. */
  public Future<Buffer> derived(List<String> parts) {
    return cache.get(QueryCache.derivedKey(parts));
  }

  /** Caches a value derived from results under a key made of {@code parts}. */
  public void derived(List<String> parts, Buffer value) {
    cache.put(QueryCache.derivedKey(parts), value);
  }

  /** Checks {@code sql} without running it: {@code {valid, errors, tables_read}}. */
  public Future<JsonObject> validate(UUID userId, String sql) {
    return request(userId, sql, null).compose(this::local).compose(worker::validate);
  }

  /** Streams the result as {@code csv} or {@code ndjson} chunks to {@code replyTo}; completes with {@code {rows}}. */
  public Future<JsonObject> stream(UUID userId, String sql, long limit, String format, String replyTo) {
    return request(userId, sql, (int) Math.min(limit, Integer.MAX_VALUE))
      .compose(this::local).compose(request -> worker.stream(request, format, replyTo));
  }

  /** The user's ready datasets, as query tables. */
  public Future<JsonArray> tablesOf(UUID userId) {
    return tables.of(userId);
  }

  /** The request once every file of its tables is on this node (fetched through the lake cache when remote). */
  private Future<JsonObject> local(JsonObject request) {
    if (!lake.remote()) {
      return Future.succeededFuture(request);
    }
    List<String> files = new java.util.ArrayList<>();
    request.getJsonArray("tables").forEach(t -> ((JsonObject) t).getJsonArray("files").forEach(f -> files.add(f.toString())));
    return lake.ensure(vertx, lake.relative(files)).map(request);
  }

  private Future<JsonObject> request(UUID userId, String sql, Integer limit) {
    return tables.scope(userId, sql).map(scope -> QueryContract.request(userId, tables.userDir(userId),
      scope.getJsonArray("shared_dirs"), scope.getJsonArray("tables"), sql, limit));
  }

  private static Timer latency(String outcome) {
    return LATENCY.computeIfAbsent(outcome, o -> Timer.builder("tributary_query_latency")
      .description("Query latency through HTTP by outcome (cached, executed)").tag("outcome", o)
      .publishPercentileHistogram().register(Metrics.registry()));
  }
}
