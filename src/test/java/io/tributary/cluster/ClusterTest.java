package io.tributary.cluster;

import io.tributary.support.ChildServer;
import io.tributary.support.ClusterNodes;
import io.tributary.support.Await;
import io.tributary.support.Kafka;
import io.tributary.support.TestApp;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tributary processes (three by default; {@code -Dcluster.nodes=2}) on one S3 lake (s3proxy), one PostgreSQL
 * database, Redis and Kafka, each with its own data directory and a clustered event bus: any node answers any
 * request, and a node's death loses nothing. {@code -Dcluster.kill.rows} sizes the job killed mid-way.
 */
@DisplayName("A cluster of Tributary nodes on an S3 lake")
@EnabledIfSystemProperty(named = "cluster.test", matches = "true",
  disabledReason = "three JVMs and s3proxy for about 8 minutes: run with -Dcluster.test=true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {

  private static ClusterNodes cluster;
  private static String token;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = ClusterNodes.underTarget("cluster-test", Integer.getInteger("cluster.nodes", 3));
    token = cluster.node(0).login();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName("a dataset uploaded on any node reads the same on every node, through each node's cache")
  void uploadOnOneQueryOnAll() throws Exception {
    int rows = 20_000;
    List<String> names = new ArrayList<>();
    int size = cluster.nodes.size();
    for (int i = 0; i < size; i++) {
      String name = "spread_" + i;
      JsonObject accepted = cluster.upload(cluster.node(i), token, name, ClusterNodes.csv(rows + i));
      names.add(name);
      JsonObject job = ClusterNodes.awaitJob(cluster.node((i + 1) % size), token, accepted.getString("job_id"), 300);
      assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    }
    for (int i = 0; i < size; i++) {
      JsonObject truth = ClusterNodes.truth(rows + i);
      for (ChildServer node : cluster.nodes) {
        // a different text per node: the result cache in Redis is shared, and each node must read the file itself
        String sql = "SELECT count(*) AS n, count(DISTINCT id) AS ids, sum(amount) AS total FROM " + names.get(i)
          + " WHERE " + node.port + " > 0";
        JsonObject got = ClusterNodes.query(node, token, sql);
        assertThat(got.getLong("n")).as("rows of %s on port %d", names.get(i), node.port).isEqualTo(truth.getLong("n"));
        assertThat(got.getLong("ids")).isEqualTo(truth.getLong("ids"));
        assertThat(got.getLong("total")).isEqualTo(truth.getLong("total"));
      }
    }
    // every node now holds its own verified copy of every dataset, and the bucket holds each file once
    for (ChildServer node : cluster.nodes) {
      assertThat(parquetFiles(node.dataDir.resolve("datasets"))).as("cached on port %d", node.port).hasSize(size);
    }
    assertThat(parquetFiles(cluster.s3.dir.resolve("blobs").resolve(ClusterNodes.BUCKET))).hasSize(size);
  }

  @Test
  @Order(2)
  @DisplayName("a dashboard exported on one node downloads byte for byte from every other node")
  void exportOnOneNodeDownloadsOnAll() throws Exception {
    JsonObject accepted = cluster.upload(cluster.node(0), token, "exported", ClusterNodes.csv(2_000));
    assertThat(ClusterNodes.awaitJob(cluster.node(0), token, accepted.getString("job_id"), 300).getString("status"))
      .isEqualTo("completed");
    JsonObject bars = new JsonObject().put("title", "Groups").put("chart_type", "bar")
      .put("dataset_id", accepted.getString("dataset_id"))
      .put("query", "SELECT grp, sum(amount) AS total FROM exported GROUP BY grp ORDER BY grp")
      .put("config", new JsonObject().put("x", "grp").put("y", "total"));
    HttpResponse<String> created = cluster.node(0).post("/api/v1/dashboards", token, new JsonObject()
      .put("name", "Cluster report").put("visualizations", new io.vertx.core.json.JsonArray().add(bars)).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String dashboard = new JsonObject(created.body()).getString("dashboard_id");

    HttpResponse<String> exported = cluster.node(0).post("/api/v1/dashboards/" + dashboard + "/export", token,
      new JsonObject().put("format", "png").put("width", 800).put("height", 500).encode());
    assertThat(exported.statusCode()).as(exported.body()).isEqualTo(201);
    String url = new JsonObject(exported.body()).getString("download_url");
    byte[] first = null;
    for (ChildServer node : cluster.nodes) {
      HttpResponse<byte[]> file = cluster.download(node, url);
      assertThat(file.statusCode()).as("download on port %d", node.port).isEqualTo(200);
      assertThat(file.headers().firstValue("Content-Type")).hasValue("image/png");
      assertThat(Arrays.copyOf(file.body(), 4)).as("a PNG").isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
      if (first == null) {
        first = file.body();
      } else {
        assertThat(file.body()).as("the same file on port %d", node.port).isEqualTo(first);
      }
    }
    try (var files = Files.walk(cluster.s3.dir.resolve("blobs").resolve(ClusterNodes.BUCKET))) {
      assertThat(files.filter(p -> p.toString().contains("/exports/") && p.toString().endsWith(".png")).count())
        .as("one export object in the bucket").isEqualTo(1);
    }
    HttpResponse<byte[]> unknown = cluster.download(cluster.node(cluster.nodes.size() - 1),
      "/api/v1/exports/" + "x".repeat(43));
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  @Test
  @Order(2)
  @DisplayName("a user-data export made on one node downloads from every other node, with the user's Parquet")
  void userExportOnOneNodeDownloadsOnAll() throws Exception {
    String me = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]))).getString("sub");
    HttpResponse<String> started = cluster.node(1).post("/api/v1/users/" + me + "/export", token, "{}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String job = new JsonObject(started.body()).getString("job_id");
    assertThat(ClusterNodes.awaitJob(cluster.node(1), token, job, 300).getString("status")).isEqualTo("completed");
    for (ChildServer node : cluster.nodes) {
      HttpResponse<byte[]> zip = cluster.download(node, "/api/v1/users/" + me + "/export/" + job, token);
      assertThat(zip.statusCode()).as("download on port %d", node.port).isEqualTo(200);
      List<String> names = new ArrayList<>();
      try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip.body()))) {
        for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
          names.add(e.getName());
        }
      }
      assertThat(names).contains("user.json")
        .as("every dataset's Parquet from the bucket").filteredOn(n -> n.endsWith(".parquet"))
        .hasSizeGreaterThanOrEqualTo(cluster.nodes.size());
    }
  }

  @Test
  @Order(3)
  @DisplayName("a flag killed on one node switches its module off on every other node within 2 s")
  void flagKillReachesEveryNode() throws Exception {
    String module = "/api/v1/collections";
    for (ChildServer node : cluster.nodes) {
      assertThat(node.get(module, token).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> killed = cluster.node(0).post("/api/v1/admin/flags/module.collections/kill", token, "{}");
    assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
    long at = System.nanoTime();
    try {
      for (ChildServer node : cluster.nodes.subList(1, cluster.nodes.size())) {
        long ms = ClusterNodes.millisUntil(node, module, token, 404, at, 2_000);
        System.out.printf("flag kill seen on port %d after %d ms%n", node.port, ms);
        assertThat(ms).as("FEATURE_DISABLED on port %d within 2 s", node.port).isBetween(0L, 2_000L);
        assertThat(node.get(module, token).body()).contains("FEATURE_DISABLED");
      }
    } finally {
      String etag = cluster.node(0).get("/api/v1/admin/flags/module.collections", token).headers()
        .firstValue("ETag").orElseThrow();
      HttpResponse<String> revived = cluster.send(cluster.node(0), "PATCH", "/api/v1/admin/flags/module.collections",
        token, new JsonObject().put("enabled", true).put("rollout_percent", 100).encode(), "If-Match", etag);
      assertThat(revived.statusCode()).as(revived.body()).isEqualTo(200);
    }
    long back = System.nanoTime();
    for (ChildServer node : cluster.nodes) {
      assertThat(ClusterNodes.millisUntil(node, module, token, 200, back, 2_000)).as("back on port %d", node.port)
        .isBetween(0L, 2_000L);
    }
  }

  @Test
  @Order(4)
  @DisplayName("a logout or a deactivation on one node refuses the token on every other node within 1 s")
  void revocationsReachEveryNode() throws Exception {
    String probe = "/api/v1/data/datasets";
    String session = ClusterNodes.login(cluster.node(1), ChildServer.ADMIN_EMAIL, ChildServer.ADMIN_PASSWORD);
    for (ChildServer node : cluster.nodes) {
      assertThat(node.get(probe, session).statusCode()).isEqualTo(200);
    }
    assertThat(cluster.node(0).post("/api/v1/auth/logout", session, "{}").statusCode()).isEqualTo(204);
    awaitRefused("logout", probe, session, System.nanoTime());

    String email = "deactivated-" + UUID.randomUUID() + "@test.local";
    HttpResponse<String> user = cluster.node(0).post("/api/v1/users", token, new JsonObject().put("email", email)
      .put("password", ChildServer.ADMIN_PASSWORD).put("role", "analyst").put("tier", "free").encode());
    assertThat(user.statusCode()).as(user.body()).isEqualTo(201);
    String userToken = ClusterNodes.login(cluster.node(1), email, ChildServer.ADMIN_PASSWORD);
    for (ChildServer node : cluster.nodes) {
      assertThat(node.get(probe, userToken).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> off = cluster.send(cluster.node(0), "PATCH", "/api/v1/users/"
      + new JsonObject(user.body()).getString("id"), token, new JsonObject().put("active", false).encode());
    assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
    awaitRefused("deactivation", probe, userToken, System.nanoTime());
  }

  /** Every node but the first refuses {@code revoked} with 401 within 1 s of {@code since}. */
  private static void awaitRefused(String what, String probe, String revoked, long since) throws Exception {
    for (ChildServer node : cluster.nodes.subList(1, cluster.nodes.size())) {
      long ms = ClusterNodes.millisUntil(node, probe, revoked, 401, since, 1_000);
      System.out.printf("%s seen on port %d after %d ms%n", what, node.port, ms);
      assertThat(ms).as("%s refused on port %d within 1 s", what, node.port).isBetween(0L, 1_000L);
    }
  }

  @Test
  @Order(5)
  @DisplayName("a socket on the last node receives every record of a stream all nodes ingest")
  void socketOnAnyNodeSeesEveryRecord() throws Exception {
    String topic = "cluster-stream-" + UUID.randomUUID();
    var created = cluster.node(0).post("/api/v1/streams", token,
      new JsonObject().put("name", "sensors").put("topic", topic).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    ChildServer c = cluster.node(cluster.nodes.size() - 1);
    List<JsonObject> got = new CopyOnWriteArrayList<>();
    WebSocket ws = Await.result(TestApp.get().sockets.connect(c.port, "127.0.0.1",
      "/ws/streams/sensors?access_token=" + token));
    ws.textMessageHandler(text -> got.add(new JsonObject(text)));
    ws.writeTextMessage(new JsonObject().put("action", "subscribe").put("filters", new JsonObject()).encode());
    long subscribed = System.currentTimeMillis() + 20_000;
    while (got.stream().noneMatch(m -> "subscribed".equals(m.getString("type")))) {
      assertThat(System.currentTimeMillis()).as("the subscription is acknowledged").isLessThan(subscribed);
      Thread.sleep(100);
    }
    // the relay delivers what is produced once it follows the topic: markers until one arrives
    long live = System.currentTimeMillis() + 60_000;
    int markers = 0;
    while (records(got).stream().noneMatch(r -> r.containsKey("marker"))) {
      assertThat(System.currentTimeMillis()).as("the live feed started").isLessThan(live);
      Kafka.produce(topic, 0, 1, i -> "{\"marker\":true}");
      markers++;
      Thread.sleep(300);
    }
    Thread.sleep(300);
    got.clear();
    int n = 6_000;
    Kafka.produce(topic, 0, n, i -> "{\"seq\":" + i + ",\"reading\":" + (i % 50) + "}");
    long deadline = System.currentTimeMillis() + 90_000;
    while (records(got).stream().filter(r -> r.containsKey("seq")).count() < n && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
    }
    List<Integer> seqs = records(got).stream().filter(r -> r.containsKey("seq")).map(r -> r.getInteger("seq")).toList();
    assertThat(seqs).as("every record once").hasSize(n).doesNotHaveDuplicates();
    Await.result(ws.close());

    // the stream's partitions were stored by the consumer group across the nodes, each record once
    long stored = 0;
    long end = System.currentTimeMillis() + 90_000;
    while (stored < n + markers && System.currentTimeMillis() < end) {
      stored = new JsonObject(cluster.node(1).get("/api/v1/streams/sensors", token).body()).getLong("records_ingested");
      Thread.sleep(300);
    }
    JsonObject rows = ClusterNodes.query(c, token,
      "SELECT count(*) FILTER (WHERE seq IS NOT NULL) AS n, count(DISTINCT seq) AS seqs FROM sensors");
    assertThat(rows.getLong("n")).isEqualTo(n);
    assertThat(rows.getLong("seqs")).isEqualTo(n);
  }

  @Test
  @Order(6)
  @DisplayName("with the object store down for 10 s an upload waits, then completes; nothing is lost")
  void objectStoreOutageIsWaitedOut() throws Exception {
    int rows = 5_000;
    cluster.s3.stop();
    CompletableFuture<JsonObject> upload;
    long stopped = System.nanoTime();
    try {
      upload = CompletableFuture.supplyAsync(() -> {
        try {
          return cluster.upload(cluster.node(1 % cluster.nodes.size()), token, "during_outage", ClusterNodes.csv(rows));
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      Thread.sleep(10_000);
      assertThat(upload).as("the upload waits for the store").isNotDone();
    } finally {
      cluster.s3.start();
    }
    JsonObject accepted = upload.get(90, TimeUnit.SECONDS);
    assertThat(System.nanoTime() - stopped).isGreaterThan(TimeUnit.SECONDS.toNanos(10));
    JsonObject job = ClusterNodes.awaitJob(cluster.node(cluster.nodes.size() - 1), token, accepted.getString("job_id"), 300);
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    JsonObject got = ClusterNodes.query(cluster.node(0), token, "SELECT count(*) AS n, sum(amount) AS total FROM during_outage");
    assertThat(got.getLong("n")).isEqualTo(rows);
    assertThat(got.getLong("total")).isEqualTo(ClusterNodes.truth(rows).getLong("total"));
  }

  @Test
  @Order(7)
  @DisplayName("kill -9 of the node running a job: another node completes it after the lease, exactly once")
  void jobOfAKilledNodeCompletesElsewhere() throws Exception {
    int rows = Integer.getInteger("cluster.kill.rows", 200_000);
    JsonObject accepted = cluster.upload(cluster.node(0), token, "survivor", ClusterNodes.csv(rows));
    String jobId = accepted.getString("job_id");
    String worker = null;
    long deadline = System.currentTimeMillis() + 120_000;
    while (worker == null && System.currentTimeMillis() < deadline) {
      worker = workerOf(jobId);
      Thread.sleep(50);
    }
    assertThat(worker).as("a node claimed the job").isNotNull();
    ChildServer victim = null;
    for (ChildServer node : cluster.nodes) {
      if (ClusterNodes.nodeId(node).equals(worker)) {
        victim = node;
      }
    }
    assertThat(victim).as("the worker is one of the nodes").isNotNull();
    victim.kill();
    ChildServer survivor = cluster.nodes.stream().filter(ChildServer::alive).findFirst().orElseThrow();
    JsonObject job = ClusterNodes.awaitJob(survivor, token, jobId, 300);
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(workerHistory(jobId)).as("finished by another node").isNotEqualTo(worker);
    for (ChildServer node : cluster.nodes) {
      if (node != victim) {
        JsonObject got = ClusterNodes.query(node, token,
          "SELECT count(*) AS n, count(DISTINCT id) AS ids, sum(amount) AS total FROM survivor");
        assertThat(got.getLong("n")).isEqualTo(rows);
        assertThat(got.getLong("ids")).isEqualTo(rows);
        assertThat(got.getLong("total")).isEqualTo(ClusterNodes.truth(rows).getLong("total"));
      }
    }
    try (Connection conn = DriverManager.getConnection(io.tributary.db.Database.jdbcUrl(cluster.pgUrl));
         Statement s = conn.createStatement();
         ResultSet r = s.executeQuery("SELECT count(*), max(version) FROM datasets WHERE name = 'survivor'")) {
      r.next();
      assertThat(r.getInt(1)).as("one dataset").isEqualTo(1);
      assertThat(r.getInt(2)).as("one version").isEqualTo(1);
    }
  }

  /** The node holding the job's lease while it is processing, or null. */
  private static String workerOf(String jobId) throws Exception {
    try (Connection conn = DriverManager.getConnection(io.tributary.db.Database.jdbcUrl(cluster.pgUrl));
         Statement s = conn.createStatement();
         ResultSet r = s.executeQuery("SELECT worker_id FROM jobs WHERE id = '" + UUID.fromString(jobId)
           + "' AND status = 'processing'")) {
      return r.next() ? r.getString(1) : null;
    }
  }

  private static String workerHistory(String jobId) throws Exception {
    try (Connection conn = DriverManager.getConnection(io.tributary.db.Database.jdbcUrl(cluster.pgUrl));
         Statement s = conn.createStatement();
         ResultSet r = s.executeQuery("SELECT worker_id FROM jobs WHERE id = '" + UUID.fromString(jobId) + "'")) {
      return r.next() ? r.getString(1) : null;
    }
  }

  private static List<JsonObject> records(List<JsonObject> messages) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject m : messages) {
      if ("update".equals(m.getString("type"))) {
        out.add(m.getJsonObject("data"));
      } else if ("updates".equals(m.getString("type"))) {
        m.getJsonArray("data").forEach(o -> out.add((JsonObject) o));
      }
    }
    return out;
  }

  private static List<Path> parquetFiles(Path root) throws Exception {
    try (var files = Files.walk(root)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
    }
  }
}
