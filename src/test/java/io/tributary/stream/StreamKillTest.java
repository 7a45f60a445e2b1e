package io.tributary.stream;

import io.tributary.support.ChildServer;
import io.tributary.support.Kafka;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("kill -9 of the consuming server in the middle of a stream")
class StreamKillTest {

  @Test
  @DisplayName("after SIGKILL and a restart, the dataset holds every produced record exactly once and no stray part")
  void exactlyOnceAfterKill(@TempDir Path dir) throws Exception {
    int chunk = 5_000;
    String topic = "kill-" + UUID.randomUUID();
    try (ChildServer server = new ChildServer(dir).start()) {
      String token = server.login();
      HttpResponse<String> created = server.post("/api/v1/streams", token,
        new JsonObject().put("name", "survivor").put("topic", topic).encode());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

      // the producer goes on until the server is killed (at least 100,000 records), however slow the machine
      AtomicReference<Throwable> producing = new AtomicReference<>();
      AtomicBoolean killed = new AtomicBoolean();
      AtomicInteger produced = new AtomicInteger();
      Thread producer = new Thread(() -> {
        try {
          for (int from = 0; from < 100_000 || !killed.get() && from < 2_000_000; from += chunk) {
            Kafka.produce(topic, from, chunk, StreamIngestTest::record);
            produced.set(from + chunk);
            Thread.sleep(250);
          }
        } catch (Throwable t) {
          producing.set(t);
        }
      });
      producer.setDaemon(true);
      producer.start();
      long deadline = System.currentTimeMillis() + 120_000;
      long ingested = 0;
      while (ingested == 0 && System.currentTimeMillis() < deadline) {
        ingested = stream(server, token).getLong("records_ingested");
        Thread.sleep(50);
      }
      assertThat(ingested).as("batches were committed before the kill").isPositive();
      assertThat(producer.isAlive()).as("the kill comes while records are still being produced").isTrue();
      server.kill();
      killed.set(true);
      producer.join();
      assertThat(producing.get()).isNull();
      int n = produced.get();

      server.start();
      String again = server.login();
      long end = System.currentTimeMillis() + 120_000;
      long rows = 0;
      while (rows < n && System.currentTimeMillis() < end) {
        rows = stream(server, again).getLong("records_ingested");
        Thread.sleep(300);
      }
      HttpResponse<String> q = server.post("/api/v1/query/sql", again,
        new JsonObject().put("sql", "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM survivor").encode());
      JsonObject figures = new JsonObject(q.body()).getJsonArray("results").getJsonObject(0);
      assertThat(figures.getLong("n")).isEqualTo(n);
      assertThat(figures.getLong("ids")).isEqualTo(n);

      JsonObject stream = stream(server, again);
      try (var files = Files.list(partsDir(dir))) {
        assertThat(files.filter(p -> p.toString().endsWith(".parquet")).count())
          .as("every part file on disk is registered").isEqualTo(stream.getLong("parts"));
      }
    }
  }

  private static Path partsDir(Path dataDir) throws Exception {
    try (var dirs = Files.walk(dataDir.resolve("datasets"))) {
      return dirs.filter(p -> p.getFileName().toString().equals("parts")).findFirst().orElseThrow();
    }
  }

  private static JsonObject stream(ChildServer server, String token) throws Exception {
    return stream(server, token, "survivor");
  }

  static JsonObject stream(ChildServer server, String token, String name) throws Exception {
    return new JsonObject(server.get("/api/v1/streams/" + name, token).body());
  }
}
