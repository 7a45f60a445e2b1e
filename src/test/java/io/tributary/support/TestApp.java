package io.tributary.support;

import io.tributary.MainVerticle;
import io.tributary.Tributary;
import io.tributary.config.AppConfig;
import io.tributary.embedded.EmbeddedServices;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one Tributary of a test run: real embedded PostgreSQL, Redis and Kafka started once per JVM, and the
 * application deployed against them exactly as in production (their addresses given as external URLs).
 * Test classes share it and keep apart by creating their own users.
 */
public final class TestApp {

  public static final String ADMIN_EMAIL = "admin@test.local";
  public static final String ADMIN_PASSWORD = "Admin-password-1";
  /** Short, so the timeout test is quick; every other test query takes milliseconds. */
  public static final long QUERY_TIMEOUT_MS = 4000;
  /** The free tier's hourly query limit in tests (premium keeps the default 1,000). */
  public static final int RATE_LIMIT_FREE = 100;
  /** Small enough for a test to exceed. */
  public static final long MAX_UPLOAD_BYTES = 40L * 1024 * 1024;
  /** Short, so the stalled-model test is quick; every other prediction takes milliseconds. */
  public static final long PREDICT_TIMEOUT_MS = 5000;
  /** Predictions waiting for one model: above PredictBench's 64 connections, few enough for a test to exceed. */
  public static final int PREDICT_MAX_WAITING = 80;

  private static TestApp instance;
  private static IllegalStateException startFailure;

  public final Vertx vertx;
  public final Path dataDir;
  public final int port;
  /**
   * BENCHMARK ONLY: the API without the search cache ({@code http.bench.without_search_cache_port}), when the
   * system property {@code tributary.bench.search_uncached} is true; else 0.
   */
  public final int searchUncachedPort;
  /**
   * BENCHMARK ONLY: the API without the search cache and the in-memory catalog, the SQL on every search
   * ({@code http.bench.without_search_index_port}), when {@code tributary.bench.search_uncached} is true; else 0.
   */
  public final int searchSqlPort;
  public final EmbeddedServices services;
  public final FakeLlm llm;
  public final FakeEmbeddings embeddings;
  /**
   * The WebSocket client of the tests, held for the whole run: Vert.x closes a client, and every socket it
   * opened, once the client object is garbage collected, so a client made per call can lose its sockets.
   */
  public final WebSocketClient sockets;
  private final JsonObject config;
  private String deploymentId;

  private TestApp() throws Exception {
    dataDir = Files.createTempDirectory("tributary-test-");
    services = EmbeddedServices.start(dataDir.resolve("services"), true, true, true, freePort());
    // the hook below closes the application first, then the services (else Kafka could stop under its consumers,
    // whose close then waits 30 s for the broker)
    services.ownerWillClose(java.time.Duration.ofSeconds(60));
    vertx = Tributary.vertxBuilder(new VertxOptions()
      .setBlockedThreadCheckInterval(200).setMaxEventLoopExecuteTime(200_000_000L)).build();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Await.result(vertx.close());
      } catch (Exception ignored) {
        // best effort at JVM exit
      }
      services.close();
      deleteTree(dataDir);
    }));
    port = freePort();
    config = Await.result(AppConfig.load(vertx, Map.of()));
    config.put("data_dir", dataDir.resolve("app").toString());
    config.getJsonObject("http").put("port", port).put("host", "127.0.0.1").put("max_upload_bytes", MAX_UPLOAD_BYTES);
    searchUncachedPort = Boolean.getBoolean("tributary.bench.search_uncached") ? freePort() : 0;
    config.getJsonObject("http").getJsonObject("bench").put("without_search_cache_port", searchUncachedPort);
    searchSqlPort = Boolean.getBoolean("tributary.bench.search_uncached") ? freePort() : 0;
    config.getJsonObject("http").getJsonObject("bench").put("without_search_index_port", searchSqlPort);
    config.getJsonObject("admin").put("email", ADMIN_EMAIL).put("password", ADMIN_PASSWORD);
    config.getJsonObject("postgres").put("url", services.pgUrl());
    config.getJsonObject("redis").put("url", services.redisUrl());
    config.getJsonObject("kafka").put("bootstrap", services.kafkaBootstrap());
    config.getJsonObject("ingest").put("job_lease_seconds", 6);
    config.getJsonObject("transform").put("warmup_rows", 0); // the JIT warm-ups only cost CPU in tests
    config.getJsonObject("profile").put("warmup_rows", 0);
    llm = new FakeLlm(vertx);
    sockets = vertx.createWebSocketClient();
    config.getJsonObject("llm").put("base_url", llm.baseUrl()).put("api_key", "test-key").put("model", "test-model");
    embeddings = new FakeEmbeddings(vertx);
    // search documents are embedded within a fraction of a second, and retried soon after a failure
    config.getJsonObject("search").getJsonObject("embeddings").put("url", embeddings.url()).put("api_key", "embed-key")
      .put("model", "fake-bag-of-words").put("poll_ms", 200).put("retry_ms", 500);
    config.getJsonObject("rate_limit").put("free_per_hour", RATE_LIMIT_FREE);
    // BENCHMARK ONLY: a closed loop of cached searches passes 100,000 requests an hour in seconds
    Integer benchApiPerHour = Integer.getInteger("tributary.bench.api_premium_per_hour");
    if (benchApiPerHour != null) {
      config.getJsonObject("rate_limit").getJsonObject("classes").getJsonObject("api")
        .put("premium_per_hour", benchApiPerHour);
    }
    config.getJsonObject("query").put("timeout_ms", QUERY_TIMEOUT_MS);
    config.getJsonObject("ml").put("predict_timeout_ms", PREDICT_TIMEOUT_MS).put("predict_max_waiting", PREDICT_MAX_WAITING);
    // small, frequent micro-batches and eager compaction, so stream tests see many parts quickly
    config.getJsonObject("stream").put("flush_records", 20_000).put("flush_ms", 300).put("compaction_interval_ms", 1_000)
      .put("compaction_min_parts", 4);
    // a slow socket's backlog: 2 MB of records (the slow-consumer test sends 8 KB records)
    config.getJsonObject("fanout").put("socket_backlog_bytes", 2L << 20);
    // imports read the embedded PostgreSQL and the machine's MariaDB, both on loopback (as embedded mode allows)
    config.getJsonObject("sources").put("allowed_hosts", new io.vertx.core.json.JsonArray().add("127.0.0.0/8").add("::1"))
      .put("schedule_poll_ms", 300);
    deploy();
  }

  /** Whether the shared application has started (without starting it). */
  static synchronized boolean running() {
    return instance != null;
  }

  /** The shared application, started on first use. */
  public static synchronized TestApp get() {
    if (startFailure != null) {
      throw startFailure;
    }
    if (instance == null) {
      try {
        instance = new TestApp();
      } catch (Exception e) {
        startFailure = new IllegalStateException("Test application did not start", e);
        throw startFailure;
      }
    }
    return instance;
  }

  /** Stops every verticle of the application (the services stay up) and starts it again on the same data. */
  public synchronized void restart() {
    Await.result(vertx.undeploy(deploymentId));
    deploy();
  }

  /** A copy of the configuration the application runs with. */
  public JsonObject config() {
    return config.copy();
  }

  private void deploy() {
    deploymentId = Await.result(vertx.deployVerticle(new MainVerticle(), new DeploymentOptions().setConfig(config.copy())));
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at JVM exit
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
