package io.tributary.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged jar started as its own process (as an operator would), for benchmarks. */
final class ServerProcess implements AutoCloseable {

  static final String ADMIN_EMAIL = "bench@tributary.local";
  static final String ADMIN_PASSWORD = "Bench-password-1";
  private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+]+)$",
    Pattern.MULTILINE);
  /** A collection in the child's GC log: the heap in use before it ({@code 244M->90M(260M)}). */
  private static final Pattern GC_BEFORE = Pattern.compile(" (\\d+)([KMG])->\\d+[KMG]\\(\\d+[KMG]\\)");

  final int port;
  /** The embedded Kafka broker's port (bootstrap 127.0.0.1:kafkaPort), for benchmarks that produce directly. */
  final int kafkaPort;
  final Process process;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Path log;
  /** The child's GC log (one line per collection), read for its peak heap at no cost to the server. */
  private final Path gcLog;

  ServerProcess(Path jar, Path dataDir, String heap, Path log) throws Exception {
    this(jar, dataDir, heap, log, Map.of());
  }

  /** @param extraEnv more environment settings of the server (e.g. a higher rate limit for load runs) */
  ServerProcess(Path jar, Path dataDir, String heap, Path log, Map<String, String> extraEnv) throws Exception {
    port = freePort();
    gcLog = log.resolveSibling(log.getFileName() + ".gc");
    Files.deleteIfExists(gcLog);
    List<String> cmd = new ArrayList<>(List.of("java", "-Xmx" + heap, "-XX:+UseG1GC", "-Xlog:gc:file=" + gcLog));
    String extraJvm = System.getProperty("bench.server.jvm", "");
    if (!extraJvm.isBlank()) {
      cmd.addAll(List.of(extraJvm.trim().split("\\s+")));
    }
    cmd.addAll(List.of("-jar", jar.toString()));
    this.log = log;
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("TRIBUTARY_DATA_DIR", dataDir.toString());
    env.put("TRIBUTARY_HTTP_PORT", Integer.toString(port));
    kafkaPort = freePort();
    env.put("TRIBUTARY_KAFKA_EMBEDDED_PORT", Integer.toString(kafkaPort));
    env.put("TRIBUTARY_ADMIN_EMAIL", ADMIN_EMAIL);
    env.put("TRIBUTARY_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("TRIBUTARY_MAX_UPLOAD_BYTES", Long.toString(8L << 30));
    env.remove("TRIBUTARY_PG_URL");
    env.remove("TRIBUTARY_REDIS_URL");
    env.remove("TRIBUTARY_KAFKA_BOOTSTRAP");
    env.putAll(extraEnv);
    process = pb.start();
    // SIGTERM when the bench itself is stopped: the server shuts down and stops its embedded services
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
    // on a shared, loaded machine the embedded services can take longer: -Dbench.server.start.seconds
    long startSeconds = Long.getLong("bench.server.start.seconds", 180);
    long deadline = System.currentTimeMillis() + startSeconds * 1000;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("server exited; see " + log);
      }
      try {
        if (get("/health/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("server not ready after " + startSeconds + " s; see " + log);
  }

  /** Waits until the server's log has a line containing one of the markers (e.g. the end of its JIT warm-up). */
  void awaitLog(Duration timeout, String... markers) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String text = java.nio.file.Files.readString(log, java.nio.charset.StandardCharsets.UTF_8);
      for (String marker : markers) {
        if (text.contains(marker)) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("none of " + List.of(markers) + " in " + log + " after " + timeout);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
      HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** The heap in use now (bytes, all heap pools), from /metrics. */
  double heapUsed() throws IOException, InterruptedException {
    Matcher m = HEAP.matcher(get("/metrics").body());
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  /**
   * The highest heap in use since the start (bytes): the heap peaks just before a collection, and the GC log records
   * each one, so this is the largest figure before a collection, or the heap now if that is larger. Sampling
   * /metrics instead would miss peaks between samples, and at 20 scrapes a second it took CPU and humongous
   * allocations from the job it measured.
   */
  double peakHeap() throws IOException, InterruptedException {
    double peak = heapUsed();
    if (Files.exists(gcLog)) {
      Matcher m = GC_BEFORE.matcher(Files.readString(gcLog));
      while (m.find()) {
        int shift = switch (m.group(2)) {
          case "K" -> 10;
          case "M" -> 20;
          default -> 30;
        };
        peak = Math.max(peak, (double) (Long.parseLong(m.group(1)) << shift));
      }
    }
    return peak;
  }

  @Override
  public void close() throws Exception {
    stop(process, 60);
  }

  /** Asks a process to stop (SIGTERM) and kills it if it has not within {@code seconds}. */
  static void stop(Process process, int seconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
