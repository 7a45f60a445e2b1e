package io.tributary.cluster;

import io.tributary.support.ChildServer;
import io.tributary.support.Kafka;
import io.tributary.support.S3Proxy;
import io.tributary.support.TestApp;
import io.vertx.core.json.JsonObject;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A cluster of Tributary processes for the tests: s3proxy as the lake, one database on the run's PostgreSQL,
 * the run's Redis and Kafka (one namespace), and nodes with their own data directories, joined over Hazelcast
 * (TCP, 127.0.0.1) and sharing the first node's JWT keys.
 */
final class ClusterNodes implements AutoCloseable {

  static final String BUCKET = "tributary";

  final S3Proxy s3;
  final List<ChildServer> nodes = new ArrayList<>();
  String pgUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ClusterNodes(Path dir, int count) throws Exception {
    s3 = new S3Proxy(dir.resolve("s3"), BUCKET).start();
    try {
      start(dir, count);
    } catch (Exception | Error e) {
      close(); // no process outlives a cluster that did not start
      throw e;
    }
  }

  private void start(Path dir, int count) throws Exception {
    pgUrl = ChildServer.newDatabase(TestApp.get().services.pgUrl());
    String namespace = "cluster-" + UUID.randomUUID();
    int[] ports = new int[count];
    StringBuilder members = new StringBuilder();
    for (int i = 0; i < count; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        ports[i] = s.getLocalPort();
      }
      members.append(i == 0 ? "" : ",").append("127.0.0.1:").append(ports[i]);
    }
    for (int i = 0; i < count; i++) {
      ChildServer node = new ChildServer(Files.createDirectories(dir.resolve("node-" + (char) ('a' + i))), pgUrl,
        TestApp.get().services.redisUrl(), Kafka.bootstrap())
        .env("TRIBUTARY_KAFKA_NAMESPACE", namespace)
        .env("TRIBUTARY_JOB_LEASE_SECONDS", "10")
        .env("TRIBUTARY_TRANSFORM_INSTANCES", "1")
        .env("TRIBUTARY_QUERY_INSTANCES", "1")
        .env("TRIBUTARY_LAKE_URL", "s3://" + BUCKET + "/lake")
        .env("TRIBUTARY_LAKE_ENDPOINT", s3.endpoint())
        .env("TRIBUTARY_LAKE_ACCESS_KEY", "test")
        .env("TRIBUTARY_LAKE_SECRET_KEY", "test")
        .env("TRIBUTARY_CLUSTER_ENABLED", "true")
        .env("TRIBUTARY_CLUSTER_HOST", "127.0.0.1")
        .env("TRIBUTARY_CLUSTER_PORT", Integer.toString(ports[i]))
        .env("TRIBUTARY_CLUSTER_MEMBERS", members.toString());
      nodes.add(node);
    }
    // the first node migrates the database, creates the admin and the signing keys the others share; one at a
    // time, since starting JVMs at once on a loaded machine can starve the run's embedded Kafka
    nodes.get(0).start(300);
    Path keys = nodes.get(0).dataDir.resolve("keys");
    for (ChildServer node : nodes.subList(1, count)) {
      node.env("TRIBUTARY_JWT_PRIVATE_KEY_FILE", keys.resolve("jwt-private.pem").toString())
        .env("TRIBUTARY_JWT_PUBLIC_KEY_FILE", keys.resolve("jwt-public.pem").toString())
        .start(300);
    }
  }

  ChildServer node(int i) {
    return nodes.get(i);
  }

  /** The node's id (its data directory's {@code node-id}). */
  static String nodeId(ChildServer node) throws Exception {
    return Files.readString(node.dataDir.resolve("node-id")).trim();
  }

  /** Uploads {@code csv} as dataset {@code name} to {@code node}: the 202 body. */
  JsonObject upload(ChildServer node, String token, String name, String csv) throws Exception {
    String boundary = "cluster" + UUID.randomUUID();
    byte[] body = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n"
      + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + ".csv\"\r\n"
      + "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port
        + "/api/v1/data/upload")).timeout(Duration.ofMinutes(3)).header("Authorization", "Bearer " + token)
      .header("Content-Type", "multipart/form-data; boundary=" + boundary)
      .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new AssertionError("upload answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }

  /** Polls the job on {@code node} until it ends: its last state. */
  static JsonObject awaitJob(ChildServer node, String token, String jobId, int seconds) throws Exception {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    JsonObject job = null;
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<String> r = node.get("/api/v1/data/job/" + jobId, token);
      if (r.statusCode() == 200) {
        job = new JsonObject(r.body());
        String status = job.getString("status");
        if ("completed".equals(status) || "failed".equals(status)) {
          return job;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("job " + jobId + " did not end in " + seconds + " s: " + job);
  }

  /** The single row of {@code sql} run on {@code node}. */
  static JsonObject query(ChildServer node, String token, String sql) throws Exception {
    HttpResponse<String> r = node.post("/api/v1/query/sql", token, new JsonObject().put("sql", sql).encode());
    if (r.statusCode() != 200) {
      throw new AssertionError("query on port " + node.port + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body()).getJsonArray("results").getJsonObject(0);
  }

  /** A CSV of {@code rows} rows {@code id,grp,amount} whose sums are known (see {@link #truth}). */
  static String csv(int rows) {
    StringBuilder sb = new StringBuilder(rows * 20).append("id,grp,amount\n");
    for (int i = 0; i < rows; i++) {
      sb.append(i).append(",g").append(i % 13).append(',').append(i % 1000).append('\n');
    }
    return sb.toString();
  }

  /** {@code {n, ids, total}} of {@link #csv}. */
  static JsonObject truth(int rows) {
    long total = 0;
    for (int i = 0; i < rows; i++) {
      total += i % 1000;
    }
    return new JsonObject().put("n", (long) rows).put("ids", (long) rows).put("total", total);
  }

  @Override
  public void close() throws Exception {
    for (ChildServer node : nodes) {
      node.close();
    }
    s3.close();
  }
}
