package io.tributary.bench;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A plain KafkaConsumer following every partition of a topic from its end, on its own thread, the way a live socket
 * follows a stream: started before a burst is produced, it tells when the burst's last record reached it. Next to a
 * socket fed during the same burst, it is the live baseline (a read of the finished topic is not: no live subscriber
 * can finish before the producer does).
 */
final class TailingConsumer implements AutoCloseable {

  private final CountDownLatch positioned = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread thread;
  private volatile long doneAt;
  private volatile boolean closed;

  private TailingConsumer(String bootstrap, String topic, long n) {
    thread = new Thread(() -> follow(bootstrap, topic, n), "tailing-consumer");
    thread.setDaemon(true);
  }

  /** Follows {@code topic} until {@code n} records arrived; returns once it reads from the current end. */
  static TailingConsumer start(String bootstrap, String topic, long n) throws InterruptedException {
    TailingConsumer c = new TailingConsumer(bootstrap, topic, n);
    c.thread.start();
    if (!c.positioned.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the tailing consumer found no end of " + topic);
    }
    return c;
  }

  /** Seconds from {@code t0} (a {@link System#nanoTime()}) to the n-th record, or NaN when not within the timeout. */
  double secondsSince(long t0, long timeoutSeconds) throws InterruptedException {
    return done.await(timeoutSeconds, TimeUnit.SECONDS) ? (doneAt - t0) / 1e9 : Double.NaN;
  }

  /** A plain consumer's settings: defaults, no group, raw bytes. */
  static Properties plain(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    return p;
  }

  private void follow(String bootstrap, String topic, long n) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(plain(bootstrap))) {
      List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
        .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(consumer::position); // resolved now, not at the first poll
      positioned.countDown();
      long count = 0;
      while (count < n && !closed) {
        count += consumer.poll(Duration.ofMillis(100)).count();
      }
      doneAt = System.nanoTime();
      done.countDown();
    }
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    thread.join(10_000);
  }
}
