package io.tributary.bench;

import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Stream benchmark, in one run against the packaged server (its embedded Kafka, PostgreSQL and Redis):
 * <ol>
 *   <li>ingestion: N ~100-byte JSON records in a 3-partition topic, read by a plain KafkaConsumer that does
 *       nothing (the raw rate), then registered as a stream: records/s until {@code records_ingested} = N;</li>
 *   <li>fan-out within capacity: many sockets of one stream (a {@link StreamLoadClient} JVM), a few records/s
 *       each carrying its send time: latency percentiles and whether every socket got every record;</li>
 *   <li>fan-out over capacity: fewer sockets, many records/s: delivered/s, dropped and lagged counts, latency of
 *       what was delivered, the server's heap (after a full GC) before and after; then the same client against
 *       {@link BareFanoutServer}, the ceiling of a minimal Vert.x WebSocket server on this machine.</li>
 * </ol>
 * Run with {@code mvn -Pbench verify} (skip with {@code -Dbench.stream.skip=true}); results go to
 * {@code target/bench/stream.md} and {@code stream.json}. System properties: {@code bench.stream.records}
 * (1,000,000), {@code bench.stream.sockets} (10,000), {@code bench.stream.live.rate} (5/s),
 * {@code bench.stream.live.seconds} (30), {@code bench.stream.over.sockets} (1,000), {@code bench.stream.over.rate}
 * (200/s), {@code bench.stream.over.seconds} (20), {@code bench.stream.client.loops} (2),
 * {@code bench.stream.heap} (1g); for diagnosis, {@code bench.stream.bare.only=true} runs only the ceiling, {@code bench.stream.ingest.only=true} only the ingestion, and
 * {@code bare.tributary=true} gives the bare server Tributary's Vert.x metrics and HTTP compression.
 */
public final class StreamBench {

  /** Pads each record to about 100 bytes. */
  static final int PADDING = 31;

  private final Path out;
  private final String token;
  private final ServerProcess server;
  private final String bootstrap;
  private final JsonObject results = new JsonObject();

  private StreamBench(Path out, ServerProcess server, String token) {
    this.out = out;
    this.server = server;
    this.token = token;
    this.bootstrap = "127.0.0.1:" + server.kafkaPort;
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Files.createDirectories(out);
    Path jar = Path.of("target/tributary.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("package the jar first (mvn -Pbench verify does)");
    }
    String heap = System.getProperty("bench.stream.heap", "1g");
    Path dataDir = out.resolve("stream-data");
    ServerProcess.deleteTree(dataDir);
    if (Boolean.getBoolean("bench.stream.bare.only")) {
      System.out.println(BareCeiling.run(out, Integer.getInteger("bench.stream.over.sockets", 1_000),
        Integer.getInteger("bench.stream.over.seconds", 20), 0).encode());
      return;
    }
    JsonObject results;
    try (ServerProcess server = new ServerProcess(jar, dataDir, heap, out.resolve("stream-server.log"))) {
      server.awaitLog(Duration.ofMinutes(2), "Converter warmed up", "Converter warm-up skipped");
      StreamBench bench = new StreamBench(out, server, IngestBench.login(server));
      // -Dbench.stream.phases=over (say) runs only that phase, printed, no report (e.g. to profile one)
      String phases = System.getProperty("bench.stream.phases", Boolean.getBoolean("bench.stream.ingest.only")
        ? "ingest" : "ingest,within,over,batched,burst,bare");
      if (phases.contains("ingest")) {
        bench.ingestion(Long.getLong("bench.stream.records", 1_000_000L));
      }
      if (phases.contains("within")) {
        bench.withinCapacity(Integer.getInteger("bench.stream.sockets", 10_000),
          Integer.getInteger("bench.stream.live.rate", 5), Integer.getInteger("bench.stream.live.seconds", 30));
      }
      if (phases.contains("over")) {
        if (!phases.contains("within")) {
          bench.registerLive();
        }
        bench.overCapacity(Integer.getInteger("bench.stream.over.sockets", 1_000),
          Integer.getInteger("bench.stream.over.rate", 200), Integer.getInteger("bench.stream.over.seconds", 20), false);
      }
      if (phases.contains("batched")) {
        if (!phases.contains("within") && !phases.contains("over")) {
          bench.registerLive();
        }
        bench.overCapacity(Integer.getInteger("bench.stream.over.sockets", 1_000),
          Integer.getInteger("bench.stream.over.rate", 200), Integer.getInteger("bench.stream.over.seconds", 20), true);
      }
      if (phases.contains("burst")) {
        bench.burst(Integer.getInteger("bench.stream.burst.records", 100_000));
      }
      if (!phases.contains("bare")) {
        System.out.println(bench.results.encode());
        return;
      }
      results = bench.results;
    }
    // the ceiling runs with the Tributary server gone, so it has the machine to itself
    results.put("bare", BareCeiling.run(out, Integer.getInteger("bench.stream.over.sockets", 1_000),
      Integer.getInteger("bench.stream.over.seconds", 20), 0));
    results.put("bare_within", BareCeiling.run(out, Integer.getInteger("bench.stream.sockets", 10_000),
      Integer.getInteger("bench.stream.over.seconds", 20), Integer.getInteger("bench.stream.live.rate", 5)));
    results.put("conditions", new JsonObject().put("cores", Runtime.getRuntime().availableProcessors())
      .put("server_heap", heap).put("java", System.getProperty("java.version"))
      .put("client_event_loops", BenchChild.clientLoops()));
    if (results.containsKey("ingestion") && results.containsKey("within")) {
      StreamReport.write(results, out);
    } else {
      System.out.println(results.encode()); // a subset of phases with the ceiling: printed, no report
    }
  }

  // ---- 1. ingestion

  private void ingestion(long n) throws Exception {
    String topic = "bench-ingest";
    try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
    }
    long t0 = System.nanoTime();
    try (KafkaProducer<String, String> producer = producer(Map.of("linger.ms", "10", "batch.size", "262144"))) {
      StringBuilder pad = new StringBuilder();
      for (long i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topic, BenchRecords.record(i, StreamLoadClient.micros(), pad)));
      }
      producer.flush();
    }
    double produceS = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "produced %,d records in %.1f s%n", n, produceS);

    // a plain read varies several-fold between runs here (cold code, the broker's state after the writes): the
    // best of three reads is the raw rate, the hardest baseline to compare with
    double rawS = Double.MAX_VALUE;
    for (int run = 0; run < 3; run++) {
      double s = rawConsume(topic, n);
      System.out.printf(Locale.ROOT, "plain KafkaConsumer: %.2f s, %,.0f records/s%n", s, n / s);
      rawS = Math.min(rawS, s);
    }

    long t1 = System.nanoTime();
    ProcessCpu cpu = new ProcessCpu(server.process, server.process);
    HttpResponse<String> created = send("POST", "/api/v1/streams",
      new JsonObject().put("name", "bench_ingest").put("topic", topic).put("start_from", "earliest"));
    if (created.statusCode() != 201) {
      throw new IllegalStateException("stream not registered: " + created.statusCode() + " " + created.body());
    }
    long firstAt = 0;
    long firstCount = 0;
    JsonObject stream;
    do {
      Thread.sleep(50);
      stream = new JsonObject(send("GET", "/api/v1/streams/bench_ingest", null).body());
      long ingested = stream.getLong("records_ingested", 0L);
      if (firstAt == 0 && ingested > 0) {
        firstAt = System.nanoTime();
        firstCount = ingested;
      }
      if (System.nanoTime() - t1 > 600e9) {
        throw new IllegalStateException("stream stuck at " + ingested + " of " + n + " records");
      }
    } while (stream.getLong("records_ingested", 0L) < n);
    long t2 = System.nanoTime();
    cpu.stop();
    double streamS = (t2 - t1) / 1e9;
    double steady = (n - firstCount) / ((t2 - firstAt) / 1e9);
    System.out.printf(Locale.ROOT, "stream: %.2f s, %,.0f records/s (%,.0f after the first batch)%n", streamS,
      n / streamS, steady);
    int bytes = BenchRecords.record(0, StreamLoadClient.micros(), new StringBuilder()).length();
    results.put("ingestion", new JsonObject().put("records", n).put("record_bytes", bytes).put("produce_s", produceS)
      .put("raw_s", rawS).put("raw_per_s", n / rawS)
      .put("stream_s", streamS).put("stream_per_s", n / streamS).put("stream_steady_per_s", steady)
      .put("first_batch_s", (firstAt - t1) / 1e9).put("server_cpu_cores", cpu.serverCores())
      .put("records_ingested", stream.getLong("records_ingested")).put("batches", stream.getLong("batches_written"))
      .put("dead_lettered", stream.getLong("records_dead_lettered")).put("ratio", (n / streamS) / (n / rawS)));
    send("DELETE", "/api/v1/streams/bench_ingest", null);
  }

  /** Seconds for a plain KafkaConsumer (default settings, no group) to read the whole topic. */
  private double rawConsume(String topic, long n) {
    return rawConsume(topic, n, 0);
  }

  /** Seconds for a plain KafkaConsumer to read n records of the topic after its first {@code skip}. */
  private double rawConsume(String topic, long n, long skip) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(TailingConsumer.plain(bootstrap))) {
      List<TopicPartition> parts = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
        new TopicPartition(topic, 2));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long t0 = System.nanoTime();
      long count = -skip;
      while (count < n) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
        count += records.count();
      }
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  // ---- 2. fan-out within capacity

  private void withinCapacity(int sockets, int rate, int seconds) throws Exception {
    registerLive();
    try (BenchChild client = BenchChild.live(out, server.port, "/ws/streams/bench_live?access_token=" + token, sockets, false);
         KafkaProducer<String, String> producer = producer(Map.of("linger.ms", "0"))) {
      warmUp(client, producer, sockets);
      warmAtRate(producer, rate);
      int n = rate * seconds;
      ServerHistograms histograms = new ServerHistograms(server);
      JsonObject report = measure(client, producer, rate, n);
      histograms.into(report);
      report.put("offered_records", n).put("rate", rate).put("connect_ms", client.readyMs)
        .put("expected_deliveries", (long) n * sockets);
      System.out.println("within capacity: " + report.encode());
      results.put("within", report);
      client.ask("QUIT");
    }
  }

  /** Sends {@code n} records at {@code rate}/s and returns what the clients received, with the CPU used meanwhile. */
  private JsonObject measure(BenchChild client, KafkaProducer<String, String> producer, int rate, int n) throws Exception {
    client.ask("RESET");
    client.ask("MARK");
    ProcessCpu cpu = new ProcessCpu(server.process, client.process);
    BenchRecords.produce(producer, rate, n);
    client.ask("MARK");
    cpu.stop();
    Thread.sleep(3_000);
    JsonObject report = new JsonObject(client.ask("REPORT 0 " + n));
    cpu.into(report);
    return report;
  }

  // ---- 3. fan-out over capacity

  private void overCapacity(int sockets, int rate, int seconds, boolean batch) throws Exception {
    double heapBefore = heapAfterGc();
    try (BenchChild client = BenchChild.live(out, server.port, "/ws/streams/bench_live?access_token=" + token, sockets, batch);
         KafkaProducer<String, String> producer = producer(Map.of("linger.ms", "0"))) {
      warmUp(client, producer, sockets);
      double heapConnected = heapAfterGc();
      int n = rate * seconds;
      ServerHistograms histograms = new ServerHistograms(server);
      JsonObject report = measure(client, producer, rate, n);
      // where the time goes: the server's own histogram ends when an update is handed to the socket
      histograms.into(report);
      double heapAfter = heapAfterGc();
      report.put("offered_records", n).put("rate", rate).put("offered_deliveries_per_s", (double) rate * sockets)
        .put("heap_before_mb", heapBefore).put("heap_connected_mb", heapConnected).put("heap_after_mb", heapAfter)
        .put("server_dropped", metric("outcome=\"dropped\""))
        .put("server_sent", metric("outcome=\"sent\""));
      System.out.println("over capacity" + (batch ? ", batched: " : ": ") + report.encode());
      results.put(batch ? "over_batched" : "over", report);
      client.ask("QUIT");
    }
  }

  // ---- 4. a burst to one socket
  /**
   * One batched socket of a stream; {@code n} records produced as fast as possible: records/s from the first send
   * to the last record at the client, next to a plain KafkaConsumer following the topic live during the same burst
   * ({@code live_ratio}) and one reading the finished topic ({@code ratio}: no live reader can beat the producer).
   */
  private void burst(int n) throws Exception {
    String topic = "bench-burst";
    HttpResponse<String> created = send("POST", "/api/v1/streams",
      new JsonObject().put("name", "bench_burst").put("topic", topic).put("start_from", "latest"));
    if (created.statusCode() != 201) {
      throw new IllegalStateException("stream not registered: " + created.statusCode() + " " + created.body());
    }
    try (BenchChild client = BenchChild.live(out, server.port, "/ws/streams/bench_burst?access_token=" + token, 1, true);
         KafkaProducer<String, String> producer = producer(Map.of("linger.ms", "5", "batch.size", "262144"))) {
      long deadline = System.currentTimeMillis() + 120_000;
      StringBuilder pad = new StringBuilder();
      int warm = 0;
      while (Long.parseLong(client.ask("COUNT")) < 1) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("live delivery never started");
        }
        producer.send(new ProducerRecord<>(topic, BenchRecords.record(Integer.MAX_VALUE, StreamLoadClient.micros(), pad)));
        warm++;
        Thread.sleep(500);
      }
      Thread.sleep(1_000);
      client.ask("RESET");
      TailingConsumer tailing = TailingConsumer.start(bootstrap, topic, n);
      ProcessCpu cpu = new ProcessCpu(server.process, client.process);
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topic, BenchRecords.record(i, StreamLoadClient.micros(), pad)));
      }
      producer.flush();
      double produceS = (System.nanoTime() - t0) / 1e9;
      while (Long.parseLong(client.ask("COUNT")) < n) {
        if (System.nanoTime() - t0 > 120e9) {
          break;
        }
        Thread.sleep(5);
      }
      double deliverS = (System.nanoTime() - t0) / 1e9;
      cpu.stop();
      double liveS = tailing.secondsSince(t0, 60);
      tailing.close();
      JsonObject report = new JsonObject(client.ask("REPORT 0 " + n));
      cpu.into(report);
      double rawS = Double.MAX_VALUE;
      for (int run = 0; run < 3; run++) {
        rawS = Math.min(rawS, rawConsume(topic, n, warm));
      }
      report.put("records", n).put("produce_s", produceS).put("deliver_s", deliverS).put("per_s", n / deliverS)
        .put("raw_s", rawS).put("raw_per_s", n / rawS).put("ratio", (n / deliverS) / (n / rawS))
        .put("live_raw_s", liveS).put("live_raw_per_s", n / liveS).put("live_ratio", liveS / deliverS);
      System.out.println("burst: " + report.encode());
      results.put("burst", report);
      client.ask("QUIT");
    }
    send("DELETE", "/api/v1/streams/bench_burst", null);
  }

  // ---- helpers
  private void registerLive() throws Exception {
    HttpResponse<String> created = send("POST", "/api/v1/streams",
      new JsonObject().put("name", "bench_live").put("topic", "bench-live").put("start_from", "latest"));
    if (created.statusCode() != 201) {
      throw new IllegalStateException("stream not registered: " + created.statusCode() + " " + created.body());
    }
  }

  /** Live delivery starts once the relay follows the topic: sends warm-up records until every socket got one. */
  private static void warmUp(BenchChild client, KafkaProducer<String, String> producer, int sockets) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    StringBuilder pad = new StringBuilder();
    while (Long.parseLong(client.ask("COUNT")) < sockets) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("live delivery never reached every socket");
      }
      producer.send(new ProducerRecord<>("bench-live", BenchRecords.record(Integer.MAX_VALUE, StreamLoadClient.micros(), pad)));
      Thread.sleep(500);
    }
    Thread.sleep(1_000);
  }

  /**
   * Unmeasured records at the rate for as long as {@link BareCeiling#run} runs its server before the window: the same
   * warm (JIT-compiled) fan-out code on both sides, not a handful of warm-up records against three seconds of rounds.
   */
  private static void warmAtRate(KafkaProducer<String, String> producer, int rate) {
    StringBuilder pad = new StringBuilder();
    long start = System.nanoTime();
    for (int i = 0; i < rate * BareCeiling.WARM_SECONDS; i++) {
      LockSupport.parkNanos(Math.max(0, start + (long) (i * 1e9 / rate) - System.nanoTime()));
      producer.send(new ProducerRecord<>("bench-live", BenchRecords.record(Integer.MAX_VALUE, StreamLoadClient.micros(), pad)));
    }
    producer.flush();
  }

  private KafkaProducer<String, String> producer(Map<String, String> extra) {
    return BenchRecords.producer(bootstrap, extra);
  }

  private HttpResponse<String> send(String method, String path, JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token)
      .timeout(Duration.ofSeconds(30));
    if (body != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return server.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The server's heap in use (MB) right after a full GC (jcmd GC.run). */
  private double heapAfterGc() throws Exception {
    new ProcessBuilder("jcmd", Long.toString(server.process.pid()), "GC.run").redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    Thread.sleep(500);
    return server.heapUsed() / (1024 * 1024);
  }

  /** A counter of the server's tributary_socket_messages_total with the given label. */
  private double metric(String label) throws Exception {
    var m = java.util.regex.Pattern.compile("tributary_socket_messages_total\\{[^}]*" + java.util.regex.Pattern.quote(label)
      + "[^}]*} ([0-9.eE+]+)").matcher(server.get("/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
