package io.tributary.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.pgclient.PgBuilder;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Embedded services")
class EmbeddedServicesTest {

  private static final String TOPIC = "embedded-test";
  private static final int RECORDS = 1_000;

  private static Vertx vertx;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    await(vertx.close());
  }

  @Test
  @DisplayName("PostgreSQL, Redis and Kafka start on loopback, round-trip real data, and keep it across a restart")
  void roundTripsAndKeepsDataAcrossRestart(@TempDir Path dataDir) throws Exception {
    try (EmbeddedServices services = EmbeddedServices.start(dataDir, true, true, true, 0)) {
      assertThat(services.pgUrl()).startsWith("postgresql://postgres@127.0.0.1:").doesNotContain(":5432/");
      assertThat(services.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:");
      assertThat(services.redisUrl()).startsWith("redis://127.0.0.1:").doesNotEndWith(":6379");
      assertThat(services.kafkaBootstrap()).startsWith("127.0.0.1:");

      withPg(services, pool -> pool.query("CREATE TABLE notes (id int PRIMARY KEY, body text)").execute()
        .compose(r -> pool.query("INSERT INTO notes VALUES (1, 'kept')").execute()));
      assertThat(pgNote(services)).isEqualTo("kept");

      withRedis(services, api -> api.set(List.of("greeting", "hello")));
      assertThat(redisGet(services, "greeting")).isEqualTo("hello");

      createTopic(services.kafkaBootstrap());
      produce(services.kafkaBootstrap());
      assertThat(consumeAll(services.kafkaBootstrap())).hasSize(RECORDS);
    }

    try (EmbeddedServices again = EmbeddedServices.start(dataDir, true, true, true, 0)) {
      assertThat(pgNote(again)).isEqualTo("kept");
      assertThat(redisGet(again, "greeting")).isEqualTo("hello");
      assertThat(consumeAll(again.kafkaBootstrap())).hasSize(RECORDS);
    }
  }

  @Test
  @DisplayName("Only the requested services start; the others have no address")
  void startsOnlyRequested(@TempDir Path dataDir) {
    try (EmbeddedServices services = EmbeddedServices.start(dataDir, false, true, false, 0)) {
      assertThat(services.redisUrl()).isNotNull();
      assertThat(services.pgUrl()).isNull();
      assertThat(services.jdbcUrl()).isNull();
      assertThat(services.kafkaBootstrap()).isNull();
      services.close();
      services.close();
    }
  }

  @Test
  @DisplayName("Ten first starts in a row on fresh data directories all serve; a restart does not rewrite the binary")
  void freshStartsInARow(@TempDir Path root) throws Exception {
    for (int i = 0; i < 10; i++) {
      String start = Integer.toString(i);
      try (EmbeddedServices services = EmbeddedServices.start(root.resolve("fresh-" + i), false, true, false, 0)) {
        withRedis(services, api -> api.set(List.of("start", start)));
        assertThat(redisGet(services, "start")).isEqualTo(start);
      }
    }
    Path dataDir = root.resolve("fresh-9");
    Object inode = Files.readAttributes(redisBinary(dataDir), "unix:ino").get("ino");
    FileTime written = Files.getLastModifiedTime(redisBinary(dataDir));
    try (EmbeddedServices again = EmbeddedServices.start(dataDir, false, true, false, 0)) {
      assertThat(redisGet(again, "start")).isEqualTo("9");
      assertThat(Files.readAttributes(redisBinary(dataDir), "unix:ino").get("ino")).isEqualTo(inode);
      assertThat(Files.getLastModifiedTime(redisBinary(dataDir))).as("not written again").isEqualTo(written);
    }
  }

  @Test
  @DisplayName("A Redis binary that cannot be written fails the start with the setting to change; Kafka is stopped again")
  void redisBinaryNotWritable(@TempDir Path dataDir) throws Exception {
    Files.createDirectories(dataDir.resolve("redis"));
    Files.writeString(dataDir.resolve("redis/bin"), "a file where the binaries' directory belongs");
    int kafkaPort = LoopbackPorts.free();
    assertThatThrownBy(() -> EmbeddedServices.start(dataDir, false, true, true, kafkaPort))
      .isInstanceOf(EmbeddedServiceException.class)
      .hasMessageStartingWith("Embedded Redis failed to start: ")
      .hasMessageEndingWith("; set TRIBUTARY_REDIS_URL to use an external server instead");
    assertThat(dataDir.resolve("kafka/meta.properties")).as("Kafka started meanwhile").exists();
    assertThat(LoopbackPorts.isFree(kafkaPort)).as("and was stopped").isTrue();
  }

  @Test
  @DisplayName("A taken Kafka port fails with a message naming the address and the settings to change")
  void kafkaPortInUse(@TempDir Path dataDir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> EmbeddedServices.start(dataDir, false, false, true, port))
        .isInstanceOf(EmbeddedServiceException.class)
        .hasMessage("Embedded Kafka could not bind 127.0.0.1:" + port
          + ": port in use; set TRIBUTARY_KAFKA_EMBEDDED_PORT or TRIBUTARY_KAFKA_BOOTSTRAP");
    }
  }

  @Test
  @DisplayName("PostgreSQL and Redis left running by a JVM killed with kill -9 are stopped; the next start keeps their data")
  void recoversOrphansOfAKilledJvm(@TempDir Path dataDir) throws Exception {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", System.getProperty("java.class.path"), OrphanServicesMain.class.getName(), dataDir.toString())
      .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("READY")) {
      System.out.println("child: " + line);
    }
    assertThat(line).as("the child JVM started its services").isEqualTo("READY");
    child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    Optional<ProcessHandle> postmaster = PidFiles.liveProcess(dataDir.resolve("postgres/postmaster.pid"), "postgres");
    Optional<ProcessHandle> redis = PidFiles.liveProcess(dataDir.resolve("redis/redis.pid"), "redis-server");
    assertThat(postmaster).as("postmaster outlived its JVM").isPresent();
    assertThat(redis).as("redis-server outlived its JVM").isPresent();

    try (EmbeddedServices services = EmbeddedServices.start(dataDir, true, true, false, 0)) {
      assertThat(postmaster.get().isAlive()).as("orphaned postmaster stopped").isFalse();
      assertThat(redis.get().isAlive()).as("orphaned redis-server stopped").isFalse();
      Row row = withPg(services, pool -> pool.query("SELECT note FROM orphan").execute()
        .map(rows -> rows.iterator().next()));
      assertThat(row.getString(0)).isEqualTo("written before kill -9");
      assertThat(redisGet(services, "orphan-key")).isEqualTo("survived");
    }
  }

  @Test
  @DisplayName("A stale postmaster.pid naming a dead process does not stop PostgreSQL from starting")
  void ignoresStalePostmasterPid(@TempDir Path dataDir) throws Exception {
    EmbeddedServices.start(dataDir, true, false, false, 0).close();
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Path pidFile = dataDir.resolve("postgres/postmaster.pid");
    Files.writeString(pidFile, dead.pid() + "\n" + dataDir.resolve("postgres") + "\n");
    try (EmbeddedServices services = EmbeddedServices.start(dataDir, true, false, false, 0)) {
      Integer one = withPg(services, pool -> pool.query("SELECT 1").execute().map(rows -> rows.iterator().next().getInteger(0)));
      assertThat(one).isEqualTo(1);
    }
  }

  private static Path redisBinary(Path dataDir) throws Exception {
    try (Stream<Path> files = Files.list(dataDir.resolve("redis/bin"))) {
      List<Path> binaries = files.toList();
      assertThat(binaries).as("one binary in redis/bin").hasSize(1);
      return binaries.get(0);
    }
  }

  private static String pgNote(EmbeddedServices services) throws Exception {
    return withPg(services, pool -> pool.query("SELECT body FROM notes WHERE id = 1").execute()
      .map(rows -> rows.iterator().next().getString(0)));
  }

  private static <T> T withPg(EmbeddedServices services, Function<Pool, Future<T>> work) throws Exception {
    Pool pool = PgBuilder.pool().connectingTo(services.pgUrl()).using(vertx).build();
    try {
      return await(work.apply(pool));
    } finally {
      await(pool.close());
    }
  }

  private static String redisGet(EmbeddedServices services, String key) throws Exception {
    return withRedis(services, api -> api.get(key).map(Response::toString));
  }

  private static <T> T withRedis(EmbeddedServices services, Function<RedisAPI, Future<T>> work) throws Exception {
    Redis client = Redis.createClient(vertx, services.redisUrl());
    RedisAPI api = RedisAPI.api(client);
    try {
      return await(work.apply(api));
    } finally {
      api.close();
    }
  }

  private static void createTopic(String bootstrap) throws Exception {
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, Map.of("bootstrap.servers", bootstrap));
    try {
      await(admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))));
      assertThat(await(admin.describeTopics(List.of(TOPIC))).get(TOPIC).getPartitions()).hasSize(3);
    } finally {
      await(admin.close());
    }
  }

  private static void produce(String bootstrap) throws Exception {
    KafkaProducer<String, String> producer = KafkaProducer.create(vertx, Map.of(
      "bootstrap.servers", bootstrap,
      "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
      "value.serializer", "org.apache.kafka.common.serialization.StringSerializer",
      "acks", "all"));
    try {
      List<Future<?>> sends = new ArrayList<>();
      for (int i = 0; i < RECORDS; i++) {
        sends.add(producer.send(KafkaProducerRecord.create(TOPIC, "key-" + i, "value-" + i)));
      }
      await(Future.all(sends));
    } finally {
      await(producer.close());
    }
  }

  private static Set<String> consumeAll(String bootstrap) throws Exception {
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, Map.of(
      "bootstrap.servers", bootstrap,
      "group.id", "test-" + UUID.randomUUID(),
      "auto.offset.reset", "earliest",
      "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
      "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"));
    Set<String> values = new HashSet<>();
    Set<Integer> partitions = new HashSet<>();
    Promise<Set<String>> all = Promise.promise();
    consumer.handler(record -> {
      values.add(record.value());
      partitions.add(record.partition());
      if (values.size() == RECORDS) {
        all.tryComplete(values);
      }
    });
    try {
      await(consumer.subscribe(TOPIC));
      Set<String> result = await(all.future());
      assertThat(partitions).containsExactlyInAnyOrder(0, 1, 2);
      return result;
    } finally {
      await(consumer.close());
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
