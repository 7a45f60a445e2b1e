package io.tributary.bench;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Dashboard benchmark against the packaged server, each figure next to its baseline in the same run:
 * <ol>
 *   <li>a dashboard of 6 visualizations over the 1M- and 3M-row bench datasets: a cold {@code GET .../data} (every
 *       run a new dashboard whose queries no cache has seen) against DuckDB running the same 6 queries one after
 *       another on one connection over the same Parquet files; then warm loads at 64 connections;</li>
 *   <li>PNG and PDF export of that dashboard: request time and the server's heap sampled during it;</li>
 *   <li>1,000 viewers of one live dashboard fed by a stream at 50 records/s: delivery latency and drops, next to
 *       the bare Vert.x fan-out server at the same rate.</li>
 * </ol>
 * Results: {@code target/bench/dashboard.md} and {@code dashboard.json}. Properties: {@code bench.dashboard.runs}
 * (5), {@code bench.dashboard.seconds} (10), {@code bench.dashboard.viewers} (1,000).
 */
public final class DashboardBench {

  private static final int CONNECTIONS = 64;
  /** The 6 visualizations: title, chart type, SQL (%d: a per-run marker that keeps cold runs uncached), config. */
  private static final String[][] VIZ = {
    {"Events by category", "bar", "SELECT category, count(*) AS n, %d AS run FROM events_3m GROUP BY category ORDER BY category",
      "{\"x\":\"category\",\"y\":\"n\"}"},
    {"Amount per hour", "line", "SELECT date_trunc('hour', created_at) AS t, sum(amount) AS total, %d AS run FROM events_3m "
      + "GROUP BY 1 ORDER BY 1", "{\"x\":\"t\",\"y\":\"total\"}"},
    {"Amount against quantity", "scatter", "SELECT amount, quantity, %d AS run FROM events_1m WHERE id %% 50 = 0 "
      + "AND quantity IS NOT NULL", "{\"x\":\"amount\",\"y\":\"quantity\"}"},
    {"Amount by category", "pie", "SELECT category, sum(amount) AS total, %d AS run FROM events_1m GROUP BY 1 ORDER BY 1",
      "{\"x\":\"category\",\"y\":\"total\"}"},
    {"Active events", "number", "SELECT count(*) AS n, %d AS run FROM events_3m WHERE active", "{\"y\":\"n\"}"},
    {"Largest amounts", "table", "SELECT id, category, amount, created_at, %d AS run FROM events_1m ORDER BY amount DESC "
      + "LIMIT 500", "{}"},
  };

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Path work = out.resolve("dashboard");
    ServerProcess.deleteTree(work);
    Files.createDirectories(work);
    int runs = Integer.getInteger("bench.dashboard.runs", 5);
    int seconds = Integer.getInteger("bench.dashboard.seconds", 10);
    int viewers = Integer.getInteger("bench.dashboard.viewers", 1_000);
    java.util.Set<String> phases = java.util.Set.of(System.getProperty("bench.dashboard.phases",
      "cold,warm,export,live").split(","));
    JsonObject results = new JsonObject();
    StringBuilder md = new StringBuilder();
    try (ServerProcess server = new ServerProcess(Path.of("target/tributary.jar"), work.resolve("data"), "2g",
      work.resolve("server.log"), Map.of("TRIBUTARY_RATE_LIMIT_PREMIUM", "1000000000", "TRIBUTARY_RATE_LIMIT_API_PREMIUM", "1000000000",
        "TRIBUTARY_RATE_LIMIT_UPLOAD_PREMIUM", "1000000000"))) {
      String token = IngestBench.login(server);
      Map<String, Path> parquet = new java.util.TreeMap<>();
      Map<String, String> ids = new java.util.TreeMap<>();
      for (var e : Map.of("events_1m", 1_000_000L, "events_3m", 3_000_000L).entrySet()) {
        Path csv = work.resolve(e.getKey() + ".csv");
        IngestBench.generate(csv, e.getValue(), Long.MAX_VALUE);
        parquet.put(e.getKey(), QueryBench.uploadAndDownload(server, token, csv, e.getKey(), work));
        Files.delete(csv);
      }
      for (JsonObject d : datasets(server, token)) {
        ids.put(d.getString("name"), d.getString("dataset_id"));
      }
      if (phases.contains("cold")) {
        md.append(cold(server, token, ids, parquet, runs, results)).append('\n');
      }
      String warmId = create(server, token, ids, 0);
      get(server, token, "/api/v1/dashboards/" + warmId + "/data?width=1600");
      if (phases.contains("warm")) {
        md.append(warm(server, token, warmId, seconds, results)).append('\n');
      }
      if (phases.contains("export")) {
        md.append(exports(server, token, warmId, results)).append('\n');
      }
      if (!phases.contains("live")) {
        System.out.println(md);
        return;
      }
      md.append(live(server, token, out, viewers, seconds, results)).append('\n');
    }
    results.put("bare_live", BareCeiling.run(out, viewers, seconds, 50));
    JsonObject bare = results.getJsonObject("bare_live");
    md.append(String.format(Locale.ROOT, "| bare Vert.x fan-out, one message to every socket 50 times a second | %,d | | "
        + "%,d | | | %s | %s | %s |%n", bare.getLong("sockets"), bare.getLong("updates"), bare.getValue("p50_ms"),
      bare.getValue("p99_ms"), bare.getValue("max_ms")));
    System.out.println();
    System.out.println("Dashboard benchmark");
    System.out.println(md);
    Files.writeString(out.resolve("dashboard.md"), md.toString());
    Files.writeString(out.resolve("dashboard.json"), results.encodePrettily());
  }

  /** Cold loads: each run a new dashboard (new queries) next to DuckDB running the same queries directly. */
  private static String cold(ServerProcess server, String token, Map<String, String> ids, Map<String, Path> parquet,
                             int runs, JsonObject results) throws Exception {
    double[] http = new double[runs];
    double[] direct = new double[runs];
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
      s.execute("SET threads = 2");
      s.execute("SET memory_limit = '2GB'");
      for (var e : parquet.entrySet()) {
        s.execute("CREATE VIEW " + e.getKey() + " AS SELECT * FROM read_parquet('" + e.getValue() + "')");
      }
      for (int i = -1; i < runs; i++) {
        int marker = 1_000 + i + 2;
        long t0 = System.nanoTime();
        for (String[] v : VIZ) {
          QueryBench.drain(s, v[2].formatted(marker));
        }
        long t1 = System.nanoTime();
        String id = create(server, token, ids, marker + 100_000);
        long t2 = System.nanoTime();
        JsonObject data = get(server, token, "/api/v1/dashboards/" + id + "/data?width=1600");
        long t3 = System.nanoTime();
        for (Object o : data.getJsonArray("visualizations")) {
          if (((JsonObject) o).containsKey("error") || ((JsonObject) o).getBoolean("cached")) {
            throw new IllegalStateException("unexpected visualization data: " + o);
          }
        }
        if (i >= 0) {
          direct[i] = (t1 - t0) / 1e6;
          http[i] = (t3 - t2) / 1e6;
        }
      }
    }
    double h = QueryBench.median(http);
    double d = QueryBench.median(direct);
    results.put("cold", new JsonObject().put("http_median_ms", h).put("duckdb_median_ms", d).put("ratio", h / d));
    return String.format(Locale.ROOT, "### Dashboard of 6 visualizations over 1M and 3M rows%n%n"
        + "| load | median ms | p90 ms | vs DuckDB | target |%n|---|---:|---:|---:|---|%n"
        + "| DuckDB, the same 6 queries one after another on one connection | %.0f | %.0f | 1.00x | |%n"
        + "| cold `GET .../data` (new dashboard, nothing cached) | %.0f | %.0f | %.2fx | ≤ 1.2x and < 1 s: %s |%n",
      d, QueryBench.percentile(direct, 90), h, QueryBench.percentile(http, 90), h / d,
      h <= 1.2 * d && h < 1000 ? "yes" : "NO");
  }

  /**
   * Warm loads at {@link #CONNECTIONS} connections, next to a bare Vert.x server (in this JVM) answering the same
   * bytes from memory under the same load: the floor for moving a reply of this size through HTTP on this machine.
   */
  private static String warm(ServerProcess server, String token, String id, int seconds, JsonObject results)
    throws Exception {
    String path = "/api/v1/dashboards/" + id + "/data?width=1600";
    byte[] body = get(server, token, path).encode().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    io.vertx.core.Vertx bareVertx = io.vertx.core.Vertx.vertx();
    try (LoadClient load = new LoadClient()) {
      // as a browser asks: the warm reply is kept compressed and sent so; the bare server sends the same bytes
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setURI(path).putHeader("Authorization", "Bearer " + token).putHeader("Accept-Encoding", "gzip");
      LoadClient.Result r = load.run("warm GET .../data (gzip)", server.port, options, null, CONNECTIONS, 3, seconds,
        (status, b) -> status == 200);
      io.vertx.core.buffer.Buffer reply = io.tributary.http.Gzip.encode(io.vertx.core.buffer.Buffer.buffer(body));
      int barePort = bareVertx.createHttpServer().requestHandler(req -> req.response()
          .putHeader("Content-Type", "application/json").putHeader("Content-Encoding", "gzip").end(reply))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get().actualPort();
      LoadClient.Result bare = load.run("bare Vert.x, the same bytes from memory", barePort,
        new RequestOptions().setMethod(HttpMethod.GET).setURI("/"), null, CONNECTIONS, 3, seconds,
        (status, b) -> status == 200);
      results.put("warm", r.json().put("reply_bytes", body.length).put("sent_bytes", reply.length()))
        .put("warm_bare", bare.json());
      return LoadClient.Result.header() + "\n" + r.row() + "\n" + bare.row() + String.format(Locale.ROOT,
        "%n%nReply: %,d bytes, %,d gzip-compressed. warm p99 under 20 ms: %s (p99 %.1fx the bare server's)%n",
        body.length, reply.length(),
        r.p99Ms() < 20 ? "yes" : "NO", r.p99Ms() / bare.p99Ms());
    } finally {
      bareVertx.close();
    }
  }

  private static String exports(ServerProcess server, String token, String id, JsonObject results) throws Exception {
    StringBuilder md = new StringBuilder("### Export of that dashboard\n\n| format | request ms (median of 3) | "
      + "bytes | server heap MB before | peak during | target < 1 s |\n|---|---:|---:|---:|---:|---|\n");
    for (String format : new String[] {"png", "pdf"}) {
      double[] ms = new double[3];
      long bytes = 0;
      double before = server.heapUsed() / (1 << 20);
      double peak = before;
      for (int i = 0; i < 3; i++) {
        long t0 = System.nanoTime();
        var request = server.http.sendAsync(post(server, token, "/api/v1/dashboards/" + id + "/export",
          new JsonObject().put("format", format)), HttpResponse.BodyHandlers.ofString());
        while (!request.isDone()) {
          peak = Math.max(peak, server.heapUsed() / (1 << 20));
          Thread.sleep(20);
        }
        HttpResponse<String> reply = request.get();
        ms[i] = (System.nanoTime() - t0) / 1e6;
        if (reply.statusCode() != 201) {
          throw new IllegalStateException(format + " export: " + reply.statusCode() + " " + reply.body());
        }
        bytes = new JsonObject(reply.body()).getLong("size_bytes");
      }
      double median = QueryBench.median(ms);
      results.put("export_" + format, new JsonObject().put("median_ms", median).put("bytes", bytes)
        .put("heap_before_mb", before).put("heap_peak_mb", peak));
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %,d | %.0f | %.0f | %s |%n", format, median, bytes, before, peak,
        median < 1000 ? "yes" : "NO"));
    }
    return md.toString();
  }

  /** Viewers of a live dashboard bound to a stream at 50 records/s. */
  private static String live(ServerProcess server, String token, Path out, int viewers, int seconds,
                             JsonObject results) throws Exception {
    String topic = "dash-live";
    HttpResponse<String> created = server.http.send(post(server, token, "/api/v1/streams",
      new JsonObject().put("name", "dash_live").put("topic", topic).put("start_from", "latest")),
      HttpResponse.BodyHandlers.ofString());
    JsonObject stream = new JsonObject(created.body());
    try (KafkaProducer<String, String> producer = BenchRecords.producer("127.0.0.1:" + server.kafkaPort,
      Map.of("linger.ms", "0"))) {
      long deadline = System.currentTimeMillis() + 120_000;
      while (new JsonObject(server.http.send(HttpRequest.newBuilder(server.uri("/api/v1/streams/dash_live"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body())
        .getLong("records_ingested", 0L) == 0) {
        BenchRecords.produce(producer, topic, 50, 5);
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("the live stream never stored a record");
        }
      }
      JsonObject viz = new JsonObject().put("title", "Live").put("chart_type", "line")
        .put("dataset_id", stream.getString("dataset_id")).put("query", "SELECT seq, value FROM dash_live")
        .put("config", new JsonObject().put("x", "seq").put("y", "value"))
        .put("stream", new JsonObject().put("name", "dash_live"));
      String id = new JsonObject(server.http.send(post(server, token, "/api/v1/dashboards", new JsonObject()
        .put("name", "Live").put("visualizations", new JsonArray().add(viz))), HttpResponse.BodyHandlers.ofString())
        .body()).getString("dashboard_id");
      try (BenchChild client = BenchChild.live(out, server.port, "/ws/analytics/" + id + "?access_token="
        + token, viewers, false)) {
        while (Long.parseLong(client.ask("COUNT")) < viewers) {
          BenchRecords.produce(producer, topic, 50, 5);
          if (System.currentTimeMillis() > deadline + 120_000) {
            throw new IllegalStateException("live delivery never reached every viewer");
          }
        }
        Thread.sleep(1_000);
        client.ask("RESET");
        client.ask("MARK");
        int n = 50 * seconds;
        BenchRecords.produce(producer, topic, 50, n);
        client.ask("MARK");
        Thread.sleep(3_000);
        JsonObject report = new JsonObject(client.ask("REPORT 0 " + n));
        results.put("live", report.put("expected_deliveries", (long) n * viewers));
        client.ask("QUIT");
        return String.format(Locale.ROOT, "### 1,000 viewers of a live dashboard, stream at 50 records/s%n%n"
            + "| server | viewers | records | deliveries expected | delivered | viewers with every record | dropped "
            + "(lagged) | p50 ms | p99 ms | max ms |%n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n"
            + "| Tributary /ws/analytics | %,d | %d | %,d | %,d | %,d | %,d | %s | %s | %s |",
          report.getLong("sockets"), n, (long) n * viewers, report.getLong("updates"), report.getLong("sockets_complete"),
          report.getLong("dropped_reported"), report.getValue("p50_ms"), report.getValue("p99_ms"),
          report.getValue("max_ms"));
      }
    }
  }

  private static String create(ServerProcess server, String token, Map<String, String> ids, int marker) throws Exception {
    JsonArray vizzes = new JsonArray();
    int i = 0;
    for (String[] v : VIZ) {
      String table = v[2].contains("events_3m") ? "events_3m" : "events_1m";
      vizzes.add(new JsonObject().put("title", v[0]).put("chart_type", v[1]).put("dataset_id", ids.get(table))
        .put("query", v[2].formatted(marker)).put("config", new JsonObject(v[3]))
        .put("position", new JsonObject().put("x", (i % 2) * 6).put("y", (i / 2) * 4).put("width", 6).put("height", 4)));
      i++;
    }
    HttpResponse<String> r = server.http.send(post(server, token, "/api/v1/dashboards", new JsonObject()
      .put("name", "Bench " + marker).put("visualizations", vizzes)), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("dashboard not created: " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body()).getString("dashboard_id");
  }

  private static List<JsonObject> datasets(ServerProcess server, String token) throws Exception {
    JsonArray items = get(server, token, "/api/v1/data/datasets?limit=100").getJsonArray("items");
    List<JsonObject> out = new ArrayList<>();
    items.forEach(o -> out.add((JsonObject) o));
    return out;
  }

  private static JsonObject get(ServerProcess server, String token, String path) throws Exception {
    HttpResponse<String> r = server.http.send(HttpRequest.newBuilder(server.uri(path))
      .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body());
  }

  private static HttpRequest post(ServerProcess server, String token, String path, JsonObject body) {
    return HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token)
      .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
  }
}
