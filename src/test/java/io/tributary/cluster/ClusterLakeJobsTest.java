package io.tributary.cluster;

import io.tributary.support.ChildServer;
import io.tributary.support.ClusterNodes;
import io.tributary.support.TestApp;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What database imports, collection clears and insights write or read goes through the object store: a node that
 * never held a file fetches it, and what one node writes every node reads.
 */
@DisplayName("Imports, clears and insights on an S3 lake across nodes")
@EnabledIfSystemProperty(named = "cluster.test", matches = "true",
  disabledReason = "two JVMs and s3proxy for a few minutes: run with -Dcluster.test=true")
class ClusterLakeJobsTest {

  private static ClusterNodes cluster;
  private static String token;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = ClusterNodes.underTarget("cluster-lake-jobs", 2,
      java.util.Map.of("TRIBUTARY_SOURCES_ALLOWED_HOSTS", "127.0.0.1"));
    token = cluster.node(0).login();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @DisplayName("an import, an appending import and a clear made on one node read the same on the other")
  void importAppendAndClearReachEveryNode() throws Exception {
    int port = PgConnectOptions.fromUri(TestApp.get().services.pgUrl()).getPort();
    String db = "cluster_src_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres");
         Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db);
    }
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db + "?user=postgres");
         Statement s = c.createStatement()) {
      s.execute("CREATE TABLE sales AS SELECT g AS id, g % 7 AS amount FROM generate_series(1, 3000) g");
    }
    JsonObject conn = created(cluster.send(cluster.node(0), "POST", "/api/v1/data/connections", token, new JsonObject()
      .put("name", "src").put("type", "postgresql").put("host", "127.0.0.1").put("port", port).put("database", db)
      .put("user", "postgres").put("password", "").encode()));
    String name = "imported_sales";
    String sql = "SELECT count(*) AS n, sum(amount) AS total FROM " + name + " WHERE ";
    JsonObject first = importOn(0, conn.getString("connection_id"), name, "replace");
    String datasetId = first.getString("dataset_id");
    // the job ran on whichever node claimed it: the other one has only the bucket to read the new version from
    ChildServer reader = without(first.getString("job_id"));
    assertThat(ClusterNodes.query(reader, token, sql + "1 > 0").getLong("n")).as("imported rows").isEqualTo(3000L);

    JsonObject second = importOn(1, conn.getString("connection_id"), name, "append");
    ChildServer analyst = without(second.getString("job_id"));
    HttpResponse<String> insights = cluster.send(analyst, "POST", "/api/v1/insights/generate", token,
      new JsonObject().put("dataset_id", datasetId).encode());
    assertThat(insights.statusCode()).as("insights where the version is not cached: " + insights.body()).isEqualTo(200);
    assertThat(new JsonObject(insights.body()).getLong("row_count")).isEqualTo(6000L);
    for (ChildServer node : cluster.nodes) {
      JsonObject got = ClusterNodes.query(node, token, sql + node.port + " > 0");
      assertThat(got.getLong("n")).as("rows after the append on port %d", node.port).isEqualTo(6000L);
      assertThat(got.getLong("total")).isEqualTo(17996L);
    }

    HttpResponse<String> made = cluster.send(cluster.node(0), "POST", "/api/v1/collections", token,
      new JsonObject().put("name", "to_clear").encode());
    String collection = "/api/v1/collections/" + created(made).getString("collection_id");
    HttpResponse<String> added = cluster.send(cluster.node(0), "POST", collection + "/items", token,
      new JsonObject().put("type", "dataset").put("id", datasetId).encode(),
      "If-Match", made.headers().firstValue("ETag").orElseThrow());
    assertThat(added.statusCode()).as(added.body()).isIn(200, 201);
    JsonObject third = importOn(0, conn.getString("connection_id"), name, "append");
    ChildServer clearer = without(third.getString("job_id"));
    HttpResponse<String> cleared = cluster.send(clearer, "POST", collection + "/clear", token, null,
      "If-Match", added.headers().firstValue("ETag").orElseThrow());
    assertThat(cleared.statusCode()).as("cleared where the version is not cached: " + cleared.body()).isEqualTo(200);
    assertThat(new JsonObject(cleared.body()).getLong("rows")).isEqualTo(9000L);
    for (ChildServer node : cluster.nodes) {
      HttpResponse<String> r = node.post("/api/v1/query/sql", token, new JsonObject()
        .put("sql", "SELECT * FROM " + name + " WHERE " + node.port + " > 1").encode());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonObject reply = new JsonObject(r.body());
      assertThat(reply.getJsonArray("results")).as("cleared on port %d", node.port).isEmpty();
      assertThat(reply.encode()).as("the schema stays").contains("\"id\"").contains("\"amount\"");
    }
  }

  private JsonObject importOn(int node, String connectionId, String name, String mode) throws Exception {
    JsonObject accepted = created(cluster.send(cluster.node(node), "POST", "/api/v1/data/import", token,
      new JsonObject().put("connection_id", connectionId).put("table", "sales").put("name", name).put("mode", mode)
        .encode()));
    JsonObject job = ClusterNodes.awaitJob(cluster.node(node), token, accepted.getString("job_id"), 300);
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    return accepted;
  }

  /** The node that does not hold the version the job wrote (it ran on the other one). */
  private static ChildServer without(String jobId) throws Exception {
    List<ChildServer> lacking = new java.util.ArrayList<>();
    for (ChildServer node : cluster.nodes) {
      try (Stream<Path> files = Files.walk(node.dataDir.resolve("datasets"))) {
        if (files.noneMatch(p -> p.getFileName().toString().startsWith(jobId))) {
          lacking.add(node);
        }
      }
    }
    assertThat(lacking).as("exactly one node lacks the version of job " + jobId).hasSize(1);
    return lacking.get(0);
  }

  private static JsonObject created(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201, 202);
    return new JsonObject(r.body());
  }
}
