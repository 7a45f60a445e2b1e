package io.tributary.stream;

import io.tributary.config.Sections;
import io.tributary.support.Api;
import io.tributary.db.Database;
import io.tributary.support.Await;
import io.tributary.support.Duck;
import io.tributary.support.Kafka;
import io.tributary.support.TestApp;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A stream's partitions moving between consumers while records arrive")
class StreamRebalanceTest {

  @Test
  @DisplayName("a second process joining and leaving the consumer group again and again stores every record once")
  void rebalancesKeepExactlyOnce() throws Exception {
    TestApp app = TestApp.get();
    Api user = Api.newUser("analyst", "premium");
    String topic = StreamIngestTest.topic();
    StreamIngestTest.register(user, "moving", topic);

    // a producer that shares no code with the server keeps the partitions busy while the group rebalances
    int chunk = 1_000;
    int chunks = 40;
    AtomicInteger produced = new AtomicInteger();
    AtomicReference<Throwable> producing = new AtomicReference<>();
    Thread producer = new Thread(() -> {
      try {
        for (int from = 0; from < chunk * chunks; from += chunk) {
          Kafka.produce(topic, from, chunk, StreamIngestTest::record);
          produced.set(from + chunk);
          Thread.sleep(150);
        }
      } catch (Throwable t) {
        producing.set(t);
      }
    });
    producer.setDaemon(true);
    producer.start();

    // the second consumer is the StreamVerticle of another node (its own node id and data directory, as in a
    // cluster); each time it joins or leaves, the group takes partitions from one consumer and gives them to the other
    Path secondDir = Files.createDirectories(app.dataDir.resolve("rebalance-b"));
    JsonObject cfg = app.config();
    Sections.withNode(cfg, secondDir.toString(), "rebalance-b");
    JsonObject second = Sections.of(cfg, "stream", Sections.NODE, "postgres", "kafka");
    int moves = 0;
    while (producer.isAlive() && moves < 16) {
      String id = Await.result(app.vertx.deployVerticle(new StreamVerticle(), new DeploymentOptions().setConfig(second)));
      Api.sleep(1_500);
      Await.result(app.vertx.undeploy(id));
      Api.sleep(700);
      moves += 2;
    }
    producer.join();
    assertThat(producing.get()).isNull();
    assertThat(moves).as("the partitions moved while records were produced").isGreaterThanOrEqualTo(4);

    int n = produced.get();
    StreamIngestTest.await("the stream stored " + n + " records", 120, () -> StreamIngestTest.count(user, "moving") >= n);
    Api.sleep(1_000); // a duplicate batch, if any, would land now
    assertThat(StreamIngestTest.count(user, "moving")).as("records_ingested").isEqualTo(n);

    // the registered parts (each on the node that wrote or compacted it; no lake here) hold every record once
    List<String> files = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(Database.jdbcUrl(app.services.pgUrl()));
         PreparedStatement s = c.prepareStatement("SELECT p.file_path FROM stream_parts p JOIN streams t ON t.id = p.stream_id "
           + "WHERE t.topic = ?")) {
      s.setString(1, topic);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Path mine = app.dataDir.resolve("app").resolve(rs.getString(1));
          files.add(Duck.lit(Files.exists(mine) ? mine : secondDir.resolve(rs.getString(1))));
        }
      }
    }
    List<Map<String, Object>> figures = Duck.rows("SELECT count(*) AS n, count(DISTINCT id) AS ids FROM read_parquet(["
      + String.join(", ", files) + "], union_by_name = true)");
    assertThat(((Number) figures.get(0).get("ids")).longValue()).as("every record is stored").isEqualTo(n);
    assertThat(((Number) figures.get(0).get("n")).longValue()).as("no record is stored twice").isEqualTo(n);
  }
}
