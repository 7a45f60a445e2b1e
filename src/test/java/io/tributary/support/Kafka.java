package io.tributary.support;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.IntFunction;

/** A producer's and a consumer's view of the test run's Kafka broker, with kafka-clients as any user would. */
public final class Kafka {

  private Kafka() {
  }

  public static String bootstrap() {
    return TestApp.get().services.kafkaBootstrap();
  }

  /**
   * Sends {@code count} values (keys spread over the partitions) and waits until all are acknowledged. A send the
   * broker refused (right after a topic is created or the app restarts it can answer NOT_LEADER until its
   * retries give up) is sent again, up to three times; beyond that the test fails here, naming the error, so a
   * record that never reached Kafka is never mistaken for one the server lost.
   */
  public static void produce(String topic, int from, int count, IntFunction<String> value) {
    try (KafkaProducer<String, byte[]> producer = producer()) {
      awaitLeaders(producer, topic);
      java.util.Map<Integer, java.util.concurrent.Future<?>> sent = new java.util.LinkedHashMap<>();
      for (int i = from; i < from + count; i++) {
        sent.put(i, producer.send(record(topic, i, value)));
      }
      producer.flush();
      for (int attempt = 1; ; attempt++) {
        java.util.Map<Integer, Exception> failed = new java.util.LinkedHashMap<>();
        for (var e : sent.entrySet()) {
          try {
            e.getValue().get();
          } catch (Exception err) {
            failed.put(e.getKey(), err);
          }
        }
        if (failed.isEmpty()) {
          return;
        }
        if (attempt > 3) {
          throw new AssertionError(failed.size() + " records not accepted by Kafka", failed.values().iterator().next());
        }
        sent.clear();
        failed.keySet().forEach(i -> sent.put(i, producer.send(record(topic, i, value))));
        producer.flush();
      }
    }
  }

  private static ProducerRecord<String, byte[]> record(String topic, int i, IntFunction<String> value) {
    String v = value.apply(i);
    return new ProducerRecord<>(topic, Integer.toString(i), v == null ? null : v.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Waits until every partition of a (new) topic has a leader: sending while leaders are still being elected
   * gets NOT_LEADER errors, after which Kafka's idempotent producer can loop on OUT_OF_ORDER_SEQUENCE for good.
   */
  static void awaitLeaders(KafkaProducer<String, byte[]> producer, String topic) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      var partitions = producer.partitionsFor(topic);
      if (!partitions.isEmpty() && partitions.stream().allMatch(p -> p.leader() != null && p.leader().id() >= 0)) {
        return;
      }
      Api.sleep(100);
    }
    throw new AssertionError("topic " + topic + " has no leaders after 30 s");
  }

  public static KafkaProducer<String, byte[]> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap());
    p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    p.put("acks", "all");
    p.put("linger.ms", "5");
    // strictly in order without the idempotent producer: on a brand-new topic a first batch that gets NOT_LEADER
    // while a later one is appended leaves Kafka's idempotent producer retrying OUT_OF_ORDER_SEQUENCE for good
    p.put("enable.idempotence", "false");
    p.put("max.in.flight.requests.per.connection", "1");
    p.put("batch.size", "262144");
    return new KafkaProducer<>(p);
  }

  /** Every record of a topic from its beginning, read until {@code expected} arrived or 20 s passed. */
  public static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap());
    p.put("group.id", "test-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    p.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 20_000;
      while (out.size() < expected && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
