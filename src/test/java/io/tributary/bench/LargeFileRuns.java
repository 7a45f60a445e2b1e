package io.tributary.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hostile-size runs of {@link IngestBench}, each against a fresh server with the default limits: a CSV of
 * {@code bench.huge.rows} rows (default 60M, about 3.9 GB) with a unique string column, which must complete with
 * exact figures, timed next to DuckDB's own COPY plus the same profile statistics on the same file; and a CSV with one
 * line of {@code bench.line.bytes} (default 1 GiB), which must fail naming the field limit, after which an ordinary
 * upload completes. Reports the heap after GC (largest {@code jvm_gc_live_data_size_bytes}) and the peak RSS (VmHWM).
 */
final class LargeFileRuns {

  private static final Pattern LIVE = Pattern.compile("^jvm_gc_live_data_size_bytes(?:\\{[^}]*})? ([0-9.eE+]+)$",
    Pattern.MULTILINE);
  private static final String[] COLUMNS = {"id", "uid", "category", "amount", "quantity", "created_at"};

  record Run(String label, long rows, long bytes, double uploadS, double processS, double heapAfterGcMb, double rssMb,
             double duckS, String status) {
  }

  private LargeFileRuns() {
  }

  static List<Run> run(Path jar, Path out, String heap, long hugeRows, long lineBytes) throws Exception {
    List<Run> runs = new ArrayList<>();
    if (hugeRows > 0) {
      runs.add(uniqueStrings(jar, out, heap, hugeRows));
    }
    if (lineBytes > 0) {
      runs.add(hugeLine(jar, out, heap, lineBytes));
    }
    return runs;
  }

  private static Run uniqueStrings(Path jar, Path out, String heap, long rows) throws Exception {
    Path csv = out.resolve("bench-unique.csv");
    Path parquet = out.resolve("bench-unique-duck.parquet");
    try {
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
        s.execute("COPY (SELECT i AS id, substr(md5(i::VARCHAR), 1, 8) || '-' || i AS uid, "
          + "['alpha','beta','gamma','delta'][(i % 4) + 1] AS category, "
          + "round(((i * 7919) % 1000003) / 1000.0 + (i % 97) / 97.0, 4) AS amount, "
          + "CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 31) % 10000 END AS quantity, "
          + "TIMESTAMP '2024-01-01 00:00:00' + to_seconds(i) AS created_at FROM range(" + rows + ") t(i)) TO '" + csv
          + "' (HEADER)");
      }
      long t = System.nanoTime();
      Map<String, long[]> expected = duckCopyAndProfile(csv, parquet);
      double duck = (System.nanoTime() - t) / 1e9;
      Files.deleteIfExists(parquet);
      Run run = upload(jar, out, heap, "60M rows, unique strings", csv, rows, duck, (server, token, job) -> {
        JsonObject profile = new JsonObject(server.http.send(HttpRequest.newBuilder(server.uri("/api/v1/data/profile/"
          + job.getString("dataset_id"))).header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString()).body());
        return exactness(profile, expected, rows);
      });
      return run;
    } finally {
      Files.deleteIfExists(csv);
      Files.deleteIfExists(parquet);
    }
  }

  private static Run hugeLine(Path jar, Path out, String heap, long lineBytes) throws Exception {
    Path csv = out.resolve("bench-line.csv");
    try {
      try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
        w.write("id,text\n1,short\n2,");
        char[] chunk = "x".repeat(1 << 16).toCharArray();
        for (long written = 0; written < lineBytes; written += chunk.length) {
          w.write(chunk);
        }
        w.write("\n3,short\n");
      }
      return upload(jar, out, heap, "one line of " + lineBytes / (1 << 20) + " MiB", csv, 3, Double.NaN,
        (server, token, job) -> {
          HttpResponse<String> ordinary = IngestBench.upload(server, token, write(out.resolve("ordinary.csv")), "ok");
          JsonObject next = await(server, token, new JsonObject(ordinary.body()).getString("job_id"));
          return "; next ordinary job " + next.getString("status");
        });
    } finally {
      Files.deleteIfExists(csv);
    }
  }

  private static Path write(Path f) throws Exception {
    return Files.writeString(f, "a,b\n1,x\n2,y\n");
  }

  /** What to check once the job has ended; returns a note for the status column. */
  private interface Check {
    String after(ServerProcess server, String token, JsonObject job) throws Exception;
  }

  private static Run upload(Path jar, Path out, String heap, String label, Path csv, long rows, double duck, Check check)
    throws Exception {
    Path dataDir = out.resolve("data");
    ServerProcess.deleteTree(dataDir);
    Path log = out.resolve("server-" + label.replaceAll("[^A-Za-z0-9]+", "-") + ".log");
    try (ServerProcess server = new ServerProcess(jar, dataDir, heap, log)) {
      server.awaitLog(java.time.Duration.ofMinutes(2), "Converter warmed up", "Converter warm-up skipped");
      String token = IngestBench.login(server);
      double[] liveMax = {0};
      Thread sampler = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          try {
            Matcher m = LIVE.matcher(server.get("/metrics").body());
            while (m.find()) {
              liveMax[0] = Math.max(liveMax[0], Double.parseDouble(m.group(1)));
            }
            Thread.sleep(1000);
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            // a sample missed
          }
        }
      }, "gc-sampler");
      sampler.setDaemon(true);
      sampler.start();
      long t0 = System.nanoTime();
      HttpResponse<String> reply = IngestBench.upload(server, token, csv, "large");
      long t1 = System.nanoTime();
      if (reply.statusCode() != 202) {
        throw new IllegalStateException("upload answered " + reply.statusCode() + ": " + reply.body());
      }
      JsonObject job = await(server, token, new JsonObject(reply.body()).getString("job_id"));
      long t2 = System.nanoTime();
      String ready = server.get("/health/ready").statusCode() == 200 ? "ready UP" : "ready DOWN";
      String note = check.after(server, token, job);
      sampler.interrupt();
      String status = job.getString("status") + (job.getString("error") != null ? " (" + job.getString("error") + ")"
        : "") + "; " + ready + note;
      return new Run(label, rows, Files.size(csv), (t1 - t0) / 1e9, (t2 - t1) / 1e9, liveMax[0] / (1 << 20),
        peakRssMb(server.process.pid()), duck, status);
    }
  }

  static JsonObject await(ServerProcess server, String token, String jobId) throws Exception {
    while (true) {
      JsonObject job = new JsonObject(server.http.send(HttpRequest.newBuilder(server.uri("/api/v1/data/job/" + jobId))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
      if ("completed".equals(job.getString("status")) || "failed".equals(job.getString("status"))) {
        return job;
      }
      Thread.sleep(500);
    }
  }

  /** The process's peak resident set (VmHWM), in MiB. */
  private static double peakRssMb(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }

  /**
   * DuckDB alone, as the reference: COPY of the CSV to Parquet, then the profile's statistics on it (one aggregate
   * scan, an exact distinct count per column, quartiles and outlier counts of the numeric columns; no duplicates
   * scan, since id is a key, as the profiler concludes too). Returns per column {null count, distinct count}.
   */
  private static Map<String, long[]> duckCopyAndProfile(Path csv, Path parquet) throws Exception {
    Map<String, long[]> out = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("COPY (SELECT * FROM read_csv('" + csv + "')) TO '" + parquet + "' (FORMAT parquet)");
      String src = "read_parquet('" + parquet + "')";
      StringBuilder stats = new StringBuilder("SELECT count(*)");
      for (String col : COLUMNS) {
        stats.append(", count(").append(col).append("), min(").append(col).append("), max(").append(col).append(')');
      }
      stats.append(", avg(id), stddev_samp(id), avg(amount), stddev_samp(amount), avg(quantity), stddev_samp(quantity)");
      long rows;
      try (ResultSet rs = s.executeQuery(stats + " FROM " + src)) {
        rs.next();
        rows = rs.getLong(1);
        for (int i = 0; i < COLUMNS.length; i++) {
          out.put(COLUMNS[i], new long[] {rows - rs.getLong(2 + 3 * i), 0});
        }
      }
      for (String col : COLUMNS) {
        try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT " + col + ") FROM " + src)) {
          rs.next();
          out.get(col)[1] = rs.getLong(1);
        }
      }
      for (String col : List.of("id", "amount", "quantity")) {
        try (ResultSet rs = s.executeQuery("SELECT q[1], q[2] FROM (SELECT quantile_cont(CAST(" + col
          + " AS DOUBLE), [0.25, 0.75]) AS q FROM " + src + ")")) {
          rs.next();
          double q1 = rs.getDouble(1);
          double q3 = rs.getDouble(2);
          double iqr = q3 - q1;
          try (ResultSet o = s.executeQuery("SELECT count_if(" + col + " < " + (q1 - 1.5 * iqr) + " OR " + col + " > "
            + (q3 + 1.5 * iqr) + ") FROM " + src)) {
            o.next();
          }
        }
      }
    }
    return out;
  }

  /** Compares the server's profile with DuckDB's figures. */
  private static String exactness(JsonObject profile, Map<String, long[]> expected, long rows) {
    List<String> wrong = new ArrayList<>();
    if (profile.getLong("row_count", -1L) != rows) {
      wrong.add("row_count " + profile.getLong("row_count"));
    }
    if (profile.getLong("duplicate_rows", -1L) != 0) {
      wrong.add("duplicate_rows " + profile.getLong("duplicate_rows"));
    }
    JsonArray columns = profile.getJsonArray("columns", new JsonArray());
    for (int i = 0; i < columns.size(); i++) {
      JsonObject col = columns.getJsonObject(i);
      long[] e = expected.get(col.getString("name"));
      if (e == null || col.getLong("null_count") != e[0] || col.getLong("unique_count") != e[1]) {
        wrong.add(col.getString("name") + " " + col.getLong("null_count") + "/" + col.getLong("unique_count"));
      }
    }
    return wrong.isEmpty() && columns.size() == COLUMNS.length ? "; exact (counts equal DuckDB's)"
      : "; NOT EXACT: " + wrong;
  }

  static String table(List<Run> runs, String heap) {
    StringBuilder md = new StringBuilder("\n| hostile-size run (fresh server, Xmx " + heap + ", default limits) | rows | "
      + "file MB | upload s | reply → end s | heap after GC MB | peak RSS MB | DuckDB COPY + profile s | ratio | "
      + "status |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Run r : runs) {
      md.append(String.format(Locale.ROOT, "| %s | %,d | %.0f | %.1f | %.1f | %.0f | %.0f | %s | %s | %s |%n",
        r.label(), r.rows(), r.bytes() / 1e6, r.uploadS(), r.processS(), r.heapAfterGcMb(), r.rssMb(),
        Double.isNaN(r.duckS()) ? "–" : String.format(Locale.ROOT, "%.1f", r.duckS()),
        Double.isNaN(r.duckS()) ? "–" : String.format(Locale.ROOT, "%.2fx", r.processS() / r.duckS()), r.status()));
    }
    return md.toString();
  }
}
