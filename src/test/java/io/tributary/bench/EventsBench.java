package io.tributary.bench;

import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events over HTTP next to a plain Kafka producer, in one run against the packaged server: N ~100-byte records
 * sent (1) by a KafkaProducer (idempotent, {@code acks=all}, as the endpoint's) straight to the stream's topic, and
 * (2) through {@code POST /api/v1/streams/{name}/events} over {@code bench.events.connections} (64) connections in
 * requests of {@code bench.events.batch} (1,000) records, each counted when its reply (after Kafka's acks) arrives.
 * Run with {@code mvn -Pbench verify} (skip with {@code -Dbench.events.skip=true}); results in
 * {@code target/bench/events.md}. {@code bench.events.records} (1,000,000).
 */
public final class EventsBench {

  private EventsBench() {
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Files.createDirectories(out);
    Path jar = Path.of("target/tributary.jar");
    long n = Long.getLong("bench.events.records", 1_000_000L);
    int connections = Integer.getInteger("bench.events.connections", 64);
    int batch = Integer.getInteger("bench.events.batch", 1_000);
    Path dataDir = out.resolve("events-data");
    ServerProcess.deleteTree(dataDir);
    try (ServerProcess server = new ServerProcess(jar, dataDir, "1g", out.resolve("events-server.log"),
      Map.of("TRIBUTARY_RATE_LIMIT_FREE", "1000000000", "TRIBUTARY_RATE_LIMIT_PREMIUM", "1000000000"))) {
      String token = IngestBench.login(server);
      String topic = "bench-events";
      HttpResponse<String> created = server.http.send(HttpRequest.newBuilder(server.uri("/api/v1/streams"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", "bench_events").put("topic", topic)
          .encode())).build(), HttpResponse.BodyHandlers.ofString());
      if (created.statusCode() != 201) {
        throw new IllegalStateException("stream not registered: " + created.body());
      }
      byte[] body = body(batch);
      // warm-up of both paths (JIT, producer metadata), not counted
      produce(server.kafkaPort, topic, Math.min(n, 50_000), batch);
      viaHttp(server, token, body, Math.min(n, 50_000) / batch, connections);

      double producerS = produce(server.kafkaPort, topic, n, batch);
      double httpS = viaHttp(server, token, body, n / batch, connections);
      long sent = n / batch * batch;
      String report = String.format(Locale.ROOT, """
          # Events over HTTP

          %,d records of %d bytes; the same topic (3 partitions), the same server, one run; %d cores.

          | path | seconds | records/s |
          |---|---|---|
          | plain KafkaProducer (idempotent, acks=all, linger 5 ms, 256 KB batches) | %.2f | %,.0f |
          | POST /api/v1/streams/{name}/events, %d connections, %,d records a request | %.2f | %,.0f |

          HTTP reaches %.0f%% of the producer's rate.
          """, n, body.length / batch, Runtime.getRuntime().availableProcessors(), producerS, n / producerS,
        connections, batch, httpS, sent / httpS, 100 * (sent / httpS) / (n / producerS));
      System.out.println(report);
      Files.writeString(out.resolve("events.md"), report);
    }
  }

  private static byte[] body(int records) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < records; i++) {
      text.append(String.format(Locale.ROOT, "{\"id\":%d,\"device\":\"sensor-%c\",\"temp\":%.1f,\"pad\":\"%s\"}%n",
        i, 'a' + i % 5, 15 + (i % 200) / 10.0, "x".repeat(40)));
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Seconds for a plain producer to send n records and have them all acknowledged. */
  private static double produce(int kafkaPort, String topic, long n, int batch) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", "127.0.0.1:" + kafkaPort);
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("linger.ms", "5");
    p.put("batch.size", "262144");
    String[] lines = new String(body(batch), StandardCharsets.UTF_8).split("\n");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.partitionsFor(topic);
      long t0 = System.nanoTime();
      for (long i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topic, lines[(int) (i % lines.length)]));
      }
      producer.flush();
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  /** Seconds for {@code requests} events requests over {@code connections} connections, each checked. */
  private static double viaHttp(ServerProcess server, String token, byte[] body, long requests, int connections)
    throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
      .build();
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    AtomicLong left = new AtomicLong(requests);
    int records = (int) new String(body, StandardCharsets.UTF_8).lines().count();
    HttpRequest request = HttpRequest.newBuilder(server.uri("/api/v1/streams/bench_events/events"))
      .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
      .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    long t0 = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      workers.add(pool.submit(() -> {
        while (left.getAndDecrement() > 0) {
          HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200 || new JsonObject(r.body()).getInteger("accepted") != records) {
            throw new IllegalStateException("events request answered " + r.statusCode() + " " + r.body());
          }
        }
        return null;
      }));
    }
    for (Future<?> w : workers) {
      w.get();
    }
    double s = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    return s;
  }
}
