package io.tributary.bench;

import io.tributary.collection.Client;
import io.tributary.collection.Contention;
import io.tributary.db.Database;
import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.HdrHistogram.Histogram;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Collections and search, in the test application's JVM (embedded services): (1) contention, 50 clients x 20
 * read-modify-write updates of one collection with retry on 412, throughput; (2) catalog search over
 * {@code bench.search.datasets} datasets x 20 columns of one user (rows written straight into PostgreSQL, the
 * triggers index them), a closed loop of 16 connections for {@code bench.search.seconds} on four paths: through HTTP
 * with the SQL on every request (a benchmark listener without the cache and the in-memory catalog: the code before
 * the catalog), through HTTP without the cache (a benchmark listener: the in-memory catalog on every request), the
 * same SQL directly in PostgreSQL on 16 connections, and through HTTP as served (cache, then catalog). Each path runs
 * twice: with 8 rotating queries, and with novel queries (each request a text never asked before in the run, made of
 * the catalog's words, prefixes, typos and numbers), which is what a cache cannot help. Results:
 * {@code target/bench/collections.md}.
 */
public final class CollectionBench {

  private static final int CONNECTIONS = 16;
  public static final String[] QUERIES = {"customer email", "amount", "sales", "temperatur", "regio", "high nulls",
    "orders status", "payments"};
  /** Words of the seeded catalog, for the novel queries. */
  private static final String[] WORDS = {"customer", "email", "amount", "region", "created", "status", "price",
    "quantity", "device", "temperature", "country", "sales", "orders", "customers", "events", "sensors", "weather",
    "inventory", "payments", "high", "nulls"};
  /** The next novel query of the run. */
  private static final java.util.concurrent.atomic.AtomicLong NOVEL = new java.util.concurrent.atomic.AtomicLong();
  public static final String SEED = "INSERT INTO datasets (id, owner_id, name, status, source_type, row_count, column_count, "
    + "size_bytes, schema) SELECT gen_random_uuid(), $1, 'ds_' || g || '_' || (ARRAY['sales','orders','customers',"
    + "'events','sensors','weather','inventory','payments'])[1 + g % 8], 'ready', 'csv', 1000, 20, 10000, "
    + "(SELECT jsonb_agg(jsonb_build_object('name', (ARRAY['customer_email','amount','region','created_at','status',"
    + "'price','quantity','device','temperature','country'])[1 + (g + c) % 10] || '_' || c, 'type', 'VARCHAR')) "
    + "FROM generate_series(1, 20) c) FROM generate_series($2::int, $3::int) g";

  private CollectionBench() {
  }

  /** Exits when done or failed: the embedded services' threads would keep a failed run's JVM alive. */
  public static void main(String[] args) {
    try {
      run(args);
      System.exit(0);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    System.setProperty("tributary.bench.search_uncached", "true");
    System.setProperty("tributary.bench.api_premium_per_hour", "100000000");
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Files.createDirectories(out);
    int datasets = Integer.getInteger("bench.search.datasets", 10_000);
    int seconds = Integer.getInteger("bench.search.seconds", 10);
    StringBuilder md = new StringBuilder("# Collections and search\n\n");

    if (Boolean.parseBoolean(System.getProperty("bench.contention", "true"))) {
      Client owner = Contention.client();
      JsonObject c = owner.create("bench_" + System.nanoTime());
      Contention.Outcome contention = Contention.run(owner, c.getString("collection_id"), 50, 20);
      int version = owner.read(c.getString("collection_id")).getInteger("version");
      md.append(String.format(Locale.ROOT, "## Contention\n\n| clients x updates | version rise | seconds | updates/s "
          + "| retries on 412 |\n|---|---|---|---|---|\n| 50 x 20 | %d | %.1f | %.1f | %d |\n\n", version - 1,
        contention.elapsedNanos() / 1e9, contention.updatesPerSecond(), contention.conflicts()));
    }

    // premium, whose API budget the bench raises (tributary.bench.api_premium_per_hour)
    Api user = Api.newUser("analyst", "premium");
    String userId = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(user.token().split("\\.")[1]),
      StandardCharsets.UTF_8)).getString("sub");
    Vertx vertx = TestApp.get().vertx;
    // the keyword path is what is measured: the embeddings stand-in refuses, so the embedder only retries now and then
    TestApp.get().embeddings.failing = true;
    Pool pg = Database.pool(vertx, TestApp.get().config().getJsonObject("postgres").copy().put("pool_size", CONNECTIONS));
    long seedStart = System.nanoTime();
    for (int from = 1; from <= datasets; from += 1000) {
      Await.result(pg.preparedQuery(SEED).execute(Tuple.of(UUID.fromString(userId), from, Math.min(datasets, from + 999))), 600);
    }
    double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
    Await.result(pg.query("ANALYZE search_documents").execute());
    String sql = searchSql();
    explain(pg, sql, UUID.fromString(userId), out.resolve("search-explain.txt"));
    long hold = Long.getLong("bench.search.hold_seconds", 0L);
    if (hold > 0) {
      System.out.println("Seeded; PostgreSQL at " + TestApp.get().config().getJsonObject("postgres").getString("url")
        + ", user " + userId + "; holding " + hold + " s");
      Thread.sleep(hold * 1000);
    }

    HttpClient http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(CONNECTIONS));
    Function<Integer, String> rotating = i -> QUERIES[i % QUERIES.length];
    Function<Integer, String> novel = i -> novel(NOVEL.getAndIncrement());
    UUID owner = UUID.fromString(userId);
    awaitListener(viaHttp(http, TestApp.get().searchUncachedPort, user.token(), rotating));
    awaitListener(viaHttp(http, TestApp.get().searchSqlPort, user.token(), rotating));
    md.append(String.format(Locale.ROOT, "## Search\n\n%d datasets x 20 columns (%d documents, seeded in %.1f s), %d "
        + "connections, %d s closed loop; rotating: %d queries in turn; novel: each request a query text never asked "
        + "before in the run\n\n| path | queries | requests/s | p50 ms | p99 ms | max ms |\n"
        + "|---|---|---|---|---|---|\n", datasets, datasets * 21, seedSeconds, CONNECTIONS, seconds, QUERIES.length));
    for (var texts : List.of(java.util.Map.entry("rotating", rotating), java.util.Map.entry("novel", novel))) {
      Function<Integer, String> q = texts.getValue();
      // each path asks the same novel texts from the first (none cached: each listener has its own cache)
      NOVEL.set(0);
      row(md, "HTTP, SQL on every request (no cache, no catalog: before)", texts.getKey(),
        measure(viaHttp(http, TestApp.get().searchSqlPort, user.token(), q), seconds), seconds);
      NOVEL.set(0);
      row(md, "same SQL directly in PostgreSQL", texts.getKey(),
        measure(i -> pg.preparedQuery(sql).execute(Tuple.of(owner, q.apply(i), null, 20)), seconds), seconds);
      NOVEL.set(0);
      row(md, "HTTP, in-memory catalog on every request (no cache)", texts.getKey(),
        measure(viaHttp(http, TestApp.get().searchUncachedPort, user.token(), q), seconds), seconds);
      NOVEL.set(0);
      row(md, "HTTP as served (cache, then catalog)", texts.getKey(),
        measure(viaHttp(http, TestApp.get().port, user.token(), q), seconds), seconds);
    }
    Files.writeString(out.resolve("collections.md"), md.toString());
    System.out.println(md);
  }

  /** A search of the query {@code texts} gives the i-th request through HTTP on {@code port}; not 200 fails it. */
  private static Function<Integer, Future<?>> viaHttp(HttpClient http, int port, String token,
                                                      Function<Integer, String> texts) {
    return i -> {
      String q = texts.apply(i);
      return search(http, port, token, q).recover(err -> {
        if (!String.valueOf(err.getMessage()).contains("getting a connection")) {
          return Future.failedFuture(err);
        }
        // Vert.x's client pool has, rarely, never given a waiting request a connection (the run stopped at the
        // await's limit): it is told here and asked once more, its time counted from the first ask
        System.err.println("CollectionBench: " + err.getMessage() + "; asking once more");
        return search(http, port, token, q);
      }).recover(err -> Future.failedFuture(new IllegalStateException("search of '" + q + "' on port " + port
        + " failed: " + err, err)));
    };
  }

  private static Future<Buffer> search(HttpClient http, int port, String token, String q) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET)
        .setHost("127.0.0.1").setPort(port).setURI("/api/v1/search?limit=20&q="
          + URLEncoder.encode(q, StandardCharsets.UTF_8))
        .putHeader("Authorization", "Bearer " + token).setConnectTimeout(30_000).setIdleTimeout(60_000))
      .compose(req -> req.send()).compose(resp -> resp.body().map(b -> {
        if (resp.statusCode() != 200) {
          throw new IllegalStateException(resp.statusCode() + " " + b);
        }
        return b;
      }));
  }

  /**
   * The n-th novel query: one or two of the catalog's words, each whole, cut short by one or two letters, or with
   * two letters swapped, and maybe a column number; past the 38,808 such texts, the same with other letters in
   * upper case (the same search, a new text: a cache miss).
   */
  public static String novel(long n) {
    long k = n;
    String first = variant(WORDS[(int) (k % WORDS.length)], (int) (k / WORDS.length % 4));
    k /= WORDS.length * 4L;
    int second = (int) (k % (WORDS.length + 1));
    k /= WORDS.length + 1;
    int number = (int) (k % 21);
    k /= 21;
    StringBuilder q = new StringBuilder(first);
    if (second < WORDS.length) {
      q.append(' ').append(WORDS[second]);
    }
    if (number > 0) {
      q.append('_').append(number);
    }
    for (int i = 0; k > 0 && i < q.length(); i++, k >>= 1) {
      if ((k & 1) == 1) {
        q.setCharAt(i, Character.toUpperCase(q.charAt(i)));
      }
    }
    return q.toString();
  }

  private static String variant(String word, int how) {
    return switch (how) {
      case 1 -> word.substring(0, word.length() - 1);
      case 2 -> word.substring(0, word.length() - 2);
      case 3 -> word.substring(0, 2) + word.charAt(3) + word.charAt(2) + word.substring(4);
      default -> word;
    };
  }

  /** The benchmark listener starts after the API: asks until it answers (at most 30 s). */
  private static void awaitListener(Function<Integer, Future<?>> call) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        Await.result(call.apply(0));
        return;
      } catch (Exception e) {
        if (System.nanoTime() > end) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  /** A 2 s warm-up, then the measured closed loop. */
  private static Histogram measure(Function<Integer, Future<?>> call, int seconds) throws Exception {
    load(call, 2);
    return load(call, seconds);
  }

  /** EXPLAIN (ANALYZE, BUFFERS) of the search SQL for each query, into {@code file}. */
  private static void explain(Pool pg, String sql, UUID user, Path file) throws Exception {
    StringBuilder plans = new StringBuilder();
    for (String q : QUERIES) {
      plans.append("== ").append(q).append('\n');
      Await.result(pg.preparedQuery("EXPLAIN (ANALYZE, BUFFERS) " + sql).execute(Tuple.of(user, q, null, 20)))
        .forEach(r -> plans.append(r.getString(0)).append('\n'));
    }
    Files.writeString(file, plans);
  }

  /** The query of SearchRepository (package-private there), read once by reflection to stay the same SQL. */
  private static String searchSql() throws Exception {
    Class<?> repo = Class.forName("io.tributary.search.SearchRepository");
    var f = repo.getDeclaredField("SEARCH");
    f.setAccessible(true);
    return (String) f.get(null);
  }

  private static void row(StringBuilder md, String path, String queries, Histogram h, int seconds) {
    md.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.2f | %.2f | %.2f |\n", path, queries,
      h.getTotalCount() / (double) seconds,
      h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0));
  }

  /** A closed loop of {@link #CONNECTIONS} callers for this long; latencies in microseconds. */
  private static Histogram load(Function<Integer, Future<?>> call, int seconds) throws Exception {
    Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Future<?>> loops = new ArrayList<>();
    for (int c = 0; c < CONNECTIONS; c++) {
      int offset = c;
      loops.add(loop(call, offset, end, h));
    }
    Await.result(Future.all(loops), seconds + 120);
    return h;
  }

  private static Future<?> loop(Function<Integer, Future<?>> call, int first, long end, Histogram h) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    int[] i = {first};
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      if (System.nanoTime() >= end) {
        done.tryComplete();
        return;
      }
      long start = System.nanoTime();
      call.apply(i[0]++).onComplete(ar -> {
        if (ar.failed()) {
          done.tryFail(ar.cause());
          return;
        }
        synchronized (h) {
          h.recordValue(Math.min(h.getHighestTrackableValue(), (System.nanoTime() - start) / 1000));
        }
        next[0].run();
      });
    };
    next[0].run();
    return done.future();
  }
}
