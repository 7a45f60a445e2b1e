package io.tributary.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.tributary.metrics.Metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stream ingestion meters: {@code tributary_stream_records_total{outcome=ingested|dead_lettered}},
 * {@code tributary_stream_batches_total}, {@code tributary_stream_batch_seconds} (write and commit of a batch),
 * {@code tributary_stream_compactions_total} and {@code tributary_stream_consumer_lag{stream_id}}.
 */
final class StreamMetrics {

  private static final Map<String, AtomicLong> LAGS = new ConcurrentHashMap<>();

  private StreamMetrics() {
  }

  private static final class Meters {
    static final Counter INGESTED = Counter.builder("tributary_stream_records").tag("outcome", "ingested")
      .description("Stream records by outcome").register(Metrics.registry());
    static final Counter DEAD = Counter.builder("tributary_stream_records").tag("outcome", "dead_lettered")
      .description("Stream records by outcome").register(Metrics.registry());
    static final Counter BATCHES = Counter.builder("tributary_stream_batches")
      .description("Stream micro-batches committed").register(Metrics.registry());
    static final Timer BATCH_TIME = Timer.builder("tributary_stream_batch").description("Write and commit of a batch")
      .register(Metrics.registry());
    static final Counter FAILED = Counter.builder("tributary_stream_batches_failed")
      .description("Stream micro-batches not stored (their records are read again from the stored offsets)")
      .register(Metrics.registry());
    static final Counter COMPACTIONS = Counter.builder("tributary_stream_compactions")
      .description("Part files merged by compaction").register(Metrics.registry());
  }

  static void batch(long rows, long dead, long nanos) {
    Meters.INGESTED.increment(rows);
    Meters.DEAD.increment(dead);
    Meters.BATCHES.increment();
    Meters.BATCH_TIME.record(nanos, TimeUnit.NANOSECONDS);
  }

  static void batchFailed() {
    Meters.FAILED.increment();
  }

  static void compacted(int parts) {
    Meters.COMPACTIONS.increment(parts);
  }

  static void lag(String streamId, long lag) {
    LAGS.computeIfAbsent(streamId, id -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder("tributary_stream_consumer_lag", value, AtomicLong::get).tag("stream_id", id)
        .description("Records in the stream's topic not yet in its dataset").register(Metrics.registry());
      return value;
    }).set(lag);
  }
}
