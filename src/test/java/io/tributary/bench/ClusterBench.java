package io.tributary.bench;

import io.tributary.support.ChildServer;
import io.tributary.support.ClusterNodes;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Throughput of 3, 2 and 1 Tributary nodes ({@link ClusterNodes}: child processes on one s3proxy lake and the test
 * application's PostgreSQL, Redis and Kafka; one cluster started once, a node stopped with SIGTERM between sizes,
 * each size on its own datasets): parallel CSV uploads spread over the nodes (upload to job completed),
 * then SQL queries spread over the nodes, uncached (every text new: DuckDB runs) and cached (a few texts repeated:
 * Redis answers). Next to each rate, the CPU seconds the node processes used (from {@code /proc/<pid>/stat}) per
 * request: on a machine where every node shares the same cores, that, not the rate, shows whether adding nodes adds
 * cost. Writes {@code cluster.md}. Run with {@code java -cp <test classpath> io.tributary.bench.ClusterBench
 * target/bench}; system properties {@code bench.cluster.nodes} (3: the largest size), {@code bench.cluster.uploads} (3),
 * {@code bench.cluster.rows} (1,000,000 per upload), {@code bench.cluster.queries} (300 uncached; five times as many
 * cached), {@code bench.cluster.clients} (6). Then the same queries at the same rate per node whatever the node count
 * ({@code bench.cluster.paced_uncached}, 12/s, and {@code bench.cluster.paced_cached}, 120/s, per node, for {@code
 * bench.cluster.paced_seconds}, 10): each node then does the same work in the same rhythm, so its CPU per request
 * is comparable across sizes, where the closed loop above gives each node 1/n of the requests and so fewer per
 * event-loop wake-up.
 */
public final class ClusterBench {

  private static final int CACHED_TEXTS = 10;
  /** How long the idle nodes' CPU is read (heartbeats, consumer polls, listeners). */
  private static final long IDLE_MS = 5_000;

  /** A timed run: its requests, wall seconds, the nodes' CPU seconds, and the part of it their JIT compilers used. */
  private record Rate(int requests, double seconds, double cpuSeconds, Map<String, Double> byKind) {
    double perSecond() {
      return requests / seconds;
    }

    double cpuMsPerRequest() {
      return cpuSeconds * 1000 / requests;
    }

    /** CPU ms per request once the nodes' idle CPU ({@code idle} s/s) over the run is taken out. */
    double marginalMsPerRequest(double idle) {
      return Math.max(0, cpuSeconds - idle * seconds) * 1000 / requests;
    }

    /** As {@link #marginalMsPerRequest}, without the JIT compilers' seconds (a node's one-time warm-up). */
    double steadyMsPerRequest(double idle) {
      return Math.max(0, cpuSeconds - byKind.getOrDefault("jit", 0.0) - idle * seconds) * 1000 / requests;
    }

    /** CPU ms per request by thread kind, as "kind ms, ...". */
    String byKindMs() {
      StringBuilder b = new StringBuilder();
      byKind.forEach((kind, s) -> b.append(b.length() == 0 ? "" : ", ")
        .append(String.format(Locale.ROOT, "%s %.3f", kind, s * 1000 / requests)));
      return b.toString();
    }
  }

  public static void main(String[] args) throws Exception {
    if (System.getProperty("child.jvm.options") == null) { // compiler threads that never exit: their CPU stays readable
      System.setProperty("child.jvm.options", "-XX:-UseDynamicNumberOfCompilerThreads");
    }
    Path out = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/bench").toAbsolutePath());
    int uploads = Integer.getInteger("bench.cluster.uploads", 3);
    int rows = Integer.getInteger("bench.cluster.rows", 1_000_000);
    int queries = Integer.getInteger("bench.cluster.queries", 300);
    int clients = Integer.getInteger("bench.cluster.clients", 6);
    String csv = ClusterNodes.csv(rows);
    long total = ClusterNodes.truth(rows).getLong("total");
    int max = Integer.getInteger("bench.cluster.nodes", 3);
    StringBuilder table = new StringBuilder();
    StringBuilder kinds = new StringBuilder();
    StringBuilder pacedRows = new StringBuilder();
    int pacedUncached = Integer.getInteger("bench.cluster.paced_uncached", 12);
    int pacedCached = Integer.getInteger("bench.cluster.paced_cached", 120);
    int pacedSeconds = Integer.getInteger("bench.cluster.paced_seconds", 10);
    Path dir = Files.createDirectories(out.resolve("cluster-" + UUID.randomUUID()));
    try (ClusterNodes cluster = new ClusterNodes(dir, max, unlimited())) {
      String token = cluster.node(0).login();
      // an untimed round first: the first measurement must not pay the nodes' JIT warm-up
      ingest(cluster, max, "warm_", token, uploads, csv, total);
      measure(cluster, max, queries, clients, i -> "SELECT count(*) AS n FROM warm_" + (i % uploads) + " WHERE id <> "
        + (-1 - i), token);
      measure(cluster, max, queries * 5, clients, i -> cachedSql("warm_", i % CACHED_TEXTS, uploads), token);
      // largest first; then one node leaves (SIGTERM: it leaves the consumer group and Hazelcast) per size
      for (int size = max; size >= 1; size--) {
        while (cluster.nodes.stream().filter(ChildServer::alive).count() > size) {
          cluster.node(size).terminate();
        }
        String table0 = "up_" + size + "_";
        Rate ingest = ingest(cluster, size, table0, token, uploads, csv, total);
        double idle0 = cluster.cpuSeconds();
        Thread.sleep(IDLE_MS);
        double idle = (cluster.cpuSeconds() - idle0) * 1000 / IDLE_MS;
        Rate uncached = measure(cluster, size, queries, clients, i -> "SELECT grp, count(*) AS n, sum(amount) AS total "
          + "FROM " + table0 + (i % uploads) + " WHERE id <> " + (-1 - i) + " GROUP BY grp", token);
        for (int i = 0; i < CACHED_TEXTS; i++) { // the first answer fills the cache all nodes share
          ClusterNodes.query(cluster.node(i % size), token, cachedSql(table0, i, uploads));
        }
        Rate cached = measure(cluster, size, queries * 5, clients, i -> cachedSql(table0, i % CACHED_TEXTS, uploads),
          token);
        String row = String.format(Locale.ROOT,
          "| %d | %.2f | %.1f | %,.0f | %.2f | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f | %.2f | %.2f | %.2f |%n", size,
          idle, ingest.seconds, (double) uploads * rows / ingest.seconds, ingest.cpuSeconds / uploads,
          uncached.perSecond(), uncached.cpuMsPerRequest(), uncached.marginalMsPerRequest(idle),
          uncached.steadyMsPerRequest(idle), uncached.seconds, cached.perSecond(), cached.cpuMsPerRequest(),
          cached.marginalMsPerRequest(idle), cached.steadyMsPerRequest(idle));
        System.out.print(row);
        table.append(row);
        kinds.append(String.format(Locale.ROOT, "| %d | %s | %s |%n", size, uncached.byKindMs(), cached.byKindMs()));
        int base = 1_000_000 * size;
        Rate slow = paced(cluster, size, pacedUncached, pacedSeconds, i -> "SELECT grp, count(*) AS n, sum(amount) "
          + "AS total FROM " + table0 + (i % uploads) + " WHERE id <> " + (-1 - base - i) + " GROUP BY grp", token);
        Rate fast = paced(cluster, size, pacedCached, pacedSeconds, i -> cachedSql(table0, i % CACHED_TEXTS, uploads),
          token);
        String pacedRow = String.format(Locale.ROOT, "| %d | %.1f | %.2f | %.2f | %.1f | %.3f | %.3f |%n", size,
          slow.perSecond(), slow.marginalMsPerRequest(idle), slow.steadyMsPerRequest(idle), fast.perSecond(),
          fast.marginalMsPerRequest(idle), fast.steadyMsPerRequest(idle));
        System.out.print(pacedRow);
        pacedRows.append(pacedRow);
      }
    }
    String report = String.format(Locale.ROOT, """
      # Cluster benchmark

      Nodes as child processes (`-Xmx768m`, one HTTP instance, one transform and one query worker each) on one s3proxy
      lake and one PostgreSQL, Redis and Kafka (the benchmark JVM's), all on this machine's shared cores, so rates
      do not grow with nodes here: read the CPU columns (node processes only, user + system). Ingest: %d parallel
      uploads of %,d rows (`id,grp,amount`), one per node in turn, until every job completed. Queries: %d uncached
      (a new text each: DuckDB over the node's cached copy) and %d cached (%d texts: Redis), from %d clients, spread
      over the nodes in turn. An untimed round of uploads, uncached and cached queries on all nodes comes first (JIT
      warm-up); idle: CPU seconds per second the nodes use doing nothing (heartbeats, consumer polls), read for 5 s
      after the uploads; "less idle": the CPU per query once that idle rate over the run's seconds is taken out (what
      a query adds); "less JIT": also without the seconds of the nodes' JIT compiler threads in the run (a node's
      one-time warm-up, which each added node pays again; read from `/proc/<pid>/task/*/stat`).

      | nodes | idle CPU s/s | ingest s | rows/s | CPU s per upload | uncached q/s | CPU ms per uncached query | less idle | less idle and JIT | uncached s | cached q/s | CPU ms per cached query | less idle | less idle and JIT |
      |---|---|---|---|---|---|---|---|---|---|---|---|---|---|
      %s
      CPU ms per query by the nodes' thread kind (idle not taken out; `jit`: compiler threads, `worker`: Vert.x and
      Tributary's pools with DuckDB's threads, `other`: the rest of the JVM's threads):

      | nodes | uncached | cached |
      |---|---|---|
      %s
      The same queries paced: %d uncached and %d cached queries a second **per node**, for %d s each, so every node
      does the same work in the same rhythm at every size (the closed loop above gives each node 1/n of the
      requests, and so fewer per event-loop wake-up); idle and JIT taken out as above. Flat columns here mean an
      added node adds no cost per request.

      | nodes | uncached q/s (all nodes) | CPU ms per uncached query, less idle | less idle and JIT | cached q/s (all nodes) | CPU ms per cached query, less idle | less idle and JIT |
      |---|---|---|---|---|---|---|
      %s""", uploads, rows, queries, queries * 5, CACHED_TEXTS, clients, table, kinds, pacedUncached, pacedCached,
      pacedSeconds, pacedRows);
    Files.writeString(out.resolve("cluster.md"), report);
    System.out.println(report);
    System.exit(0);
  }

  private static Map<String, Double> minus(Map<String, Double> after, Map<String, Double> before) {
    Map<String, Double> d = new java.util.TreeMap<>();
    after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0.0)));
    return d;
  }

  /** Rate limits out of the way: the benchmark measures the nodes, not the limiter. */
  private static Map<String, String> unlimited() {
    String many = "100000000";
    return Map.of("TRIBUTARY_RATE_LIMIT_FREE", many, "TRIBUTARY_RATE_LIMIT_PREMIUM", many,
      "TRIBUTARY_RATE_LIMIT_API_FREE", many, "TRIBUTARY_RATE_LIMIT_API_PREMIUM", many,
      "TRIBUTARY_RATE_LIMIT_UPLOAD_FREE", many, "TRIBUTARY_RATE_LIMIT_UPLOAD_PREMIUM", many);
  }

  private static String cachedSql(String table, int i, int uploads) {
    return "SELECT count(*) AS n, max(amount) AS top FROM " + table + (i % uploads) + " WHERE grp = 'g" + i + "'";
  }

  /** Uploads in parallel, one per node in turn, and waits for every job: the time and the nodes' CPU. */
  private static Rate ingest(ClusterNodes cluster, int size, String prefix, String token, int uploads, String csv,
                             long total) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(uploads);
    try {
      double cpu0 = cluster.cpuSeconds();
      Map<String, Double> kinds0 = cluster.cpuByThreadKind();
      long t0 = System.nanoTime();
      List<Future<JsonObject>> jobs = new ArrayList<>();
      for (int i = 0; i < uploads; i++) {
        ChildServer node = cluster.node(i % size);
        String name = prefix + i;
        jobs.add(pool.submit(() -> ClusterNodes.awaitJob(node, token,
          cluster.upload(node, token, name, csv).getString("job_id"), 1_800)));
      }
      for (Future<JsonObject> job : jobs) {
        JsonObject done = job.get();
        if (!"completed".equals(done.getString("status"))) {
          throw new IllegalStateException("an upload did not complete: " + done.encode());
        }
      }
      Rate rate = new Rate(uploads, (System.nanoTime() - t0) / 1e9, cluster.cpuSeconds() - cpu0,
        minus(cluster.cpuByThreadKind(), kinds0));
      for (int i = 0; i < uploads; i++) {
        JsonObject got = ClusterNodes.query(cluster.node(0), token, "SELECT sum(amount) AS total FROM " + prefix + i);
        if (got.getLong("total") != total) {
          throw new IllegalStateException(prefix + i + " holds " + got.encode() + ", not " + total);
        }
      }
      return rate;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Queries ({@code sql} of the request's number) sent at {@code perNode} a second to each of the first {@code size}
   * nodes for {@code seconds}, each on its own thread when due (an open loop: a slow answer delays no other); the
   * time until the last answer and the nodes' CPU over it.
   */
  private static Rate paced(ClusterNodes cluster, int size, int perNode, int seconds, IntFunction<String> sql,
                            String token) throws Exception {
    ScheduledExecutorService ticks = Executors.newScheduledThreadPool(size);
    ExecutorService senders = Executors.newCachedThreadPool();
    AtomicInteger next = new AtomicInteger();
    AtomicReference<String> failure = new AtomicReference<>();
    List<Future<?>> sent = java.util.Collections.synchronizedList(new ArrayList<>());
    int total = perNode * seconds;
    try {
      double cpu0 = cluster.cpuSeconds();
      Map<String, Double> kinds0 = cluster.cpuByThreadKind();
      long t0 = System.nanoTime();
      List<java.util.concurrent.CountDownLatch> done = new ArrayList<>();
      for (int n = 0; n < size; n++) {
        ChildServer node = cluster.node(n);
        java.util.concurrent.CountDownLatch scheduled = new java.util.concurrent.CountDownLatch(total);
        done.add(scheduled);
        ticks.scheduleAtFixedRate(() -> {
          if (scheduled.getCount() == 0) {
            return;
          }
          int i = next.getAndIncrement();
          sent.add(senders.submit(() -> {
            HttpResponse<String> r = node.post("/api/v1/query/sql", token,
              new JsonObject().put("sql", sql.apply(i)).encode());
            if (r.statusCode() != 200) {
              failure.compareAndSet(null, "query answered " + r.statusCode() + ": " + r.body());
            }
            return null;
          }));
          scheduled.countDown();
        }, n * 1_000_000L / perNode / size, 1_000_000L / perNode, TimeUnit.MICROSECONDS);
      }
      for (java.util.concurrent.CountDownLatch d : done) {
        d.await();
      }
      ticks.shutdownNow();
      for (Future<?> f : new ArrayList<>(sent)) {
        f.get();
      }
      if (failure.get() != null) {
        throw new IllegalStateException(failure.get());
      }
      return new Rate(total * size, (System.nanoTime() - t0) / 1e9, cluster.cpuSeconds() - cpu0,
        minus(cluster.cpuByThreadKind(), kinds0));
    } finally {
      ticks.shutdownNow();
      senders.shutdownNow();
    }
  }

  /** {@code requests} queries ({@code sql} of the request's number) from {@code clients}, over the nodes in turn. */
  private static Rate measure(ClusterNodes cluster, int size, int requests, int clients, IntFunction<String> sql,
                              String token) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicInteger next = new AtomicInteger();
    try {
      double cpu0 = cluster.cpuSeconds();
      Map<String, Double> kinds0 = cluster.cpuByThreadKind();
      long t0 = System.nanoTime();
      List<Future<Void>> running = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        running.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
            ChildServer node = cluster.node(i % size);
            HttpResponse<String> r = node.post("/api/v1/query/sql", token,
              new JsonObject().put("sql", sql.apply(i)).encode());
            if (r.statusCode() != 200) {
              throw new IllegalStateException("query answered " + r.statusCode() + ": " + r.body());
            }
          }
          return null;
        }));
      }
      for (Future<Void> f : running) {
        f.get();
      }
      return new Rate(requests, (System.nanoTime() - t0) / 1e9, cluster.cpuSeconds() - cpu0,
        minus(cluster.cpuByThreadKind(), kinds0));
    } finally {
      pool.shutdownNow();
    }
  }
}
