package io.tributary.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Tributary as a separate process (the test class path, {@code io.tributary.Tributary}), so a test can kill it
 * with SIGKILL and start it again on the same data. It has its own PostgreSQL database (on the run's embedded
 * server) and data directory, and shares the run's Redis and Kafka, as a second deployment would.
 */
public final class ChildServer implements AutoCloseable {

  public static final String ADMIN_EMAIL = "child-admin@test.local";
  public static final String ADMIN_PASSWORD = "Child-password-1";

  public final int port;
  public final Path dataDir;
  public final String pgUrl;
  /** The Kafka namespace of this server (kept across its restarts): its topics are {@code <namespace>.data.ingestion}... */
  public final String namespace = "child-" + java.util.UUID.randomUUID();
  private final String redisUrl;
  private final String kafkaBootstrap;
  private final Map<String, String> extraEnv = new java.util.HashMap<>();
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Process process;

  /** A new database (on the run's PostgreSQL) and data directory, the run's Redis and Kafka; {@link #start()} runs it. */
  public ChildServer(Path dataDir) throws Exception {
    this(dataDir, newDatabase(TestApp.get().services.pgUrl()), TestApp.get().services.redisUrl(), Kafka.bootstrap());
  }

  /** A server on the given services (tests that stop and start them). */
  public ChildServer(Path dataDir, String pgUrl, String redisUrl, String kafkaBootstrap) throws Exception {
    this.dataDir = dataDir;
    this.log = dataDir.resolve("server.log");
    this.pgUrl = pgUrl;
    this.redisUrl = redisUrl;
    this.kafkaBootstrap = kafkaBootstrap;
    try (ServerSocket socket = new ServerSocket(0)) {
      this.port = socket.getLocalPort();
    }
  }

  /** A new, empty database on the PostgreSQL server of {@code baseUrl}; returns its URL. */
  public static String newDatabase(String baseUrl) throws Exception {
    String database = "child_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(io.tributary.db.Database.jdbcUrl(baseUrl)); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
    return baseUrl.substring(0, baseUrl.lastIndexOf('/') + 1) + database;
  }

  /** Another environment setting of the process (from the next {@link #start()}). */
  public ChildServer env(String name, String value) {
    extraEnv.put(name, value);
    return this;
  }

  /** True while the process runs. */
  public boolean alive() {
    return process != null && process.isAlive();
  }

  /** The process id (for its open descriptors, jcmd). */
  public long pid() {
    return process.pid();
  }

  /** Starts the process and waits until it is ready (at most 120 s). */
  public ChildServer start() throws Exception {
    return start(120);
  }

  /** Starts the process and waits until it is ready (at most {@code seconds}: several at once start slowly). */
  public ChildServer start(int seconds) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-Xmx768m", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED")); // what Hazelcast (cluster tests) reflects into
    String extra = System.getProperty("child.jvm.options", "").strip(); // benchmarks' own JVM flags
    if (!extra.isEmpty()) {
      cmd.addAll(List.of(extra.split("\\s+")));
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.tributary.Tributary"));
    ProcessBuilder pb = new ProcessBuilder(cmd)
      .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = pb.environment();
    env.put("TRIBUTARY_DATA_DIR", dataDir.toString());
    env.put("TRIBUTARY_HTTP_PORT", Integer.toString(port));
    env.put("TRIBUTARY_HTTP_INSTANCES", "1");
    env.put("TRIBUTARY_TRANSFORM_WARMUP_ROWS", "0"); // the JIT warm-ups only cost CPU in tests
    env.put("TRIBUTARY_PROFILE_WARMUP_ROWS", "0");
    // its own database, so its own topics, groups and transactional ids on the shared broker (else the test app's
    // consumers would take this server's job events, and the two outbox relays would fence each other)
    env.put("TRIBUTARY_KAFKA_NAMESPACE", namespace);
    env.put("TRIBUTARY_PG_URL", pgUrl);
    env.put("TRIBUTARY_REDIS_URL", redisUrl);
    env.put("TRIBUTARY_KAFKA_BOOTSTRAP", kafkaBootstrap);
    env.put("TRIBUTARY_ADMIN_EMAIL", ADMIN_EMAIL);
    env.put("TRIBUTARY_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("TRIBUTARY_STREAM_FLUSH_RECORDS", "5000");
    env.put("TRIBUTARY_STREAM_FLUSH_MS", "300");
    env.putAll(extraEnv);
    process = pb.start();
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the child server exited; see " + log);
      }
      try {
        if (get("/health/ready", null).statusCode() == 200) {
          return this;
        }
      } catch (IOException starting) {
        // not listening yet
      }
      Thread.sleep(300);
    }
    throw new IllegalStateException("the child server was not ready in " + seconds + " s; see " + log);
  }

  /**
   * The server log's lines (all its lives) that mention one of {@code needles} or are warnings and errors, the last
   * {@code max} of them: what a failed assertion shows, since the log itself goes with the test's directory.
   */
  public String logExcerpt(int max, String... needles) {
    try {
      List<String> lines = java.nio.file.Files.readAllLines(log).stream()
        .filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("Shut") || l.contains("Starting")
          || java.util.Arrays.stream(needles).anyMatch(l::contains))
        .toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - max), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Logs in as the server's admin and returns the token. */
  public String login() throws IOException, InterruptedException {
    HttpResponse<String> r = post("/api/v1/auth/login", null, new io.vertx.core.json.JsonObject()
      .put("email", ADMIN_EMAIL).put("password", ADMIN_PASSWORD).encode());
    if (r.statusCode() != 200) {
      throw new AssertionError("admin login answered " + r.statusCode() + ": " + r.body());
    }
    return new io.vertx.core.json.JsonObject(r.body()).getString("token");
  }

  /** SIGTERM, as an orchestrator stops a container: waits for the exit (at most 120 s) and returns its code. */
  public int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the server did not exit within 120 s of SIGTERM");
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook, no flush, nothing graceful. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path, String token, String json) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
      .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
