package io.tributary.cluster;

import io.tributary.support.ChildServer;
import io.tributary.support.ClusterNodes;
import io.tributary.support.Kafka;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Tributary nodes ({@link ClusterNodes}: s3proxy lake, one PostgreSQL, Redis and Kafka) share a stream's
 * partitions through the consumer group; one is killed with SIGKILL while records flow, and the other takes its
 * partitions over once the group's session timeout has passed: every record is stored exactly once.
 */
@DisplayName("A cluster keeps a stream exactly once when a node dies")
@EnabledIfSystemProperty(named = "cluster.test", matches = "true",
  disabledReason = "two JVMs and s3proxy for about 3 minutes: run with -Dcluster.test=true")
class ClusterStreamKillTest {

  private static ClusterNodes cluster;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    cluster = ClusterNodes.underTarget("cluster-stream-kill", 2);
    token = cluster.node(0).login();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @DisplayName("kill -9 of a node in the middle of a stream: the other stores every record, each once")
  void streamOfAKilledNodeContinuesElsewhere() throws Exception {
    ChildServer victim = cluster.node(0);
    ChildServer survivor = cluster.node(1);
    String topic = "cluster-kill-stream-" + UUID.randomUUID();
    var created = survivor.post("/api/v1/streams", token,
      new JsonObject().put("name", "gauges").put("topic", topic).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    int n = 60_000;
    int chunk = 2_000;
    int before = n / 3;
    Kafka.produce(topic, 0, before, i -> "{\"seq\":" + i + ",\"reading\":" + (i % 97) + "}");
    // the kill comes once the stream is being stored (both nodes in the group, the 3 partitions spread over them)
    long started = System.currentTimeMillis() + 120_000;
    while (ingested(survivor) < before / 2) {
      assertThat(System.currentTimeMillis()).as("the stream is being stored").isLessThan(started);
      Thread.sleep(200);
    }
    victim.kill();
    for (int from = before; from < n; from += chunk) {
      Kafka.produce(topic, from, Math.min(chunk, n - from), i -> "{\"seq\":" + i + ",\"reading\":" + (i % 97) + "}");
    }

    // the survivor takes the dead member's partitions after the session timeout (15 s) and stores the rest
    long deadline = System.currentTimeMillis() + 180_000;
    while (ingested(survivor) < n && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
    }
    assertThat(ingested(survivor)).as("records stored").isEqualTo(n);
    JsonObject rows = ClusterNodes.query(survivor, token,
      "SELECT count(*) AS n, count(DISTINCT seq) AS seqs, min(seq) AS lo, max(seq) AS hi, sum(reading) AS total "
        + "FROM gauges");
    assertThat(rows.getLong("n")).as("every record once").isEqualTo(n);
    assertThat(rows.getLong("seqs")).as("no record twice, none missing").isEqualTo(n);
    assertThat(rows.getLong("lo")).isZero();
    assertThat(rows.getLong("hi")).isEqualTo(n - 1);
    long total = 0;
    for (int i = 0; i < n; i++) {
      total += i % 97;
    }
    assertThat(rows.getLong("total")).isEqualTo(total);
  }

  private static long ingested(ChildServer node) throws Exception {
    return new JsonObject(node.get("/api/v1/streams/gauges", token).body()).getLong("records_ingested", 0L);
  }
}
