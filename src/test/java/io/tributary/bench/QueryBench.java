package io.tributary.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Query benchmark: on a 1,000,000-row and a 3,000,000-row dataset (the ingest benchmark's CSV shape), a GROUP BY
 * aggregate, a filtered COUNT DISTINCT and a join with a small dimension dataset, each through HTTP uncached
 * (every run a distinct cache key) and, in the same run, DuckDB executing the same SQL directly on the same
 * Parquet files (downloaded from the server) with the server's query settings (2 threads). Then a closed-loop
 * load of 64 connections on one cached query for {@code bench.query.seconds} (default 10) seconds, latencies in
 * an HdrHistogram. Targets: uncached median within 1.3x of direct DuckDB + 5 ms; cached p99 under 5 ms.
 * Results: {@code target/bench/query.md} and {@code query.json}.
 */
public final class QueryBench {

  private static final int RUNS = 15;
  /** Runs per query before measuring, on both sides: the server's query path reaches compiled code, as in steady use. */
  private static final int WARMUP = 15;
  private static final int CONNECTIONS = 64;
  private static final String[][] QUERIES = {
    {"GROUP BY aggregate", "SELECT category, count(*) AS n, sum(amount) AS total, avg(quantity) AS avg_q FROM %s "
      + "GROUP BY category ORDER BY category"},
    {"filtered COUNT DISTINCT", "SELECT count(DISTINCT quantity) AS d FROM %s WHERE active AND amount > 500"},
    {"join", "SELECT c.label, count(*) AS n, sum(e.amount * c.weight) AS weighted FROM %s e JOIN categories c "
      + "ON c.category = e.category WHERE e.created_at >= TIMESTAMP '2024-01-15' GROUP BY c.label ORDER BY c.label"},
  };

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Path work = out.resolve("query");
    ServerProcess.deleteTree(work);
    Files.createDirectories(work);
    int seconds = Integer.getInteger("bench.query.seconds", 10);
    Path jar = Path.of("target/tributary.jar");

    Map<String, Long> sizes = Map.of("events_1m", 1_000_000L, "events_3m", 3_000_000L);
    Path categories = work.resolve("categories.csv");
    Files.writeString(categories, "category,label,weight\nalpha,A,1.0\nbeta,B,1.5\ngamma,A,2.0\ndelta,B,0.5\n"
      + "epsilon,C,1.0\nzeta,C,3.0\neta,A,1.25\ntheta,B,0.75\n");

    List<String> rows = new ArrayList<>();
    JsonArray json = new JsonArray();
    String load;
    try (ServerProcess server = new ServerProcess(jar, work.resolve("data"), "2g", work.resolve("server.log"),
      Map.of("TRIBUTARY_RATE_LIMIT_PREMIUM", "1000000000", "TRIBUTARY_RATE_LIMIT_API_PREMIUM", "1000000000",
        "TRIBUTARY_RATE_LIMIT_UPLOAD_PREMIUM", "1000000000"))) {
      String token = IngestBench.login(server);
      Map<String, Path> parquet = new java.util.TreeMap<>();
      for (var e : new java.util.TreeMap<>(sizes).entrySet()) {
        Path csv = work.resolve(e.getKey() + ".csv");
        IngestBench.generate(csv, e.getValue(), Long.MAX_VALUE);
        parquet.put(e.getKey(), uploadAndDownload(server, token, csv, e.getKey(), work));
        Files.delete(csv);
      }
      parquet.put("categories", uploadAndDownload(server, token, categories, "categories", work));

      try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
        s.execute("SET threads = 2");
        s.execute("SET memory_limit = '2GB'");
        for (var e : parquet.entrySet()) {
          s.execute("CREATE VIEW " + e.getKey() + " AS SELECT * FROM read_parquet('" + e.getValue() + "')");
        }
        int variant = 0;
        for (String table : new String[] {"events_1m", "events_3m"}) {
          for (String[] q : QUERIES) {
            variant++;
            String sql = q[1].formatted(table);
            double[] direct = new double[RUNS];
            double[] http = new double[RUNS];
            for (int i = -WARMUP; i < RUNS; i++) {
              long t0 = System.nanoTime();
              int directRows = drain(s, sql);
              long t1 = System.nanoTime();
              // a distinct limit per run keeps every run uncached (the limit is part of the cache key)
              JsonObject reply = query(server, token, sql, 10_000 + variant * 100 + i + WARMUP);
              long t2 = System.nanoTime();
              if (reply.getBoolean("cached") || reply.getInteger("row_count") != directRows) {
                throw new IllegalStateException("unexpected reply for " + sql + ": " + reply.encode());
              }
              if (i >= 0) {
                direct[i] = (t1 - t0) / 1e6;
                http[i] = (t2 - t1) / 1e6;
              }
            }
            double d = median(direct);
            double h = median(http);
            boolean ok = h <= 1.3 * d + 5;
            rows.add(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %.2fx | %s |", table, q[0], d,
              percentile(direct, 90), h, percentile(http, 90), h / d, ok ? "yes" : "NO"));
            json.add(new JsonObject().put("dataset", table).put("query", q[0]).put("duckdb_median_ms", d)
              .put("http_uncached_median_ms", h).put("within_target", ok));
          }
        }
      }
      load = cachedLoad(server, token, QUERIES[0][1].formatted("events_1m"), seconds, json);
    }
    StringBuilder md = new StringBuilder("| dataset | query | DuckDB direct median ms | p90 | HTTP uncached median ms | p90 | "
      + "ratio | within 1.3x + 5 ms |\n|---|---|---:|---:|---:|---:|---:|---|\n");
    rows.forEach(r -> md.append(r).append('\n'));
    md.append('\n').append(load).append('\n');
    System.out.println();
    System.out.println("Query benchmark (HTTP through the packaged server vs DuckDB on the same Parquet files)");
    System.out.println(md);
    Files.writeString(out.resolve("query.md"), md.toString());
    Files.writeString(out.resolve("query.json"), json.encodePrettily());
  }

  /** Uploads a CSV under a name, waits for it, and downloads its Parquet file for the direct DuckDB runs. */
  static Path uploadAndDownload(ServerProcess server, String token, Path csv, String name, Path work)
    throws Exception {
    String boundary = "bench" + java.util.UUID.randomUUID();
    String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n--"
      + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + ".csv\"\r\n"
      + "Content-Type: text/csv\r\n\r\n";
    HttpResponse<String> reply = server.http.send(HttpRequest.newBuilder(server.uri("/api/v1/data/upload"))
      .header("Authorization", "Bearer " + token).header("Content-Type", "multipart/form-data; boundary=" + boundary)
      .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
        HttpRequest.BodyPublishers.ofFile(csv), HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
      .build(), HttpResponse.BodyHandlers.ofString());
    if (reply.statusCode() != 202) {
      throw new IllegalStateException("upload of " + name + " answered " + reply.statusCode() + ": " + reply.body());
    }
    JsonObject accepted = new JsonObject(reply.body());
    JsonObject job;
    do {
      Thread.sleep(100);
      job = new JsonObject(server.http.send(HttpRequest.newBuilder(server.uri("/api/v1/data/job/" + accepted.getString("job_id")))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
    } while (!"completed".equals(job.getString("status")) && !"failed".equals(job.getString("status")));
    if (!"completed".equals(job.getString("status"))) {
      throw new IllegalStateException(name + ": " + job.encode());
    }
    Path file = work.resolve(name + ".parquet");
    server.http.send(HttpRequest.newBuilder(server.uri("/api/v1/data/datasets/" + accepted.getString("dataset_id") + "/download"))
      .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofFile(file));
    return file;
  }

  private static JsonObject query(ServerProcess server, String token, String sql, int limit) throws Exception {
    HttpResponse<String> r = server.http.send(HttpRequest.newBuilder(server.uri("/api/v1/query/sql"))
      .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("sql", sql).put("limit", limit).encode())).build(),
      HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body());
  }

  static int drain(Statement s, String sql) throws Exception {
    int n = 0;
    try (ResultSet rs = s.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int c = 1; c <= columns; c++) {
          rs.getObject(c);
        }
        n++;
      }
    }
    return n;
  }

  /** 64 connections on one cached query for a fixed time after a warm-up ({@link LoadClient}). */
  private static String cachedLoad(ServerProcess server, String token, String sql, int seconds, JsonArray json)
    throws Exception {
    query(server, token, sql, 1000);
    try (LoadClient load = new LoadClient()) {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/query/sql")
        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json");
      Buffer body = Buffer.buffer(new JsonObject().put("sql", sql).put("limit", 1000).encode());
      // {"cached":true,... : a reply that is not from the cache counts as an error
      LoadClient.Result r = load.run(QUERIES[0][0] + " (events_1m, cached)", server.port, options, body, CONNECTIONS, 3,
        seconds, (status, b) -> status == 200 && b.getByte(10) == 't');
      json.add(new JsonObject().put("cached_load", r.json()));
      return LoadClient.Result.header() + "\n" + r.row() + "\n\ncached p99 under 5 ms: " + (r.p99Ms() < 5 ? "yes" : "NO");
    }
  }

  static double median(double[] values) {
    return percentile(values, 50);
  }

  static double percentile(double[] values, int p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
