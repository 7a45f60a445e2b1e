package io.tributary.embedded;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services Tributary starts itself in embedded mode: PostgreSQL, Redis and a Kafka broker, each bound to
 * 127.0.0.1 and keeping its data under the data directory, so {@code java -jar} works on a bare machine.
 *
 * <p>Start with {@link #start}; the accessors give the address of each started service ({@code null} for the others).
 * {@link #close()} stops everything and is also run by a JVM shutdown hook.
 */
public final class EmbeddedServices implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServices.class);

  private final EmbeddedPostgres postgres;
  private final EmbeddedRedis redis;
  private final EmbeddedKafka kafka;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final java.util.concurrent.CountDownLatch closedLatch = new java.util.concurrent.CountDownLatch(1);
  private volatile long ownerGraceMs;
  /**
   * Stops the services at JVM exit; when the application said it closes them itself ({@link #ownerWillClose}), only
   * after waiting that long for it (its graceful shutdown needs them until its last step).
   */
  private final Thread shutdownHook = new Thread(() -> {
    try {
      if (ownerGraceMs > 0 && closedLatch.await(ownerGraceMs, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
  }, "embedded-services-shutdown");

  private EmbeddedServices(EmbeddedPostgres postgres, EmbeddedRedis redis, EmbeddedKafka kafka) {
    this.postgres = postgres;
    this.redis = redis;
    this.kafka = kafka;
  }

  /**
   * Starts the requested services in parallel and waits for all of them. The PostgreSQL and Redis executables are
   * written on this thread first, before either service starts a process (see {@link ServerBinaries}); Kafka runs in
   * this JVM and starts no process, so it starts meanwhile. Blocking (seconds): call it from a worker thread or before
   * Vert.x starts.
   *
   * @param dataDir the directory holding each service's data ({@code postgres/}, {@code redis/}, {@code kafka/})
   * @param postgres whether to start PostgreSQL
   * @param redis whether to start Redis
   * @param kafka whether to start Kafka
   * @param kafkaPort the Kafka client port on 127.0.0.1 ({@link EmbeddedKafka#DEFAULT_PORT} usually); 0 picks one
   * @return the running services
   * @throws EmbeddedServiceException when one of them fails; the others are stopped again
   */
  public static EmbeddedServices start(Path dataDir, boolean postgres, boolean redis, boolean kafka, int kafkaPort) {
    ExecutorService pool = Executors.newFixedThreadPool(3, r -> {
      Thread t = new Thread(r, "embedded-services-start");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<EmbeddedKafka> kf = kafka ? pool.submit(() -> timed("Kafka",
        () -> EmbeddedKafka.start(dataDir, kafkaPort), EmbeddedKafka::bootstrap, dataDir.resolve("kafka"))) : null;
      List<EmbeddedServiceException> failures = new ArrayList<>();
      Path redisBinary = redis
        ? prepare("Redis", "TRIBUTARY_REDIS_URL", () -> EmbeddedRedis.installBinary(dataDir), failures) : null;
      if (postgres) {
        prepare("PostgreSQL", "TRIBUTARY_PG_URL", ServerBinaries::postgres, failures);
      }
      boolean prepared = failures.isEmpty();
      Future<EmbeddedPostgres> pg = postgres && prepared ? pool.submit(() -> timed("PostgreSQL",
        () -> EmbeddedPostgres.start(dataDir), EmbeddedPostgres::url, dataDir.resolve("postgres"))) : null;
      Future<EmbeddedRedis> rd = redis && prepared ? pool.submit(() -> timed("Redis",
        () -> EmbeddedRedis.start(dataDir, 0, redisBinary), EmbeddedRedis::url, dataDir.resolve("redis"))) : null;
      EmbeddedServices services = new EmbeddedServices(
        await(pg, "PostgreSQL", "TRIBUTARY_PG_URL", failures),
        await(rd, "Redis", "TRIBUTARY_REDIS_URL", failures),
        await(kf, "Kafka", "TRIBUTARY_KAFKA_BOOTSTRAP", failures));
      if (!failures.isEmpty()) {
        services.close();
        EmbeddedServiceException first = failures.get(0);
        failures.stream().skip(1).forEach(first::addSuppressed);
        throw first;
      }
      Runtime.getRuntime().addShutdownHook(services.shutdownHook);
      return services;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The PostgreSQL URL for vertx-pg-client ({@code postgresql://postgres@127.0.0.1:<port>/tributary}), or null. */
  public String pgUrl() {
    return postgres == null ? null : postgres.url();
  }

  /** The PostgreSQL JDBC URL ({@code jdbc:postgresql://127.0.0.1:<port>/tributary?user=postgres}), or null. */
  public String jdbcUrl() {
    return postgres == null ? null : postgres.jdbcUrl();
  }

  /** The Redis URL ({@code redis://127.0.0.1:<port>}), or null. */
  public String redisUrl() {
    return redis == null ? null : redis.url();
  }

  /** The Kafka bootstrap address ({@code 127.0.0.1:<port>}), or null. */
  public String kafkaBootstrap() {
    return kafka == null ? null : kafka.bootstrap();
  }

  /** The application closes the services itself at exit, within this long; the JVM hook waits for it. */
  public void ownerWillClose(java.time.Duration grace) {
    this.ownerGraceMs = grace.toMillis();
  }

  /** Stops Kafka, Redis and PostgreSQL (in that order, each waited for); their data stays. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      closedLatch.countDown();
      return;
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException | IllegalArgumentException e) {
        // the JVM is already shutting down, or the hook was never registered
      }
    }
    stop("Kafka", kafka);
    stop("Redis", redis);
    stop("PostgreSQL", postgres);
    closedLatch.countDown();
  }

  private static void stop(String name, AutoCloseable service) {
    if (service == null) {
      return;
    }
    try {
      service.close();
      LOG.info("Embedded {} stopped", name);
    } catch (Exception e) {
      LOG.warn("Embedded {} did not stop cleanly", name, e);
    }
  }

  private interface Starter<T> {
    T start() throws Exception;
  }

  /** Runs a step that must finish before the services start processes; its failure is added to {@code failures}. */
  private static <T> T prepare(String name, String externalVariable, Starter<T> step,
      List<EmbeddedServiceException> failures) {
    try {
      return step.start();
    } catch (Exception e) {
      failures.add(failure(name, externalVariable, e));
      return null;
    }
  }

  private static <T> T timed(String name, Starter<T> starter, java.util.function.Function<T, String> address,
      Path dir) throws Exception {
    long t0 = System.nanoTime();
    T service = starter.start();
    LOG.info("Embedded {} at {} (data {}, started in {} ms)", name, address.apply(service), dir,
      (System.nanoTime() - t0) / 1_000_000);
    return service;
  }

  private static <T> T await(Future<T> future, String name, String externalVariable,
      List<EmbeddedServiceException> failures) {
    if (future == null) {
      return null;
    }
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failures.add(new EmbeddedServiceException("Embedded " + name + " start was interrupted", e));
    } catch (ExecutionException e) {
      failures.add(failure(name, externalVariable, e.getCause()));
    }
    return null;
  }

  private static EmbeddedServiceException failure(String name, String externalVariable, Throwable cause) {
    String hint = cause instanceof EmbeddedKafka.PortInUseException
      ? "; set TRIBUTARY_KAFKA_EMBEDDED_PORT or " + externalVariable
      : "; set " + externalVariable + " to use an external server instead";
    String verb = cause instanceof EmbeddedKafka.PortInUseException ? " " : " failed to start: ";
    return new EmbeddedServiceException("Embedded " + name + verb + cause.getMessage() + hint, cause);
  }
}
