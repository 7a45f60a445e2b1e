package io.tributary.bench;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP load benchmark: the packaged server started with its bare hello-world baseline listener
 * ({@code http.hello_port}, same process, same event loops); 64 connections on loopback for
 * {@code bench.load.seconds} (default 15) seconds each, after a warm-up, against the bare route, an authenticated
 * rate-limit-exempt GET of a dataset's metadata and of its profile, and a cached query (rate limited, with a limit
 * no run reaches). Reports requests/s, p50/p90/p99 and the
 * ratio to the bare route. Targets: the authenticated routes at least 50 % of the bare throughput, p99 under
 * 20 ms. Results: {@code target/bench/load.md} and {@code load.json}.
 */
public final class LoadBench {

  private static final int CONNECTIONS = 64;

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Path work = out.resolve("load");
    ServerProcess.deleteTree(work);
    Files.createDirectories(work);
    int seconds = Integer.getInteger("bench.load.seconds", 15);
    int helloPort = ServerProcess.freePort();
    List<LoadClient.Result> results = new ArrayList<>();
    try (ServerProcess server = new ServerProcess(Path.of("target/tributary.jar"), work.resolve("data"), "1g",
      work.resolve("server.log"), Map.of("TRIBUTARY_HTTP_HELLO_PORT", Integer.toString(helloPort),
        "TRIBUTARY_RATE_LIMIT_PREMIUM", "1000000000", "TRIBUTARY_RATE_LIMIT_API_PREMIUM", "1000000000",
        "TRIBUTARY_RATE_LIMIT_UPLOAD_PREMIUM", "1000000000"));
         LoadClient load = new LoadClient()) {
      String token = IngestBench.login(server);
      Path csv = work.resolve("weather.csv"); // uploaded as the dataset "bench"
      Files.writeString(csv, "day,city,temp_c,rain\n2024-01-01,Oslo,-3.5,true\n2024-01-02,Rome,12.25,false\n"
        + "2024-01-03,Lima,,false\n2024-01-04,Oslo,-1.0,true\n");
      String datasetId = uploaded(server, token, csv);

      results.add(load.run("bare hello-world route (same process)", helloPort,
        new RequestOptions().setMethod(HttpMethod.GET).setURI("/"), null, CONNECTIONS, 5, seconds,
        (status, body) -> status == 200));
      results.add(load.run("GET /api/v1/data/datasets/{id} (authenticated)", server.port, authorized(token,
        "/api/v1/data/datasets/" + datasetId), null, CONNECTIONS, 5, seconds,
        (status, body) -> status == 200 && body.toString().contains(datasetId)));
      results.add(load.run("GET /api/v1/data/profile/{id} (authenticated)", server.port, authorized(token,
        "/api/v1/data/profile/" + datasetId), null, CONNECTIONS, 5, seconds,
        (status, body) -> status == 200 && body.toString().contains("quality_score")));
      // a cached query (the server is started with a rate limit no load run reaches), run once first to fill the
      // cache; any reply not from the cache counts as an error
      String query = new JsonObject().put("sql", "SELECT city, avg(temp_c) AS t FROM bench GROUP BY city ORDER BY city")
        .encode();
      HttpResponse<String> first = server.http.send(HttpRequest.newBuilder(server.uri("/api/v1/query/sql"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(query)).build(), HttpResponse.BodyHandlers.ofString());
      if (first.statusCode() != 200) {
        throw new IllegalStateException("the query answered " + first.statusCode() + ": " + first.body());
      }
      results.add(load.run("POST /api/v1/query/sql (authenticated, rate limited, cached)", server.port,
        authorized(token, "/api/v1/query/sql").setMethod(HttpMethod.POST).putHeader("Content-Type", "application/json"),
        io.vertx.core.buffer.Buffer.buffer(query), CONNECTIONS, 5, seconds,
        (status, body) -> status == 200 && body.getByte(10) == 't'));
    }
    LoadClient.Result bare = results.get(0);
    StringBuilder md = new StringBuilder("| load | connections | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms "
      + "| vs bare | ≥ 50 % and p99 < 20 ms |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    JsonArray json = new JsonArray();
    for (LoadClient.Result r : results) {
      double ratio = r.rps() / bare.rps();
      boolean ok = r == bare || (ratio >= 0.5 && r.p99Ms() < 20 && r.errors() == 0);
      md.append(r.row()).append(String.format(Locale.ROOT, " %.0f %% | %s |%n", ratio * 100, r == bare ? "–" : ok ? "yes" : "NO"));
      json.add(r.json().put("ratio_to_bare", ratio));
    }
    System.out.println();
    System.out.println("HTTP load (64 connections, loopback, " + seconds + " s each; client in the benchmark JVM, server in its own)");
    System.out.println(md);
    Files.writeString(out.resolve("load.md"), md.toString());
    Files.writeString(out.resolve("load.json"), json.encodePrettily());
  }

  private static RequestOptions authorized(String token, String uri) {
    return new RequestOptions().setMethod(HttpMethod.GET).setURI(uri).putHeader("Authorization", "Bearer " + token);
  }

  /** Uploads a small CSV and waits for its job; the dataset id. */
  private static String uploaded(ServerProcess server, String token, Path csv) throws Exception {
    HttpResponse<String> reply = IngestBench.upload(server, token, csv, "bench");
    if (reply.statusCode() != 202) {
      throw new IllegalStateException("upload answered " + reply.statusCode() + ": " + reply.body());
    }
    JsonObject accepted = new JsonObject(reply.body());
    for (int i = 0; i < 600; i++) {
      JsonObject job = new JsonObject(server.http.send(HttpRequest.newBuilder(server.uri("/api/v1/data/job/"
        + accepted.getString("job_id"))).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString()).body());
      if ("completed".equals(job.getString("status"))) {
        return accepted.getString("dataset_id");
      }
      if ("failed".equals(job.getString("status"))) {
        throw new IllegalStateException(job.encode());
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the upload did not complete in 60 s");
  }
}
