package io.tributary.ops;

import io.tributary.embedded.EmbeddedKafka;
import io.tributary.embedded.EmbeddedPostgres;
import io.tributary.embedded.EmbeddedRedis;
import io.tributary.embedded.LoopbackPorts;
import io.tributary.ops.GracefulShutdownTest.Child;
import io.tributary.support.ChildServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.BufferedWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Tributary process on services of its own, which the tests stop and start again under it (on the same ports
 * and data), and kill -9 itself: what users see during each fault and after it.
 */
@DisplayName("Faults it survives")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceTest {

  static Path dir;
  static int pgPort;
  static int redisPort;
  static int kafkaPort;
  static EmbeddedPostgres postgres;
  static EmbeddedRedis redis;
  static EmbeddedKafka kafka;
  static ChildServer server;
  static String token;

  @BeforeAll
  static void services() throws Exception {
    dir = Files.createTempDirectory("tributary-faults-");
    pgPort = LoopbackPorts.free();
    redisPort = LoopbackPorts.free();
    kafkaPort = LoopbackPorts.free();
    postgres = EmbeddedPostgres.start(dir.resolve("services"), pgPort);
    redis = EmbeddedRedis.start(dir.resolve("services"), redisPort);
    kafka = EmbeddedKafka.start(dir.resolve("services"), kafkaPort);
    server = new ChildServer(dir.resolve("app"), postgres.url(), redis.url(), kafka.bootstrap());
    Files.createDirectories(server.dataDir);
    server.start();
    token = server.login();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    for (AutoCloseable s : new AutoCloseable[] {kafka, redis, postgres}) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  @Order(1)
  @DisplayName("Kafka down while users upload: 202 every time, events wait in the outbox, jobs complete once Kafka is back")
  void kafkaDown() throws Exception {
    kafka.close();
    awaitDown("kafka");
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path csv = dir.resolve("while-kafka-down-" + i + ".csv");
      Files.writeString(csv, "n,label\n" + i + ",x\n" + (i + 10) + ",y\n");
      jobs.add(Child.upload(server, token, csv).getString("job_id"));
    }
    for (String job : jobs) {
      assertThat(job(job).getString("status")).isEqualTo("queued");
    }
    Child.awaitTrue("the outbox holds the waiting events", 15, () -> metric("tributary_outbox_backlog") >= 3);

    kafka = EmbeddedKafka.start(dir.resolve("services"), kafkaPort);
    for (String job : jobs) {
      Child.awaitTrue("job " + job + " completes", 90, () -> "completed".equals(job(job).getString("status")));
    }
    awaitUp();
    Map<String, Integer> completions = completionEvents();
    for (String job : jobs) {
      assertThat(completions.get(job)).as("completion events of " + job).isEqualTo(1);
    }
  }

  @Test
  @Order(2)
  @DisplayName("Redis down: queries are still served (cache bypassed, limits fail open, counted), and all recovers")
  void redisDown() throws Exception {
    String sql = new JsonObject().put("sql", "SELECT 42 AS answer").encode();
    assertThat(server.post("/api/v1/query/sql", token, sql).statusCode()).isEqualTo(200);
    redis.close();
    awaitDown("redis");
    double unavailableBefore = metric("tributary_rate_limit_unavailable_total");
    for (int i = 0; i < 3; i++) {
      // queries never run before: executed (Redis cannot answer); the one run before may come from a near cache
      HttpResponse<String> r = server.post("/api/v1/query/sql", token,
        new JsonObject().put("sql", "SELECT " + (100 + i) + " AS answer").encode());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(new JsonObject(r.body()).getBoolean("cached")).isFalse();
      assertThat(server.post("/api/v1/query/sql", token, sql).statusCode()).isEqualTo(200);
    }
    assertThat(metric("tributary_rate_limit_unavailable_total")).isGreaterThanOrEqualTo(unavailableBefore + 3);

    redis = EmbeddedRedis.start(dir.resolve("services"), redisPort);
    awaitUp();
    String fresh = new JsonObject().put("sql", "SELECT 43 AS answer").encode();
    Child.awaitTrue("the cache works again", 20, () -> {
      server.post("/api/v1/query/sql", token, fresh);
      HttpResponse<String> r = server.post("/api/v1/query/sql", token, fresh);
      return r.statusCode() == 200 && new JsonObject(r.body()).getBoolean("cached")
        && r.headers().firstValue("X-RateLimit-Remaining").isPresent();
    });
  }

  @Test
  @Order(3)
  @DisplayName("PostgreSQL restart: requests answer 503 in the error envelope meanwhile, then succeed; no job is stuck")
  void postgresRestart() throws Exception {
    postgres.close();
    awaitDown("postgres");
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = server.get("/api/v1/data/datasets", token);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      JsonObject error = new JsonObject(r.body()).getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("SERVICE_UNAVAILABLE");
      assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
    postgres = EmbeddedPostgres.start(dir.resolve("services"), pgPort);
    Child.awaitTrue("requests succeed again", 60, () -> server.get("/api/v1/data/datasets", token).statusCode() == 200);
    awaitUp();
    Path csv = dir.resolve("after-pg.csv");
    Files.writeString(csv, "a\n1\n2\n");
    String job = Child.upload(server, token, csv).getString("job_id");
    Child.awaitTrue("a new upload completes", 60, () -> "completed".equals(job(job).getString("status")));
  }

  @Test
  @Order(4)
  @DisplayName("kill -9 during an upload and during processing: no half dataset, every job ends completed or failed")
  void killMinus9() throws Exception {
    Path big = dir.resolve("big.csv");
    long rows = 0;
    try (BufferedWriter w = Files.newBufferedWriter(big)) {
      w.write("id,word,value\n");
      for (; rows < 1_500_000; rows++) {
        w.write(rows + ",w" + (rows % 97) + "," + (rows * 0.5) + "\n");
      }
    }
    String processing = Child.upload(server, token, big).getString("job_id");
    Child.awaitTrue("the job is processing", 60, () -> "processing".equals(job(processing).getString("status")));
    Thread uploading = new Thread(() -> {
      try {
        Child.upload(server, token, big);
      } catch (Throwable expected) {
        // the server is killed under it
      }
    });
    uploading.start();
    Thread.sleep(150);
    server.kill();
    uploading.join();
    long stagedBefore;
    try (var staged = Files.list(server.dataDir.resolve("staging"))) {
      stagedBefore = staged.count();
    }

    server.start();
    token = server.login();
    Child.awaitTrue("the interrupted job ends", 120, () -> {
      String status = job(processing).getString("status");
      return "completed".equals(status) || "failed".equals(status);
    });
    JsonObject done = job(processing);
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("completed");
    assertThat(done.getLong("row_count")).isEqualTo(rows);
    JsonArray datasets = Child.json(server.get("/api/v1/data/datasets?limit=500", token)).getJsonArray("items");
    assertThat(datasets.stream().map(d -> ((JsonObject) d).getString("status"))).doesNotContain("failed");
    try (var files = Files.walk(server.dataDir.resolve("datasets"))) {
      assertThat(files.map(Path::toString).filter(p -> p.contains(".tmp"))).as("no half-written file").isEmpty();
    }
    assertThat(stagedBefore).as("the kill left staged bytes behind").isPositive();
    Child.awaitTrue("staged bytes of the interrupted upload are removed", 120, () -> {
      try (var staged = Files.list(server.dataDir.resolve("staging"))) {
        return staged.count() == 0;
      }
    });
  }

  private static JsonObject job(String id) throws Exception {
    return Child.json(server.get("/api/v1/data/job/" + id, token));
  }

  private static void awaitDown(String check) throws Exception {
    Child.awaitTrue(check + " is reported DOWN", 30, () -> {
      HttpResponse<String> r = server.get("/health/ready", null);
      System.out.println("ready: " + r.statusCode() + " " + r.body());
      return r.statusCode() == 503 && new JsonObject(r.body()).getJsonArray("checks").stream()
        .map(JsonObject.class::cast).anyMatch(c -> check.equals(c.getString("id")) && "DOWN".equals(c.getString("status")));
    });
  }

  private static void awaitUp() throws Exception {
    Child.awaitTrue("ready is UP again", 60, () -> server.get("/health/ready", null).statusCode() == 200);
  }

  static double metric(String name) throws Exception {
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+)$", Pattern.MULTILINE)
      .matcher(server.get("/metrics", null).body());
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(2));
    }
    return sum;
  }

  /** Completion events per job id on the dedicated broker's (namespaced) data.processing.complete topic. */
  private static Map<String, Integer> completionEvents() {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrap());
    p.put("group.id", "faults-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    p.put("isolation.level", "read_committed");
    p.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    p.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    Map<String, Integer> counts = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(server.namespace + ".data.processing.complete"));
      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
          counts.merge(r.key(), 1, Integer::sum);
        }
      }
    }
    return counts;
  }
}
