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
                double p90Ms, double p99Ms, double maxMs, double cpuMsPerRequest, double allocKbPerRequest) {

    JsonObject json() {
      return new JsonObject().put("label", label).put("connections", connections).put("seconds", seconds)
        .put("requests", requests).put("errors", errors).put("requests_per_s", rps).put("p50_ms", p50Ms)
        .put("p90_ms", p90Ms).put("p99_ms", p99Ms).put("max_ms", maxMs).put("cpu_ms_per_request", cpuMsPerRequest)
        .put("alloc_kb_per_request", allocKbPerRequest);
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
      double cpu0 = cpuMs();
      long alloc0 = allocatedBytes();
      long t0 = System.nanoTime();
      loop(client, request, body, connections, seconds, h, errors, ok);
      double elapsed = (System.nanoTime() - t0) / 1e9;
      double cpu = cpuMs() - cpu0;
      long alloc = allocatedBytes() - alloc0;
      return new Result(label, connections, seconds, h.getTotalCount(), errors.get(), h.getTotalCount() / elapsed,
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
        h.getMaxValue() / 1000.0, cpu / Math.max(1, h.getTotalCount()),
        alloc / 1024.0 / Math.max(1, h.getTotalCount()));
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

  /**
   * CPU time (ms) used so far by the threads requests run on (every Vert.x event-loop and worker thread of this JVM,
   * the server's and the load client's, and the predict threads {@code tributary-predict-*} with the native threads
   * XGBoost starts from them, which carry their name) and by this JVM's child processes (the embedded PostgreSQL with
   * its ended backends, and Redis). Unlike latencies it is barely inflated by other load on the machine, and unlike
   * the process's CPU time it leaves out the JIT compiler, the collector and the in-process Kafka broker, which
   * dominate when a loaded machine serves few requests. Read from {@code /proc} in clock ticks of 10 ms (Linux only).
   */
  static double cpuMs() {
    double ms = 0;
    try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
      for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) tasks::iterator) {
        String stat = stat(task.resolve("stat"));
        // the kernel keeps the first 15 characters of a thread's name
        if (stat != null && (stat.contains("(vert.x-") || stat.contains("(tributary-predi"))) {
          ms += ticksMs(stat, false);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (ProcessHandle child : (Iterable<ProcessHandle>) ProcessHandle.current().descendants()::iterator) {
      String stat = stat(java.nio.file.Path.of("/proc/" + child.pid() + "/stat"));
      ms += stat == null ? 0 : ticksMs(stat, true);
    }
    return ms;
  }

  /**
   * Heap bytes allocated so far by the live threads of this JVM (server, load client, embedded Kafka; a thread that
   * ended meanwhile drops out): per request, what the young collections have to sweep, which load on the machine
   * does not inflate.
   */
  static long allocatedBytes() {
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long total = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      total += Math.max(0, bytes);
    }
    return total;
  }

  private static String stat(java.nio.file.Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException | RuntimeException gone) {
      return null; // the thread or process ended meanwhile
    }
  }

  /** User and system time of a {@code stat} line, with its ended children's when {@code children}. */
  private static double ticksMs(String stat, boolean children) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    if (children) {
      ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
    return ticks * 10.0;
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
