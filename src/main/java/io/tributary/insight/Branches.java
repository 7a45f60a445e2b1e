package io.tributary.insight;

import io.vertx.core.json.JsonObject;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs the independent steps of one insight run side by side, each on its own connection to the request's database
 * ({@link InsightDuck#fork()}), on at most {@value #PARALLEL} threads of its own: the worker thread only waits.
 * DuckDB's {@code threads} setting still bounds the work of each query. The milliseconds of the steps of each name
 * add up in {@link #timings}. Closing waits for every step started (a step past the run's {@link Deadline} fails at
 * once), then for the threads to end, so no query outlives the database and no thread outlives the run.
 */
final class Branches implements AutoCloseable {

  /** Steps running at once. */
  static final int PARALLEL = 3;
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** A step over its own connection. */
  interface Step<T> {
    T run(InsightDuck duck) throws SQLException;
  }

  private final InsightDuck duck;
  private final ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
    Thread t = new Thread(r, "insight-step-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });
  private final List<CompletableFuture<?>> started = new ArrayList<>();
  /** Milliseconds per step name. */
  final JsonObject timings = new JsonObject();

  Branches(InsightDuck duck) {
    this.duck = duck;
  }

  /** Starts a step now. */
  <T> CompletableFuture<T> start(String name, Step<T> step) {
    CompletableFuture<T> f = CompletableFuture.supplyAsync(() -> run(name, step), pool);
    synchronized (started) {
      started.add(f);
    }
    return f;
  }

  /** Starts a step once {@code after} has its value. */
  <A, T> CompletableFuture<T> then(CompletableFuture<A> after, String name, Function<A, Step<T>> step) {
    CompletableFuture<T> f = after.thenApplyAsync(v -> run(name, step.apply(v)), pool);
    synchronized (started) {
      started.add(f);
    }
    return f;
  }

  private <T> T run(String name, Step<T> step) {
    long t0 = System.nanoTime();
    try (InsightDuck d = duck.fork()) {
      return step.run(d);
    } catch (SQLException e) {
      throw new CompletionException(e);
    } finally {
      long ms = (System.nanoTime() - t0) / 1_000_000;
      synchronized (timings) {
        timings.put(name, timings.getLong(name, 0L) + ms);
      }
    }
  }

  /** The value of a step, or its failure as thrown by the step. */
  static <T> T join(CompletableFuture<T> f) throws SQLException {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException s) {
        throw s;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    List<CompletableFuture<?>> all;
    synchronized (started) {
      all = new ArrayList<>(started);
    }
    try {
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).exceptionally(e -> null).join();
    } finally {
      pool.shutdown();
      try {
        pool.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
