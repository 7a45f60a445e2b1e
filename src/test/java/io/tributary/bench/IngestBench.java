package io.tributary.bench;

import io.vertx.core.json.JsonObject;

import java.io.BufferedWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Ingestion benchmark: generates a 6-column CSV (ids, a low-cardinality string, doubles, a nullable int,
 * booleans, ISO timestamps), uploads it through HTTP to the packaged server started with -Xmx512m, and
 * measures the upload reply latency, the time from reply to job completed (profile included; split into {@link Phases}),
 * the server's CPU seconds over it, rows/s and the server's peak heap (from its GC log); in the same run, DuckDB's own COPY of the same file to Parquet, and the ratio.
 * The 1M-row file goes to one server three times: the first job runs on the just-started server (its JIT only
 * partly warm), the repeats show it warmer (its JIT still compiles server code for several jobs); the 1 GiB file
 * once, to a fresh server.
 * Run with {@code mvn -Pbench verify}; results go to {@code target/bench/ingest.md} and {@code ingest.json}.
 * A 1M-row NDJSON of the same rows and a 3M-row Parquet file shaped like flights-3m are timed the same way, each
 * next to DuckDB's COPY of the same file ({@code read_json}, {@code read_parquet}).
 * System properties: {@code bench.rows} (default 1,000,000), {@code bench.json.rows} (1,000,000; 0 skips),
 * {@code bench.parquet.rows} (3,000,000; 0 skips), {@code bench.large.bytes} (default 1 GiB; 0 skips
 * the large-file run), {@code bench.heap} (default 512m), and for the hostile-size runs of {@link LargeFileRuns}
 * {@code bench.huge.rows} (default 60,000,000; 0 skips) and {@code bench.line.bytes} (default 1 GiB; 0 skips);
 * {@code bench.repeats} (2) uploads after the first of each 1M-row file, {@code bench.poll.ms} (20) between reads of
 * the job while it runs.
 */
public final class IngestBench {

  /** Between two reads of the job: each costs the server about 2 ms of CPU (HTTP, token, PostgreSQL). */
  private static final long POLL_MS = Long.getLong("bench.poll.ms", 20);

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Files.createDirectories(out);
    Path jar = findJar();
    long rows = Long.getLong("bench.rows", 1_000_000L);
    long largeBytes = Long.getLong("bench.large.bytes", 1L << 30);
    String heap = System.getProperty("bench.heap", "512m");
    int repeats = Integer.getInteger("bench.repeats", 2);

    List<Result> results = new ArrayList<>();
    long jsonRows = Long.getLong("bench.json.rows", 1_000_000L);
    long parquetRows = Long.getLong("bench.parquet.rows", 3_000_000L);
    if (rows > 0) {
      Path csv = out.resolve("bench-" + rows + ".csv");
      generate(csv, rows, Long.MAX_VALUE);
      results.addAll(run("1M rows", csv, rows, jar, out, heap, repeats));
    }
    if (jsonRows > 0) {
      Path json = out.resolve("bench-" + jsonRows + ".ndjson");
      generateJson(json, out.resolve("bench-json-source.csv"), jsonRows);
      results.addAll(run("NDJSON, 1M rows", json, jsonRows, jar, out, heap, repeats));
    }
    if (parquetRows > 0) {
      Path parquet = out.resolve("bench-" + parquetRows + ".parquet");
      generateParquet(parquet, parquetRows);
      results.addAll(run("Parquet, 3M rows (flights-3m shape)", parquet, parquetRows, jar, out, heap, repeats));
    }
    if (largeBytes > 0) {
      Path large = out.resolve("bench-large.csv");
      long largeRows = generate(large, Long.MAX_VALUE, largeBytes);
      results.addAll(run("~1 GiB", large, largeRows, jar, out, heap, 0));
      Files.deleteIfExists(large);
    }
    report(results, out, heap);
    List<LargeFileRuns.Run> hostile = LargeFileRuns.run(jar, out, heap, Long.getLong("bench.huge.rows", 60_000_000L),
      Long.getLong("bench.line.bytes", 1L << 30));
    if (!hostile.isEmpty()) {
      String table = LargeFileRuns.table(hostile, heap);
      System.out.println(table);
      Files.writeString(out.resolve("ingest.md"), table, java.nio.file.StandardOpenOption.APPEND);
    }
  }

  record Result(String label, long rows, long bytes, double uploadReplyS, double processS, double peakHeapMb,
                double duckCopyS, String status, Phases phases, double serverCpuS) {
    double ratio() {
      return processS / duckCopyS;
    }
  }

  /**
   * Where reply → completed went, from the job's own timestamps (PostgreSQL's {@code now()} on this machine's clock):
   * reply → claimed ({@code started_at}: outbox, Kafka, claim), claimed → finished ({@code finished_at}: conversion
   * and profile; the completing transaction starts then), finished → seen by this bench's poll (commit, poll interval).
   */
  record Phases(double queuedS, double workS, double seenS) {
    static Phases of(Instant replied, JsonObject job, Instant seen) {
      if (job.getString("started_at") == null || job.getString("finished_at") == null) {
        return new Phases(Double.NaN, Double.NaN, Double.NaN);
      }
      Instant started = Instant.parse(job.getString("started_at"));
      Instant finished = Instant.parse(job.getString("finished_at"));
      return new Phases(seconds(replied, started), seconds(started, finished), seconds(finished, seen));
    }

    private static double seconds(Instant from, Instant to) {
      return Duration.between(from, to).toNanos() / 1e9;
    }
  }

  /**
   * Uploads the file {@code 1 + repeats} times to one fresh server, one after the other: the first job runs on a
   * just-started server (JIT partly warm), the repeats show a server in its steady state.
   */
  static List<Result> run(String label, Path csv, long rows, Path jar, Path out, String heap, int repeats)
      throws Exception {
    double duck = duckCopy(csv, out.resolve("duck.parquet"));
    Path dataDir = out.resolve("data");
    ServerProcess.deleteTree(dataDir);
    List<Result> results = new ArrayList<>();
    try (ServerProcess server = new ServerProcess(jar, dataDir, heap, out.resolve("server.log"))) {
      // a server's first minutes: measure after its converter and profiler warm-ups, not against them (both cores)
      server.awaitLog(Duration.ofMinutes(2), "Converter warmed up", "Converter warm-up skipped");
      try {
        server.awaitLog(Duration.ofSeconds(30), "Profiler warmed up", "Profiler warm-up failed");
      } catch (IllegalStateException olderBuild) {
        // a build from before the profiler's warm-up: it logs neither
      }
      String token = login(server);
      for (int run = 0; run <= repeats; run++) {
        long t0 = System.nanoTime();
        HttpResponse<String> reply = upload(server, token, csv, "bench_" + run);
        long t1 = System.nanoTime();
        Instant replied = Instant.now();
        double cpu0 = cpuSeconds(server.process.toHandle());
        if (reply.statusCode() != 202) {
          throw new IllegalStateException("upload answered " + reply.statusCode() + ": " + reply.body());
        }
        String jobId = new JsonObject(reply.body()).getString("job_id");
        JsonObject job;
        do {
          Thread.sleep(POLL_MS);
          job = new JsonObject(server.http.send(HttpRequest.newBuilder(server.uri("/api/v1/data/job/" + jobId))
            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
        } while (!job.getString("status").equals("completed") && !job.getString("status").equals("failed"));
        long t2 = System.nanoTime();
        Instant seen = Instant.now();
        double cpu = cpuSeconds(server.process.toHandle()) - cpu0;
        if (job.getLong("row_count") != null && job.getLong("row_count") != rows) {
          throw new IllegalStateException("row count " + job.getLong("row_count") + " != " + rows);
        }
        results.add(new Result(run == 0 ? label : label + ", repeat " + run + " (warm server)", rows, Files.size(csv),
          (t1 - t0) / 1e9, (t2 - t1) / 1e9, server.peakHeap() / (1024 * 1024), duck,
          job.getString("status") + (job.getString("error") != null ? " (" + job.getString("error") + ")" : ""),
          Phases.of(replied, job, seen), cpu));
      }
    }
    return results;
  }

  /** CPU seconds the process (its JVM, with DuckDB and the embedded Kafka broker in it) has used so far. */
  static double cpuSeconds(ProcessHandle process) {
    return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }

  /** DuckDB's own COPY of the file to Parquet ({@code read_csv}, {@code read_json} or {@code read_parquet}), best of 2. */
  static double duckCopy(Path file, Path parquet) throws Exception {
    String name = file.getFileName().toString();
    String reader = name.endsWith(".parquet") ? "read_parquet" : name.endsWith("json") ? "read_json" : "read_csv";
    double best = Double.MAX_VALUE;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      for (int i = 0; i < 2; i++) {
        Files.deleteIfExists(parquet);
        long t = System.nanoTime();
        s.execute("COPY (SELECT * FROM " + reader + "('" + file + "')) TO '" + parquet + "' (FORMAT parquet)");
        best = Math.min(best, (System.nanoTime() - t) / 1e9);
      }
    }
    Files.deleteIfExists(parquet);
    return best;
  }

  static String login(ServerProcess server) throws Exception {
    String body = new JsonObject().put("email", ServerProcess.ADMIN_EMAIL).put("password", ServerProcess.ADMIN_PASSWORD).encode();
    HttpResponse<String> r = server.http.send(HttpRequest.newBuilder(server.uri("/api/v1/auth/login"))
      .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
      HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body()).getString("token");
  }

  static HttpResponse<String> upload(ServerProcess server, String token, Path file, String name) throws Exception {
    String boundary = "bench" + UUID.randomUUID();
    String fileName = file.getFileName().toString();
    String extension = fileName.substring(fileName.lastIndexOf('.'));
    String type = switch (extension) {
      case ".parquet" -> "application/vnd.apache.parquet";
      case ".ndjson" -> "application/x-ndjson";
      default -> "text/csv";
    };
    String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + extension
      + "\"\r\nContent-Type: " + type + "\r\n\r\n";
    String tail = "\r\n--" + boundary + "--\r\n";
    HttpRequest request = HttpRequest.newBuilder(server.uri("/api/v1/data/upload"))
      .header("Authorization", "Bearer " + token)
      .header("Content-Type", "multipart/form-data; boundary=" + boundary)
      .timeout(Duration.ofMinutes(10))
      .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
        HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofString(tail)))
      .build();
    return server.http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Writes rows until {@code maxRows} or {@code maxBytes}; returns the rows written. */
  static long generate(Path file, long maxRows, long maxBytes) throws Exception {
    String[] categories = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"};
    DateTimeFormatter iso = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
    LocalDateTime start = LocalDateTime.of(2024, 1, 1, 0, 0);
    Random random = new Random(1);
    long n = 0;
    long bytes = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      String header = "id,category,amount,quantity,active,created_at\n";
      w.write(header);
      bytes += header.length();
      StringBuilder line = new StringBuilder(96);
      while (n < maxRows && bytes < maxBytes) {
        line.setLength(0);
        line.append(n).append(',').append(categories[(int) (n % categories.length)]).append(',')
          .append(String.format(Locale.ROOT, "%.4f", random.nextDouble() * 1000)).append(',');
        if (random.nextInt(5) != 0) {
          line.append(random.nextInt(10_000));
        }
        line.append(',').append(random.nextBoolean()).append(',')
          .append(iso.format(start.plusSeconds(n * 7))).append('\n');
        w.append(line);
        bytes += line.length();
        n++;
      }
    }
    return n;
  }

  /** The rows of {@link #generate} as NDJSON (written by DuckDB from the CSV: one object per line, nulls kept). */
  static void generateJson(Path json, Path csv, long rows) throws Exception {
    generate(csv, rows, Long.MAX_VALUE);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("COPY (SELECT id, category, amount, quantity, active, strftime(created_at, '%Y-%m-%dT%H:%M:%S') AS "
        + "created_at FROM read_csv('" + csv + "')) TO '" + json + "' (FORMAT json)");
    }
    Files.deleteIfExists(csv);
  }

  /**
   * A Parquet file shaped like vega-datasets' flights-3m (5 columns: a timestamp, small integer delays and
   * distance, a float departure time), in row groups of 100,000 rows, written by DuckDB.
   */
  static void generateParquet(Path parquet, long rows) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("COPY (SELECT TIMESTAMP '2006-01-01' + to_minutes((i * 7) % 525600) AS FL_DATE, "
        + "(((i * 7919) % 300) - 60)::SMALLINT AS DEP_DELAY, (((i * 104729) % 320) - 70)::SMALLINT AS ARR_DELAY, "
        + "(100 + (i * 31) % 2600)::SMALLINT AS DISTANCE, ((i * 13) % 2400 / 100.0)::FLOAT AS DEP_TIME "
        + "FROM range(" + rows + ") t(i)) TO '" + parquet + "' (FORMAT parquet, ROW_GROUP_SIZE 100000)");
    }
  }

  static void report(List<Result> results, Path out, String heap) throws Exception {
    StringBuilder md = new StringBuilder();
    md.append("| run | rows | file MB | upload reply s | reply → completed s | rows/s | peak heap MB (Xmx ")
      .append(heap).append(") | DuckDB COPY s | ratio | status | reply → claimed s | claimed → finished s "
        + "| finished → seen s | server CPU s |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n");
    StringBuilder json = new StringBuilder("[");
    for (Result r : results) {
      md.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.3f | %.3f | %,.0f | %.0f | %.3f | %.2fx | %s "
          + "| %.3f | %.3f | %.3f | %.2f |%n", r.label(), r.rows(), r.bytes() / 1e6, r.uploadReplyS(), r.processS(),
        r.rows() / r.processS(), r.peakHeapMb(), r.duckCopyS(), r.ratio(), r.status(), r.phases().queuedS(),
        r.phases().workS(), r.phases().seenS(), r.serverCpuS()));
      json.append(json.length() > 1 ? "," : "").append(new JsonObject().put("run", r.label()).put("rows", r.rows())
        .put("bytes", r.bytes()).put("upload_reply_s", r.uploadReplyS()).put("process_s", r.processS())
        .put("peak_heap_mb", r.peakHeapMb()).put("duckdb_copy_s", r.duckCopyS()).put("ratio", r.ratio())
        .put("status", r.status()).put("queued_s", r.phases().queuedS()).put("work_s", r.phases().workS())
        .put("seen_s", r.phases().seenS()).put("server_cpu_s", r.serverCpuS()).encode());
    }
    json.append("]");
    System.out.println();
    System.out.println("Ingestion benchmark (end-to-end through HTTP vs DuckDB COPY of the same file)");
    System.out.println(md);
    Files.writeString(out.resolve("ingest.md"), md.toString());
    Files.writeString(out.resolve("ingest.json"), json.toString());
  }

  private static Path findJar() {
    Path jar = Path.of("target/tributary.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("package the jar first (mvn -Pbench verify does)");
    }
    return jar;
  }
}
