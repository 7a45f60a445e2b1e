package io.tributary.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;

/**
 * A closed-loop HTTP load generator on loopback: {@code connections} keep-alive connections, each sending its next
 * request when the previous response has arrived, for a fixed time after a warm-up; latencies (µs) in an
 * HdrHistogram. Runs in the benchmark's JVM, separate from the server's.
 */
final class LoadClient implements AutoCloseable {

  private static final long MAX_MICROS = 60_000_000L;

  private final Vertx vertx = Vertx.vertx();
  /** The first unexpected reply of a run, printed to help whoever reads a run with errors. */
  private final java.util.concurrent.atomic.AtomicReference<String> firstError = new java.util.concurrent.atomic.AtomicReference<>();

  /** What a load run measured. */
  record Result(String label, int connections, int seconds, long requests, long errors, double rps, double p50Ms,
                double p90Ms, double p99Ms, double maxMs) {

    JsonObject json() {
      return new JsonObject().put("label", label).put("connections", connections).put("seconds", seconds)
        .put("requests", requests).put("errors", errors).put("requests_per_s", rps).put("p50_ms", p50Ms)
        .put("p90_ms", p90Ms).put("p99_ms", p99Ms).put("max_ms", maxMs);
    }

    String row() {
      return String.format(Locale.ROOT, "| %s | %d | %,d | %d | %,.0f | %.2f | %.2f | %.2f | %.2f |", label, connections,
        requests, errors, rps, p50Ms, p90Ms, p99Ms, maxMs);
    }

    static String header() {
      return "| load | connections | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms |\n"
        + "|---|---:|---:|---:|---:|---:|---:|---:|---:|";
    }
  }

  /**
   * Loads one request shape.
   *
   * @param ok whether a response (status, body) counts as a success; anything else is an error
   */
  Result run(String label, int port, RequestOptions request, Buffer body, int connections, int warmSeconds,
             int seconds, BiPredicate<Integer, Buffer> ok) throws Exception {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultPort(port).setDefaultHost("127.0.0.1")
      .setKeepAlive(true).setPipelining(false), new PoolOptions().setHttp1MaxSize(connections));
    try {
      loop(client, request, body, connections, warmSeconds, new Histogram(MAX_MICROS, 3), new AtomicLong(), ok);
      Histogram h = new Histogram(MAX_MICROS, 3);
      AtomicLong errors = new AtomicLong();
      long t0 = System.nanoTime();
      loop(client, request, body, connections, seconds, h, errors, ok);
      double elapsed = (System.nanoTime() - t0) / 1e9;
      return new Result(label, connections, seconds, h.getTotalCount(), errors.get(), h.getTotalCount() / elapsed,
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
        h.getMaxValue() / 1000.0);
    } finally {
      client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private void loop(HttpClient client, RequestOptions request, Buffer body, int connections, int seconds,
                           Histogram histogram, AtomicLong errors, BiPredicate<Integer, Buffer> ok) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Future<Void>> users = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      Promise<Void> done = Promise.promise();
      next(client, request, body, end, histogram, errors, ok, done);
      users.add(done.future());
    }
    Future.all(users).toCompletionStage().toCompletableFuture().get(seconds + 60L, TimeUnit.SECONDS);
  }

  private void next(HttpClient client, RequestOptions request, Buffer body, long end, Histogram histogram,
                           AtomicLong errors, BiPredicate<Integer, Buffer> ok, Promise<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete();
      return;
    }
    long start = System.nanoTime();
    client.request(request)
      .compose(req -> body == null ? req.send() : req.send(body))
      .compose(resp -> resp.body().map(b -> {
        boolean good = ok.test(resp.statusCode(), b);
        if (!good && firstError.compareAndSet(null, resp.statusCode() + " " + b)) {
          System.err.println("first unexpected reply: " + firstError.get());
        }
        return good;
      }))
      .onComplete(r -> {
        if (r.failed() || !r.result()) {
          errors.incrementAndGet();
        }
        synchronized (histogram) {
          histogram.recordValue(Math.min((System.nanoTime() - start) / 1000, MAX_MICROS));
        }
        next(client, request, body, end, histogram, errors, ok, done);
      });
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
