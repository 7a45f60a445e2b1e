package io.tributary.http;

import io.tributary.db.ChangeFeed;
import io.tributary.db.OwnerCache;
import io.tributary.auth.AuthRoutes;
import io.tributary.auth.Tokens;
import io.tributary.auth.UserRepository;
import io.tributary.dataset.DatasetRepository;
import io.tributary.dataset.DatasetRoutes;
import io.tributary.fanout.StreamSockets;
import io.tributary.fanout.UserSockets;
import io.tributary.health.HealthRoutes;
import io.tributary.ingest.IngestRepository;
import io.tributary.ingest.UploadRoutes;
import io.tributary.llm.LlmClient;
import io.tributary.query.NaturalLanguage;
import io.tributary.query.QueryCache;
import io.tributary.query.QueryRoutes;
import io.tributary.query.QueryTables;
import io.tributary.ratelimit.RateLimiter;
import io.tributary.redis.RedisLink;
import io.tributary.stream.StreamRepository;
import io.tributary.stream.StreamRoutes;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;

import java.nio.file.Path;

/**
 * Assembles every HTTP route in order: request id, errors, public routes (health, metrics, OpenAPI, login,
 * keys), body handling, the token check for {@code /api/*}, then the feature routes. Routes belong to their
 * feature packages; {@code openapi.yaml} documents each one (checked by a test).
 */
public final class ApiRouter {

  /** Per event loop and cache: entries kept, and their longest life (changes drop them much sooner). */
  private static final int READ_CACHE_ENTRIES = 10_000;
  private static final long READ_CACHE_MAX_AGE_MS = 60_000;

  private ApiRouter() {
  }

  public static Router create(Vertx vertx, JsonObject cfg, Pool pool, RedisLink redis, KafkaAdminClient admin,
                              HealthRoutes health,
                              ContractValidation contract, ChangeFeed changes) {
    JsonObject httpCfg = cfg.getJsonObject("http");
    Path dataDir = Path.of(cfg.getString("data_dir"));
    Tokens tokens = new Tokens(vertx, cfg.getJsonObject("auth"));

    Router router = Router.router(vertx);
    ErrorHandler errors = new ErrorHandler();
    router.route().handler(new RequestIdHandler());
    router.route().failureHandler(errors);
    router.errorHandler(404, errors);
    router.errorHandler(405, errors);

    health.mount(router);
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    router.get("/openapi.yaml").handler(ctx -> ctx.response()
      .putHeader("Content-Type", "text/plain; charset=utf-8").sendFile(ContractValidation.DOCUMENT));

    AuthRoutes auth = new AuthRoutes(vertx, new UserRepository(pool), tokens,
      cfg.getJsonObject("auth").getJsonObject("jwks"));
    router.route().handler(apiOnly(bodies(httpCfg.getLong("max_json_body_bytes", 1_048_576L))));
    auth.mountPublic(router, contract);
    BearerAuth bearer = new BearerAuth(tokens.provider());
    router.route().handler(apiOnly(bearer));
    auth.mountProtected(router, contract);
    new UploadRoutes(vertx, new IngestRepository(pool, cfg.getJsonObject("kafka").getJsonObject("topics")),
      dataDir.resolve("staging"), httpCfg.getLong("max_upload_bytes")).mount(router);
    DatasetRepository datasets = new DatasetRepository(pool);
    new DatasetRoutes(vertx, datasets, dataDir, cfg.getJsonObject("query").getLong("timeout_ms", 30_000L) * 2,
      new OwnerCache<>(changes, READ_CACHE_ENTRIES, READ_CACHE_MAX_AGE_MS)).mount(router);
    JsonObject queryCfg = cfg.getJsonObject("query");
    new QueryRoutes(vertx, new QueryTables(pool, dataDir,
      new OwnerCache<>(changes, READ_CACHE_ENTRIES, READ_CACHE_MAX_AGE_MS)), new QueryCache(redis, queryCfg),
      new NaturalLanguage(vertx, new LlmClient(vertx, cfg.getJsonObject("llm")), datasets, queryCfg), queryCfg)
      .mount(router, contract, new RateLimiter(redis, cfg.getJsonObject("rate_limit")));
    StreamRepository streams = new StreamRepository(pool);
    new StreamRoutes(vertx, streams, admin, cfg.getJsonObject("kafka")).mount(router, contract);
    new SocketRoutes(bearer, new UserSockets(vertx), streams, new StreamSockets(vertx, cfg.getJsonObject("stream")))
      .mount(router);
    new io.tributary.web.WebRoutes().mount(router); // the web app, last: it never answers an API path
    return router;
  }

  /**
   * A handler for every {@code /api/} request. Its route has no path on purpose: routes with a path add their
   * path to the {@code route} label of the HTTP metrics ({@code /api/>/api/>/api/v1/...}); path-less ones do not.
   */
  private static Handler<RoutingContext> apiOnly(Handler<RoutingContext> handler) {
    return ctx -> {
      if (ctx.normalizedPath().startsWith("/api/")) {
        handler.handle(ctx);
      } else {
        ctx.next();
      }
    };
  }

  /**
   * JSON bodies are read (bounded) before the token check; the upload body stays paused so the upload route
   * streams it to disk after authentication.
   */
  private static Handler<RoutingContext> bodies(long maxJsonBytes) {
    BodyHandler json = BodyHandler.create(false).setBodyLimit(maxJsonBytes);
    return ctx -> {
      if (UploadRoutes.UPLOAD_PATH.equals(ctx.normalizedPath())) {
        ctx.request().pause();
        ctx.next();
      } else {
        json.handle(ctx);
      }
    };
  }
}
