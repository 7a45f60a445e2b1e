package io.tributary.app;

import io.tributary.admin.Revocations;
import io.tributary.admin.UserAdminRepository;
import io.tributary.admin.UserEraser;
import io.tributary.admin.UserExportRoutes;
import io.tributary.ingest.JobQueue;
import io.tributary.admin.UserRoutes;
import io.tributary.audit.AuditRoutes;
import io.tributary.auth.AuthRoutes;
import io.tributary.auth.LoginThrottle;
import io.tributary.auth.Tokens;
import io.tributary.auth.UserRepository;
import io.tributary.collection.Collections;
import io.tributary.config.Sections;
import io.tributary.dashboard.DashboardChecks;
import io.tributary.dashboard.Dashboards;
import io.tributary.dataset.DatasetRepository;
import io.tributary.dataset.DatasetRoutes;
import io.tributary.db.ChangeFeed;
import io.tributary.db.OwnerCache;
import io.tributary.fanout.FanoutSettings;
import io.tributary.fanout.StreamSockets;
import io.tributary.fanout.UserSockets;
import io.tributary.flag.FlagRepository;
import io.tributary.flag.FlagRoutes;
import io.tributary.flag.FlagStore;
import io.tributary.flag.ModuleGate;
import io.tributary.health.HealthRoutes;
import io.tributary.http.BearerAuth;
import io.tributary.http.ContractValidation;
import io.tributary.http.ErrorHandler;
import io.tributary.http.RequestIdHandler;
import io.tributary.http.UnansweredRequests;
import io.tributary.http.TokenRevocations;
import io.tributary.ingest.IngestRepository;
import io.tributary.insight.InsightRoutes;
import io.tributary.ingest.UploadRoutes;
import io.tributary.llm.LlmClient;
import io.tributary.ml.MlRoutes;
import io.tributary.query.NaturalLanguage;
import io.tributary.query.QueryCache;
import io.tributary.query.QueryRoutes;
import io.tributary.query.QueryService;
import io.tributary.query.QueryTables;
import io.tributary.source.Sources;
import io.tributary.ratelimit.RateLimiter;
import io.tributary.ratelimit.RouteClassLimits;
import io.tributary.redis.RedisLink;
import io.tributary.stream.StreamEvents;
import io.tributary.search.SearchIndex;
import io.tributary.search.SearchRoutes;
import io.tributary.stream.StreamRepository;
import io.tributary.stream.StreamRoutes;
import io.tributary.web.WebRoutes;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Assembles every HTTP route in order: request id, errors, public routes (health, metrics, OpenAPI, login,
 * keys), body handling, the token check for {@code /api/*}, then the feature routes. Routes belong to their
 * feature packages; {@code openapi.yaml} documents each one (checked by a test).
 */
final class ApiRouter {

  /** Per event loop and cache: entries kept, and their longest life (changes drop them much sooner). */
  private static final int READ_CACHE_ENTRIES = 10_000;
  private static final long READ_CACHE_MAX_AGE_MS = 60_000;

  /**
   * Path prefixes (the path itself and everything below it) of each feature module: while its flag
   * {@code module.<name>} is off for a user, they answer 404 FEATURE_DISABLED ({@link ModuleGate}).
   */
  static final Map<String, String> MODULES = modules();

  private static Map<String, String> modules() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("/api/v1/dashboards", "dashboards");
    m.put("/api/v1/exports", "dashboards");
    m.put("/ws/analytics", "dashboards");
    m.put("/api/v1/insights", "insights");
    m.put("/api/v1/ml", "ml");
    m.put("/api/v1/collections", "collections");
    m.put("/api/v1/backups", "collections");
    m.put("/api/v1/streams", "streams");
    m.put("/ws/streams", "streams");
    m.put("/api/v1/query/natural", "natural_query");
    m.put("/api/v1/search", "search");
    return m;
  }

  /**
   * Which per-request checks a router runs: {@link #ALL} in service. The others serve only FlagBench's with/without
   * comparison (and CollectionBench's search without its cache, and without its cache and in-memory catalog), on extra listeners bound to 127.0.0.1 when
   * {@code http.bench.*_port} is set (0, the default: none). BENCHMARK ONLY: they skip a security check or a cache.
   */
  enum Checks { ALL, WITHOUT_MODULE_GATE, WITHOUT_REVOCATION_CHECK, WITHOUT_SEARCH_CACHE,
    WITHOUT_SEARCH_INDEX }

  /** What the routes share on one HTTP verticle instance. */
  record Shared(Pool pool, RedisLink redis, KafkaAdminClient admin, HealthRoutes health, ContractValidation contract,
                ChangeFeed changes, ChangeFeed searchChanges, SearchIndex searchIndex) {
  }

  private ApiRouter() {
  }

  /** The router with every check, as served. */
  static Router create(Vertx vertx, JsonObject cfg, Shared shared) {
    return create(vertx, cfg, shared, Checks.ALL);
  }

  /**
   * @param cfg the HTTP verticle's configuration ({@link HttpServerVerticle#config})
   * @param checks {@link Checks#ALL}, except on a benchmark listener
   */
  static Router create(Vertx vertx, JsonObject cfg, Shared shared, Checks checks) {
    JsonObject node = cfg.getJsonObject(Sections.NODE);
    Path dataDir = Path.of(node.getString("data_dir"));
    Tokens tokens = new Tokens(vertx, cfg.getJsonObject("auth"));
    ContractValidation contract = shared.contract();

    Router router = Router.router(vertx);
    ErrorHandler errors = new ErrorHandler();
    router.route().handler(new RequestIdHandler());
    long unansweredMs = cfg.getLong("unanswered_warn_ms", 60_000L);
    UnansweredRequests unanswered = new UnansweredRequests(unansweredMs);
    if (unanswered.enabled()) {
      router.route().handler(unanswered);
      long every = Math.max(100L, Math.min(5_000L, unansweredMs / 4));
      vertx.setPeriodic(every, id -> unanswered.sweep(System.nanoTime())); // this instance's event loop
    }
    router.route().failureHandler(errors);
    router.errorHandler(404, errors);
    router.errorHandler(405, errors);

    shared.health().mount(router);
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    router.get("/openapi.yaml").handler(ctx -> ctx.response()
      .putHeader("Content-Type", "text/plain; charset=utf-8").sendFile(ContractValidation.DOCUMENT));

    AuthRoutes auth = new AuthRoutes(vertx, new UserRepository(shared.pool()), tokens,
      cfg.getJsonObject("auth").getJsonObject("jwks"),
      new LoginThrottle(shared.redis(), cfg.getJsonObject("auth").getJsonObject("login_throttle", new JsonObject())));
    router.route().handler(apiOnly(bodies(cfg.getLong("max_json_body_bytes", 1_048_576L))));
    auth.mountPublic(router, contract);
    Revocations revocations = Revocations.current(vertx);
    BearerAuth bearer = new BearerAuth(tokens.provider(),
      checks == Checks.WITHOUT_REVOCATION_CHECK ? TokenRevocations.NONE : revocations);
    FlagStore flags = FlagStore.current(vertx);
    ModuleGate gate = new ModuleGate(flags, bearer, MODULES);
    DatasetRepository datasets = new DatasetRepository(shared.pool());
    StreamRepository streams = new StreamRepository(shared.pool());
    JsonObject queryCfg = cfg.getJsonObject("query");
    QueryService queries = new QueryService(vertx, new QueryTables(shared.pool(), dataDir, syncedCache(shared)),
      new QueryCache(shared.redis(), queryCfg), queryCfg.getLong("timeout_ms", 30_000L));
    FanoutSettings fanout = FanoutSettings.from(cfg.getJsonObject("fanout"));
    StreamSockets streamSockets = new StreamSockets(vertx, fanout);
    Dashboards dashboards = new Dashboards(vertx, shared.pool(), queries, lookups(datasets, streams, gate), bearer,
      streamSockets, cfg.getJsonObject("dashboard"), dataDir, syncedCache(shared));
    dashboards.mountPublic(router);
    shared.changes().onChange(dashboards::changed);
    router.route().handler(apiOnly(bearer));
    if (checks != Checks.WITHOUT_MODULE_GATE) {
      router.route().handler(gate);
    }
    router.route().handler(new RouteClassLimits(shared.redis(), cfg.getJsonObject("rate_limit")));
    MlRoutes ml = new MlRoutes(vertx, shared.pool(), dataDir, cfg.getJsonObject("ml"),
      cfg.getJsonObject("kafka").getJsonObject("topics"), readCache(shared), node.getLong("file_grace_ms"));
    ml.mountPredict(router, contract); // first after the checks: the router tries each route in turn per request
    new FlagRoutes(new FlagRepository(shared.pool()), flags).mount(router);
    auth.mountProtected(router, contract);
    new UserRoutes(new UserAdminRepository(shared.pool()), revocations,
      new UserEraser(vertx, shared.pool(), shared.redis(), revocations, dataDir)).mount(router);
    new UserExportRoutes(vertx, shared.pool(), new UserAdminRepository(shared.pool()),
      new JobQueue(shared.pool(), cfg.getJsonObject("kafka").getJsonObject("topics")), io.tributary.lake.Lake.of(vertx, dataDir))
      .mount(router);

    new UploadRoutes(vertx, new IngestRepository(shared.pool(), cfg.getJsonObject("kafka").getJsonObject("topics")),
      dataDir.resolve("staging"), cfg.getLong("max_upload_bytes")).mount(router);
    new DatasetRoutes(vertx, datasets, dataDir, node.getLong("file_grace_ms"), readCache(shared)).mount(router);

    NaturalLanguage natural = new NaturalLanguage(new LlmClient(vertx, cfg.getJsonObject("llm")), queries,
      datasets::profile, queryCfg.getInteger("default_limit", 1000));
    RateLimiter rateLimit = new RateLimiter(shared.redis(), cfg.getJsonObject("rate_limit"));
    new QueryRoutes(vertx, queries, natural, queryCfg).mount(router, contract, rateLimit);

    new StreamRoutes(vertx, streams, shared.admin(), cfg.getJsonObject("kafka")).mount(router, contract);
    new InsightRoutes(vertx, shared.pool(), shared.redis(), new LlmClient(vertx, cfg.getJsonObject("llm")), dataDir,
      cfg.getJsonObject("insight")).mount(router, contract);
    new StreamEvents(vertx, streams, cfg.getJsonObject("kafka"), cfg.getLong("max_event_bytes", 10_485_760L))
      .mount(router, rateLimit);
    new Sources(vertx, shared.pool(), cfg.getJsonObject("sources", new JsonObject()).copy()
      .put("kafka_topics", cfg.getJsonObject("kafka").getJsonObject("topics"))).mount(router, contract);
    dashboards.mount(router, contract);
    new AuditRoutes(shared.pool()).mount(router);
    ml.mount(router, contract);
    new Collections(vertx, shared.pool(), cfg.getJsonObject("collection"), dataDir, node.getLong("file_grace_ms"),
      cfg.getJsonObject("kafka").getJsonObject("topics"), cfg.getLong("max_upload_bytes")).mount(router, contract);
    new SearchRoutes(vertx, shared.pool(), cfg.getJsonObject("search"),
      checks == Checks.WITHOUT_SEARCH_CACHE || checks == Checks.WITHOUT_SEARCH_INDEX ? null : shared.searchChanges(),
      checks == Checks.WITHOUT_SEARCH_INDEX ? null : shared.searchIndex()).mount(router);
    new SocketRoutes(bearer, new UserSockets(vertx, fanout), streams, streamSockets).mount(router);
    dashboards.mountSockets(router);
    new WebRoutes().mount(router); // the web app, last: it never answers an API path
    return router;
  }

  /** What dashboards need of datasets, streams and flags. */
  private static DashboardChecks.Lookups lookups(DatasetRepository datasets, StreamRepository streams, ModuleGate gate) {
    return new DashboardChecks.Lookups() {
      @Override
      public Future<Void> dashboardsOn(UUID userId, String tier) {
        return gate.require("dashboards", userId.toString(), tier);
      }

      @Override
      public Future<Boolean> ownsDataset(UUID ownerId, UUID datasetId) {
        return datasets.find(datasetId, ownerId).map(d -> d != null);
      }

      @Override
      public Future<String> streamId(UUID ownerId, String name) {
        return streams.viewable(ownerId, name, ownerId).map(id -> id == null ? null : id.toString());
      }
    };
  }

  private static <T> OwnerCache<T> readCache(Shared shared) {
    return new OwnerCache<>(shared.changes(), READ_CACHE_ENTRIES, READ_CACHE_MAX_AGE_MS);
  }

  /** A read cache that grants access (tables and dashboards reached through shares): never older than the request. */
  private static <T> OwnerCache<T> syncedCache(Shared shared) {
    return OwnerCache.synced(shared.changes(), READ_CACHE_ENTRIES, READ_CACHE_MAX_AGE_MS);
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
   * JSON bodies are read (bounded) before the token check; upload, restore-upload and events bodies stay paused so their routes
   * read them after authentication, with their own limits.
   */
  private static Handler<RoutingContext> bodies(long maxJsonBytes) {
    BodyHandler json = BodyHandler.create(false).setBodyLimit(maxJsonBytes);
    return ctx -> {
      if (UploadRoutes.UPLOAD_PATH.equals(ctx.normalizedPath()) || StreamEvents.isEventsPath(ctx.normalizedPath())
        || Collections.isArchiveUpload(ctx.normalizedPath(), ctx.request().getHeader("Content-Type"))) {
        ctx.request().pause();
        ctx.next();
      } else {
        json.handle(ctx);
      }
    };
  }
}
