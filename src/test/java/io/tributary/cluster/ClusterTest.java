package io.tributary.cluster;

import io.tributary.support.ChildServer;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tributary processes (two by default; {@code -Dcluster.nodes=3}) on one S3 lake (s3proxy), one PostgreSQL database, Redis and Kafka, each with its own
 * data directory and a clustered event bus: any node answers any request, and a node's death loses nothing.
 */
@DisplayName("A cluster of Tributary nodes on an S3 lake")
@EnabledIfSystemProperty(named = "cluster.test", matches = "true",
  disabledReason = "three JVMs and s3proxy for about 6 minutes: run with -Dcluster.test=true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {

  private static ClusterNodes cluster;
  private static String token;

  @BeforeAll
  static void startCluster() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "cluster-test-" + UUID.randomUUID()).toAbsolutePath());
    cluster = new ClusterNodes(dir, Integer.getInteger("cluster.nodes", 2));
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
  @Order(3)
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
  @Order(4)
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
