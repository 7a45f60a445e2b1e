package io.tributary.fanout;

import io.micrometer.core.instrument.Timer;
import io.tributary.metrics.Metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live fan-out meters: {@code tributary_fanout_latency_seconds} (from the producer's send, the Kafka record time,
 * to the write to a socket), {@code tributary_fanout_relay_lag_seconds} (from the same send to the record's arrival
 * at this process's relay: Kafka's part of the first) and {@code tributary_stream_sockets_open}; messages sent and
 * dropped are
 * {@code tributary_socket_messages_total{outcome}}.
 */
final class FanoutMetrics {

  private static final AtomicInteger STREAM_SOCKETS =
    Metrics.registry().gauge("tributary_stream_sockets_open", new AtomicInteger());
  private static final Timer LATENCY = Timer.builder("tributary_fanout_latency").publishPercentileHistogram()
    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
    .description("From the producer's send to the write to a socket").register(Metrics.registry());

  private static final Timer RELAY_LAG = Timer.builder("tributary_fanout_relay_lag").publishPercentileHistogram()
    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
    .description("From the producer's send to the record's arrival at the live relay").register(Metrics.registry());

  private FanoutMetrics() {
  }

  /** The records of one frame, just written to a socket. */
  static void delivered(List<LiveRecord> records) {
    long now = System.currentTimeMillis();
    for (LiveRecord r : records) {
      if (r.streamRecord()) {
        LATENCY.record(Math.max(0, now - r.timestampMs()), TimeUnit.MILLISECONDS);
      }
    }
  }

  /** A record of a stream topic, just polled by the relay at {@code now} (ms). */
  static void relayed(long now, long timestampMs) {
    RELAY_LAG.record(Math.max(0, now - timestampMs), TimeUnit.MILLISECONDS);
  }

  static void socketOpened() {
    STREAM_SOCKETS.incrementAndGet();
  }

  static void socketClosed() {
    STREAM_SOCKETS.decrementAndGet();
  }
}
