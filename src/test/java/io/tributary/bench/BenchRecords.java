package io.tributary.bench;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;

/** The live benchmarks' records: ~100-byte JSON stamped with a sequence number and the send time (µs). */
final class BenchRecords {

  private BenchRecords() {
  }

  /** Sends n records at the rate, each stamped with its send time (µs) and its sequence number. */
  static void produce(KafkaProducer<String, String> producer, int rate, int n) {
    produce(producer, "bench-live", rate, n);
  }

  /** Sends {@code n} records to {@code topic} at the rate, each stamped with its send time (µs) and sequence. */
  static void produce(KafkaProducer<String, String> producer, String topic, int rate, int n) {
    StringBuilder pad = new StringBuilder();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long due = start + (long) (i * 1e9 / rate);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      producer.send(new ProducerRecord<>(topic, record(i, StreamLoadClient.micros(), pad)));
    }
    producer.flush();
  }

  static String record(long seq, long sentMicros, StringBuilder b) {
    b.setLength(0);
    b.append("{\"seq\":").append(seq).append(",\"sent\":").append(sentMicros)
      .append(",\"sensor\":\"s-").append(seq % 1000).append("\",\"value\":").append(seq % 10_000 / 100.0)
      .append(",\"pad\":\"");
    for (int i = 0; i < StreamBench.PADDING; i++) {
      b.append('x');
    }
    return b.append("\"}").toString();
  }

  static KafkaProducer<String, String> producer(String bootstrap, Map<String, String> extra) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    p.put("acks", "1");
    p.putAll(extra);
    return new KafkaProducer<>(p);
  }
}
