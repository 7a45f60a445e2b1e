package io.tributary.app;

import io.tributary.admin.Revocations;
import io.tributary.config.Sections;
import io.tributary.db.ChangeFeed;
import io.tributary.search.SearchIndex;
import io.tributary.search.SearchRoutes;
import io.tributary.db.Database;
import io.tributary.flag.FlagStore;
import io.tributary.health.HealthRoutes;
import io.tributary.http.ContractValidation;
import io.tributary.kafka.KafkaSettings;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.tributary.redis.RedisLink;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The REST API, health, metrics and WebSocket endpoints ({@link ApiRouter}); one instance per event loop, all
 * listening on the same port.
 */
public final class HttpServerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpServerVerticle.class);

  private HttpServer server;
  private HttpServer hello;
  private final List<HttpServer> benchServers = new ArrayList<>();
  private ChangeFeed changes;
  private ChangeFeed searchChanges;
  private SearchIndex searchIndex;
  private KafkaAdminClient admin;
  private RedisLink redis;

  /** The configuration this verticle is deployed with: the {@code http} section and those its routes use. */
  public static JsonObject config(JsonObject cfg) {
    return Sections.of(cfg, "http", Sections.NODE, "postgres", "redis", "kafka", "auth", "rate_limit", "llm", "query",
      "insight", "fanout", "dashboard", "collection", "search", "shutdown", "ml", "sources");
  }

  @Override
  public Future<?> start() {
    JsonObject cfg = config();
    JsonObject httpCfg = cfg;
    Pool pool = Database.pool(vertx, cfg.getJsonObject("postgres"));
    String redisUrl = cfg.getJsonObject("redis").getString("url");
    redis = new RedisLink(vertx, redisUrl, cfg.getJsonObject("redis").getLong("command_timeout_ms",
      RedisLink.DEFAULT_COMMAND_TIMEOUT_MS));
    admin = KafkaAdminClient.create(vertx, KafkaSettings.admin(cfg.getJsonObject("kafka")));
    HealthRoutes health = new HealthRoutes(vertx, pool, redis, admin);
    changes = new ChangeFeed(vertx, cfg.getJsonObject("postgres").getString("url"));
    searchChanges = new ChangeFeed(vertx, cfg.getJsonObject("postgres").getString("url"), SearchRoutes.CHANGES_CHANNEL);
    searchIndex = new SearchIndex(vertx, pool, cfg.getJsonObject("postgres").getString("url"),
      cfg.getJsonObject("search", new JsonObject()).getJsonObject("index", new JsonObject()));
    HttpServerOptions options = new HttpServerOptions()
      .setHost(httpCfg.getString("host", "0.0.0.0"))
      .setPort(httpCfg.getInteger("port", 8080))
      .setCompressionSupported(true)
      .setMaxFormAttributeSize(8192);
    return redis.start()
      .recover(err -> Future.failedFuture(new IllegalStateException("Redis is not reachable at " + redisUrl
        + " (" + err.getMessage() + "); start it or unset TRIBUTARY_REDIS_URL to use the embedded one", err)))
      .compose(v -> changes.start())
      .compose(v -> searchChanges.start())
      .compose(v -> searchIndex.start())
      .compose(v -> FlagStore.acquire(vertx, pool, cfg.getJsonObject("postgres").getString("url")))
      .compose(v -> Revocations.acquire(vertx, pool, cfg.getJsonObject("postgres").getString("url"), redisUrl,
        cfg.getJsonObject("auth").getLong("token_ttl_hours", 24L) * 3600))
      .compose(v -> ContractValidation.load(vertx))
      .compose(contract -> {
        ApiRouter.Shared shared = new ApiRouter.Shared(pool, redis, admin, health, contract, changes,
          searchChanges, searchIndex);
        return vertx.createHttpServer(options).requestHandler(ApiRouter.create(vertx, cfg, shared))
          .listen()
          .onSuccess(s -> server = s)
          .onSuccess(s -> benchListeners(cfg, shared, options, httpCfg.getJsonObject("bench", new JsonObject())));
      })
      .onSuccess(s -> health.probe(15_000))
      .compose(s -> helloBaseline(httpCfg.getInteger("hello_port", 0)));
  }

  /**
   * BENCHMARK ONLY: the same API without one check, on 127.0.0.1 and the same event loops, for each
   * {@code http.bench.<check>_port} above 0 (the default is 0: none), so FlagBench can compare a route with and
   * without the module gate or the revocation check in one process, and CollectionBench search with and without
   * its cache. Started after the API, outside the start
   * future: they neither delay nor fail the start (FlagBench waits for them).
   */
  private void benchListeners(JsonObject cfg, ApiRouter.Shared shared, HttpServerOptions options, JsonObject bench) {
    Map.of("without_module_gate_port", ApiRouter.Checks.WITHOUT_MODULE_GATE,
      "without_revocation_check_port", ApiRouter.Checks.WITHOUT_REVOCATION_CHECK,
      "without_search_cache_port", ApiRouter.Checks.WITHOUT_SEARCH_CACHE,
      "without_search_index_port", ApiRouter.Checks.WITHOUT_SEARCH_INDEX).forEach((key, checks) -> {
        int port = bench.getInteger(key, 0);
        if (port > 0) {
          vertx.runOnContext(v -> vertx.createHttpServer(new HttpServerOptions(options).setHost("127.0.0.1")
              .setPort(port)).requestHandler(ApiRouter.create(vertx, cfg, shared, checks)).listen()
            .onSuccess(benchServers::add)
            .onFailure(err -> LOG.warn("Benchmark listener {} not started: {}", key, err.getMessage())));
        }
      });
  }

  /**
   * A bare Vert.x hello-world listener on {@code http.hello_port} (0, the default: none), on the same event loops
   * as the API: the ceiling the load benchmark compares the API with.
   */
  private Future<?> helloBaseline(int port) {
    if (port <= 0) {
      return Future.succeededFuture();
    }
    Buffer body = Buffer.buffer("Hello, World!");
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
      .requestHandler(req -> req.response().putHeader("Content-Type", "text/plain").end(body))
      .listen()
      .onSuccess(s -> hello = s);
  }

  @Override
  public Future<?> stop() {
    // graceful: no new connections; in-flight requests (uploads too) finish within two thirds of the grace
    // period, then what is left is closed; sockets get 1001 going away (their shutdown handler)
    long drainMs = config().getJsonObject("shutdown", new JsonObject()).getLong("grace_seconds", 30L) * 2000 / 3;
    Future<?> closed = server == null ? Future.succeededFuture() : server.shutdown(drainMs, TimeUnit.MILLISECONDS);
    Future<?> helloClosed = hello == null ? Future.succeededFuture() : hello.close();
    benchServers.forEach(HttpServer::close);
    return Future.join(List.of(closed, helloClosed, admin.close(), redis.close(), changes.close(),
        searchChanges.close(), searchIndex.close()))
      .eventually(() -> Future.join(FlagStore.release(vertx), Revocations.release(vertx)));
  }
}
