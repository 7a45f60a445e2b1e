package io.tributary.bench;

import io.tributary.insight.InsightContract;
import io.tributary.insight.InsightVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Insight benchmark: for each size of {@code bench.insight.rows} (default {@code 1000000,3000000}) a Parquet file
 * of a timestamp, four numeric and two text columns (planted outliers and a trend included) is generated; the
 * insight worker ({@link InsightVerticle}, deployed here as in the server, over its event-bus contract) analyses
 * it once cold and {@code bench.insight.runs} times (default 3), each run followed by DuckDB's {@code SUMMARIZE} of the
 * same file with the same memory limit and threads (wall and process CPU time). Targets: under 1 s for 1M rows, at most 3x SUMMARIZE. Writes
 * {@code insight.md}. Run with {@code java -cp <test classpath> io.tributary.bench.InsightBench target/bench}.
 */
public final class InsightBench {

  private static final String MEMORY = "512MB";
  private static final int THREADS = 2;

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0); // the worker's Vert.x threads would keep the JVM alive
  }

  private static void run(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench").toAbsolutePath();
    Path dir = out.resolve("insight");
    Files.createDirectories(dir);
    int runs = Integer.getInteger("bench.insight.runs", 3);
    long[] sizes = Arrays.stream(System.getProperty("bench.insight.rows", "1000000,3000000").split(","))
      .map(String::trim).mapToLong(Long::parseLong).toArray();
    Vertx vertx = Vertx.vertx();
    JsonObject cfg = new JsonObject().put("memory_limit", MEMORY).put("threads", THREADS).put("max_anomalies", 50)
      .put("node", new JsonObject().put("data_dir", dir.toString()));
    get(vertx.deployVerticle(InsightVerticle::new, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)
      .setConfig(cfg)));
    StringBuilder md = new StringBuilder("# Insights\n\n")
      .append("The insight worker over one Parquet file (ts TIMESTAMP, 4 DOUBLE, 2 VARCHAR), through its event-bus ")
      .append("contract, next to DuckDB `SUMMARIZE` of the same file (memory limit ").append(MEMORY).append(", ")
      .append(THREADS).append(" threads, both). ").append(runs).append(" measured runs after a cold one, each an ")
      .append("insight run then a SUMMARIZE, so both see the same load; the CPU ratio is of the process's CPU time. Targets: ")
      .append("under 1 s for 1M rows, at most 3x SUMMARIZE.\n\n")
      .append("| rows | file MB | insights cold ms | insights median ms | SUMMARIZE median ms | ratio | CPU ratio | anomalies | trends |\n")
      .append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (long rows : sizes) {
      Path file = dir.resolve("data-" + rows + ".parquet");
      generate(file, rows);
      JsonObject request = new JsonObject().put("files", new JsonArray().add(file.toString()));
      long c0 = System.nanoTime();
      JsonObject report = get(vertx.eventBus().<JsonObject>request(InsightContract.GENERATE, request,
        new DeliveryOptions().setSendTimeout(600_000))).body();
      double cold = (System.nanoTime() - c0) / 1e6;
      // interleaved (insight, then SUMMARIZE, per run) so both see the same load; wall and process CPU time
      List<Double> insight = new ArrayList<>();
      List<Double> insightCpu = new ArrayList<>();
      List<Double> summarize = new ArrayList<>();
      List<Double> summarizeCpu = new ArrayList<>();
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
        s.execute("SET memory_limit = '" + MEMORY + "'");
        s.execute("SET threads = " + THREADS);
        summarize(s, file); // cold
        for (int i = 0; i < runs; i++) {
          long t0 = System.nanoTime();
          long u0 = cpuNanos();
          get(vertx.eventBus().request(InsightContract.GENERATE, request, new DeliveryOptions().setSendTimeout(600_000)));
          insight.add((System.nanoTime() - t0) / 1e6);
          insightCpu.add((cpuNanos() - u0) / 1e6);
          t0 = System.nanoTime();
          u0 = cpuNanos();
          summarize(s, file);
          summarize.add((System.nanoTime() - t0) / 1e6);
          summarizeCpu.add((cpuNanos() - u0) / 1e6);
        }
      }
      md.append(String.format(Locale.ROOT, "| %,d | %.1f | %.0f | %.0f | %.0f | %.2f | %.2f | %d | %d |%n", rows,
        Files.size(file) / 1048576.0, cold, median(insight), median(summarize), median(insight) / median(summarize),
        median(insightCpu) / median(summarizeCpu), report.getInteger("anomaly_count"), report.getJsonArray("trends").size()));
      System.out.printf(Locale.ROOT, "%,d rows: insights %.0f ms (cold %.0f, CPU %.0f ms), SUMMARIZE %.0f ms (CPU %.0f ms)%n",
        rows, median(insight), cold, median(insightCpu), median(summarize), median(summarizeCpu));
    }
    md.append(String.format(Locale.ROOT, "%nJVM %s, %d cores, load average %.1f at the end.%n",
      System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
      ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    Files.writeString(out.resolve("insight.md"), md);
    System.out.print(md);
    get(vertx.close());
  }

  /** Writes the bench's dataset of {@code rows} rows to {@code file} (once). */
  public static void generate(Path file, long rows) throws Exception {
    if (Files.exists(file)) {
      return;
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SELECT setseed(0.42)");
      s.execute("COPY (SELECT TIMESTAMP '2024-01-01' + to_seconds(i * 30) AS ts, "
        + "CASE WHEN i % 100003 = 7 THEN 5000 ELSE 100 + 10 * sqrt(-2 * ln(random() + 1e-12)) * cos(2 * pi() * random()) END AS amount, "
        + "0.001 * i + random() * 50 AS load, "
        + "floor(random() * 20)::DOUBLE AS qty, "
        + "exp(random() * 4) AS price, "
        + "['north', 'south', 'east', 'west', 'central'][1 + (hash(i) % 5)::INTEGER] AS region, "
        + "'c' || (i % 1000)::VARCHAR AS customer "
        + "FROM range(" + rows + ") r(i)) TO '" + file + "' (FORMAT parquet)");
    }
  }

  private static void summarize(Statement s, Path file) throws Exception {
    try (ResultSet rs = s.executeQuery("SUMMARIZE SELECT * FROM read_parquet('" + file + "')")) {
      while (rs.next()) {
        rs.getObject(1);
      }
    }
  }

  /** CPU time of the whole process: the insight worker's DuckDB and SUMMARIZE's both run in it. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }

  private static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }
}
