package io.tributary.support;

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
import java.util.Map;
import java.util.UUID;

/**
 * A cluster of Tributary processes for the tests: s3proxy as the lake, one database on the run's PostgreSQL,
 * the run's Redis and Kafka (one namespace), and nodes with their own data directories, joined over Hazelcast
 * (TCP, 127.0.0.1) and sharing the first node's JWT keys. Used by {@code ClusterTest} and {@code ClusterBench}.
 */
public final class ClusterNodes implements AutoCloseable {

  public static final String BUCKET = "tributary";

  public final S3Proxy s3;
  public final List<ChildServer> nodes = new ArrayList<>();
  public String pgUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public ClusterNodes(Path dir, int count) throws Exception {
    this(dir, count, Map.of());
  }

  /** {@code count} nodes under a new folder {@code target/<prefix>-<uuid>} (their logs stay there). */
  public static ClusterNodes underTarget(String prefix, int count) throws Exception {
    return underTarget(prefix, count, Map.of());
  }

  /** As {@link #underTarget(String, int)}, every node with {@code env} besides the cluster's own settings. */
  public static ClusterNodes underTarget(String prefix, int count, Map<String, String> env) throws Exception {
    return new ClusterNodes(java.nio.file.Files.createDirectories(Path.of("target", prefix + "-"
      + java.util.UUID.randomUUID()).toAbsolutePath()), count, env);
  }

  /** {@code env}: settings every node gets besides the cluster's own (they win over those). */
  public ClusterNodes(Path dir, int count, Map<String, String> env) throws Exception {
    s3 = new S3Proxy(dir.resolve("s3"), BUCKET).start();
    try {
      start(dir, count, env);
    } catch (Exception | Error e) {
      close(); // no process outlives a cluster that did not start
      throw e;
    }
  }

  private void start(Path dir, int count, Map<String, String> env) throws Exception {
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
      env.forEach(node::env);
      nodes.add(node);
    }
    // the first node migrates the database, creates the admin and the signing keys the others share; one at a
    // time, since starting JVMs at once on a loaded machine can starve the run's embedded Kafka
    startOrRetry(nodes.get(0));
    Path keys = nodes.get(0).dataDir.resolve("keys");
    for (ChildServer node : nodes.subList(1, count)) {
      startOrRetry(node.env("TRIBUTARY_JWT_PRIVATE_KEY_FILE", keys.resolve("jwt-private.pem").toString())
        .env("TRIBUTARY_JWT_PUBLIC_KEY_FILE", keys.resolve("jwt-public.pem").toString())
        .env("TRIBUTARY_SOURCES_ENCRYPTION_KEY_FILE", keys.resolve("sources.key").toString()));
    }
  }

  /**
   * Starts {@code node}, once more if it exits: on a machine loaded far beyond its cores, a starting node can miss
   * its 30 s Kafka check and stop ("Kafka is not reachable"), which says nothing about the cluster.
   */
  private static void startOrRetry(ChildServer node) throws Exception {
    try {
      node.start(300);
    } catch (IllegalStateException exited) {
      System.out.println("A node did not start (" + exited.getMessage() + "); starting it again");
      node.start(300);
    }
  }

  public ChildServer node(int i) {
    return nodes.get(i);
  }

  /** The node's id (its data directory's {@code node-id}). */
  public static String nodeId(ChildServer node) throws Exception {
    return Files.readString(node.dataDir.resolve("node-id")).trim();
  }

  /** Uploads {@code csv} as dataset {@code name} to {@code node}: the 202 body. */
  public JsonObject upload(ChildServer node, String token, String name, String csv) throws Exception {
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

  /** A request with a JSON body (or none) and extra headers (name, value, ...) to {@code node}. */
  public HttpResponse<String> send(ChildServer node, String method, String path, String token, String json,
                            String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port + path))
      .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
      .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code GET path} on {@code node} without a token, as bytes (downloads). */
  public HttpResponse<byte[]> download(ChildServer node, String path) throws Exception {
    return download(node, path, null);
  }

  /** {@code GET path} on {@code node} with {@code token} (null: none), as bytes. */
  public HttpResponse<byte[]> download(ChildServer node, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port + path))
      .timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Logs {@code email} in on {@code node}: the token. */
  public static String login(ChildServer node, String email, String password) throws Exception {
    HttpResponse<String> r = node.post("/api/v1/auth/login", null,
      new JsonObject().put("email", email).put("password", password).encode());
    if (r.statusCode() != 200) {
      throw new AssertionError("login of " + email + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body()).getString("token");
  }

  /**
   * Polls {@code GET path} on {@code node} until it answers {@code status}, for at most {@code maxMs}: the
   * milliseconds it took (from {@code sinceNanos}), or -1 when it never did.
   */
  public static long millisUntil(ChildServer node, String path, String token, int status, long sinceNanos, long maxMs)
    throws Exception {
    while (true) {
      int got = node.get(path, token).statusCode();
      long ms = (System.nanoTime() - sinceNanos) / 1_000_000;
      if (got == status) {
        return ms;
      }
      if (ms > maxMs) {
        return -1;
      }
      Thread.sleep(20);
    }
  }

  /** Polls the job on {@code node} until it ends: its last state. */
  public static JsonObject awaitJob(ChildServer node, String token, String jobId, int seconds) throws Exception {
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
  public static JsonObject query(ChildServer node, String token, String sql) throws Exception {
    HttpResponse<String> r = node.post("/api/v1/query/sql", token, new JsonObject().put("sql", sql).encode());
    if (r.statusCode() != 200) {
      throw new AssertionError("query on port " + node.port + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body()).getJsonArray("results").getJsonObject(0);
  }

  /** A CSV of {@code rows} rows {@code id,grp,amount} whose sums are known (see {@link #truth}). */
  public static String csv(int rows) {
    StringBuilder sb = new StringBuilder(rows * 20).append("id,grp,amount\n");
    for (int i = 0; i < rows; i++) {
      sb.append(i).append(",g").append(i % 13).append(',').append(i % 1000).append('\n');
    }
    return sb.toString();
  }

  /** {@code {n, ids, total}} of {@link #csv}. */
  public static JsonObject truth(int rows) {
    long total = 0;
    for (int i = 0; i < rows; i++) {
      total += i % 1000;
    }
    return new JsonObject().put("n", (long) rows).put("ids", (long) rows).put("total", total);
  }

  /**
   * CPU seconds (user + system) the running nodes have used so far, from {@code /proc/<pid>/stat} (Linux; clock
   * ticks of 1/100 s): compare two readings for the cost of what happened between them.
   */
  public double cpuSeconds() throws Exception {
    double sum = 0;
    for (ChildServer node : nodes) {
      if (node.alive()) {
        String stat = Files.readString(Path.of("/proc", Long.toString(node.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        sum += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime (fields 14, 15)
      }
    }
    return sum;
  }

  /**
   * CPU seconds (user + system) of the live nodes' threads by kind, read from {@code /proc/<pid>/task/<tid>/stat} (names
   * cut to 15 characters): {@code jit} (C1/C2 compiler threads: a cost each node pays once while it warms up, not per
   * request), {@code gc}, {@code event-loop}, {@code worker} (Vert.x and Tributary's pools), {@code kafka},
   * {@code hazelcast}, {@code other}. Exact only when the nodes run with {@code -XX:-UseDynamicNumberOfCompilerThreads}
   * (else a compiler thread that exits takes its seconds with it; other threads live as long as the node).
   */
  public java.util.Map<String, Double> cpuByThreadKind() throws Exception {
    java.util.Map<String, Double> sum = new java.util.TreeMap<>();
    for (ChildServer node : nodes) {
      if (!node.alive()) {
        continue;
      }
      try (var tasks = Files.list(Path.of("/proc", Long.toString(node.pid()), "task"))) {
        for (Path task : tasks.toList()) {
          String stat;
          try {
            stat = Files.readString(task.resolve("stat"));
          } catch (java.io.IOException gone) {
            continue; // the thread ended between the listing and the read
          }
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
          sum.merge(threadKind(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))), seconds, Double::sum);
        }
      }
    }
    return sum;
  }

  private static String threadKind(String name) {
    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
      return "jit";
    } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
      return "gc";
    } else if (name.startsWith("vert.x-eventloo")) {
      return "event-loop";
    } else if (name.startsWith("vert.x-") || name.startsWith("tributary-")) {
      return "worker";
    } else if (name.startsWith("kafka") || name.contains("producer-") || name.contains("consumer")) {
      return "kafka";
    } else if (name.startsWith("hz.")) {
      return "hazelcast";
    }
    return "other";
  }

  @Override
  public void close() throws Exception {
    for (ChildServer node : nodes) {
      node.close();
    }
    s3.close();
  }
}
