package io.tributary.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tributary's own meters, on the same Prometheus registry as Vert.x's HTTP, event-bus and pool metrics:
 * {@code tributary_jobs_started_total}, {@code tributary_jobs_finished_total{status}},
 * {@code tributary_sockets_open}, {@code tributary_socket_messages_total{outcome=sent|dropped|conflated}}.
 */
public final class Metrics {

  private static final AtomicInteger SOCKETS = new AtomicInteger();
  private static volatile MeterRegistry registry;

  private Metrics() {
  }

  /** The registry Vert.x publishes to (a throwaway one when metrics are disabled, e.g. in library tests). */
  public static MeterRegistry registry() {
    MeterRegistry r = registry;
    if (r == null) {
      synchronized (Metrics.class) {
        r = registry;
        if (r == null) {
          MeterRegistry vertx = BackendRegistries.getDefaultNow();
          r = vertx != null ? vertx : new SimpleMeterRegistry();
          r.gauge("tributary_sockets_open", SOCKETS);
          registry = r;
        }
      }
    }
    return r;
  }

  public static void jobStarted() {
    Counter.builder("tributary_jobs_started").description("Ingestion jobs started (including retries)")
      .register(registry()).increment();
  }

  /** A job ended; {@code nanos} since this process claimed it (conversion, profile and commit). */
  public static void jobFinished(String status, long nanos) {
    Counter.builder("tributary_jobs_finished").description("Ingestion jobs finished, by final status")
      .tag("status", status).register(registry()).increment();
    io.micrometer.core.instrument.Timer.builder("tributary_job_duration").description("Ingestion job durations by final status")
      .tag("status", status).publishPercentileHistogram().register(registry())
      .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** A gauge of a value kept by its owner (registered once per name; later calls return the same holder). */
  public static java.util.concurrent.atomic.AtomicLong gauge(String name, String description) {
    return GAUGES.computeIfAbsent(name, n -> {
      java.util.concurrent.atomic.AtomicLong value = new java.util.concurrent.atomic.AtomicLong();
      io.micrometer.core.instrument.Gauge.builder(n, value, java.util.concurrent.atomic.AtomicLong::get)
        .description(description).register(registry());
      return value;
    });
  }

  private static final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> GAUGES =
    new java.util.concurrent.ConcurrentHashMap<>();

  public static void socketOpened() {
    registry();
    SOCKETS.incrementAndGet();
  }

  public static void socketClosed() {
    SOCKETS.decrementAndGet();
  }

  /** {@code n} records written to a socket (one frame, or several in a batched one). */
  public static void socketMessagesSent(int n) {
    Holder.SENT.increment(n);
  }

  public static void socketMessageDropped() {
    Holder.DROPPED.increment();
  }

  /** {@code n} records a socket could not take in time (beyond its backlog). */
  public static void socketMessagesDropped(long n) {
    Holder.DROPPED.increment(n);
  }

  /** A record replaced by a newer one of the same conflation key before a behind socket took it. */
  public static void socketMessageConflated() {
    Holder.CONFLATED.increment();
  }

  /** Meters on hot paths, looked up once. */
  private static final class Holder {
    static final Counter SENT = Counter.builder("tributary_socket_messages")
      .description("Socket messages by outcome (sent, or dropped for a client that cannot keep up)")
      .tag("outcome", "sent").register(registry());
    static final Counter DROPPED = Counter.builder("tributary_socket_messages")
      .description("Socket messages by outcome (sent, or dropped for a client that cannot keep up)")
      .tag("outcome", "dropped").register(registry());
    static final Counter CONFLATED = Counter.builder("tributary_socket_messages")
      .description("Socket messages by outcome (sent, or dropped for a client that cannot keep up)")
      .tag("outcome", "conflated").register(registry());
  }
}
