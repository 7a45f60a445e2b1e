package io.tributary.bench;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The WebSocket load client of {@link StreamBench}, run as its own JVM: opens many sockets over few event loops,
 * subscribes each (no filters), and records for every {@code update} its latency from the {@code sent} field
 * (epoch microseconds, set by the producer) to its receipt, and per socket which {@code seq} numbers arrived.
 * Driven by lines on stdin, answering one line on stdout each: {@code COUNT} (updates so far), {@code RESET}
 * (forget all), {@code MARK} (remember the update count and time: the measured window runs from the first
 * mark to the second), {@code REPORT <from> <to>} (one JSON line; completeness over seq in [from, to)),
 * {@code QUIT}. Arguments: host port path sockets eventLoops [batch]: with {@code batch} the sockets subscribe with
 * {@code "batch": true} and count every record of each {@code updates} frame.
 */
public final class StreamLoadClient {

  /** Latency histogram: 100 µs buckets up to 120 s (the last bucket holds everything slower). */
  private static final int BUCKETS = 1_200_000;
  private static final long BUCKET_MICROS = 100;
  private static final int SEQS = 1 << 16;

  private final AtomicLongArray latency = new AtomicLongArray(BUCKETS);
  private final AtomicLong updates = new AtomicLong();
  /** Per seq below {@link #SEQS}: summed latency (µs) and receipts, to tell a slow record from a slow socket. */
  private final AtomicLongArray seqMicros = new AtomicLongArray(SEQS);
  private final AtomicLongArray seqCount = new AtomicLongArray(SEQS);
  private final AtomicLong lagged = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final List<Feed> feeds = new ArrayList<>();
  private final List<long[]> marks = new ArrayList<>();

  /** One socket's receipts (touched only on its event loop until the report reads it). */
  private static final class Feed {
    final BitSet seqs = new BitSet();
    long duplicates;
    long updates;
    volatile boolean subscribed;
  }

  private final String subscribe;

  private StreamLoadClient(boolean batch) {
    this.subscribe = "{\"action\":\"subscribe\",\"filters\":{}" + (batch ? ",\"batch\":true}" : "}");
  }

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String path = args[2];
    int sockets = Integer.parseInt(args[3]);
    int loops = Integer.parseInt(args[4]);
    boolean batch = args.length > 5 && "batch".equals(args[5]);
    new StreamLoadClient(batch).run(host, port, path, sockets, loops);
  }

  private void run(String host, int port, String path, int sockets, int loops) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(sockets * 2)
      .setConnectTimeout(60_000).setTcpNoDelay(true));
    long t0 = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Promise<Void> all = Promise.promise();
    AtomicInteger done = new AtomicInteger();
    // at most 200 handshakes in flight: each one costs the server a token check and a lookup
    for (int i = 0; i < Math.min(200, sockets); i++) {
      vertx.runOnContext(v -> connectNext(client, host, port, path, sockets, next, done, failed, all));
    }
    all.future().toCompletionStage().toCompletableFuture().get();
    System.out.println("READY " + (sockets - failed.get()) + " " + failed.get() + " "
      + (System.nanoTime() - t0) / 1_000_000);
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] cmd = line.trim().split(" ");
      switch (cmd[0]) {
        case "COUNT" -> System.out.println(updates.get());
        case "RESET" -> {
          reset();
          System.out.println("OK");
        }
        case "MARK" -> {
          marks.add(new long[] {System.nanoTime(), updates.get()});
          System.out.println("OK");
        }
        case "REPORT" -> System.out.println(report(Long.parseLong(cmd[1]), Long.parseLong(cmd[2])).encode());
        case "QUIT" -> {
          System.out.println("BYE");
          System.out.flush();
          vertx.close().toCompletionStage().toCompletableFuture().get();
          return;
        }
        default -> System.out.println("ERROR unknown command " + cmd[0]);
      }
      System.out.flush();
    }
    vertx.close();
  }

  private void connectNext(WebSocketClient client, String host, int port, String path, int sockets, AtomicInteger next,
                           AtomicInteger done, AtomicInteger failed, Promise<Void> all) {
    if (next.getAndIncrement() >= sockets) {
      return;
    }
    Feed feed = new Feed();
    synchronized (feeds) {
      feeds.add(feed);
    }
    Promise<Void> subscribed = Promise.promise();
    client.connect(port, host, path).compose(ws -> {
      ws.textMessageHandler(text -> onMessage(feed, text, subscribed));
      ws.exceptionHandler(err -> { });
      ws.writeTextMessage(subscribe);
      return subscribed.future();
    }).onComplete(ar -> {
      if (ar.failed()) {
        failed.incrementAndGet();
        if (failed.get() <= 5) {
          System.err.println("socket failed: " + ar.cause());
        }
      }
      if (done.incrementAndGet() == sockets) {
        all.complete();
      } else {
        connectNext(client, host, port, path, sockets, next, done, failed, all);
      }
    });
  }

  private void onMessage(Feed feed, String text, Promise<Void> subscribed) {
    long now = micros();
    if (text.startsWith("{\"type\":\"update\"")) {
      received(feed, now, field(text, "\"sent\":", 0), field(text, "\"seq\":", 0));
    } else if (text.startsWith("{\"type\":\"updates\"")) {
      // every record of the frame: {"seq":n,"sent":t,...}
      for (int at = text.indexOf("\"seq\":"); at >= 0; at = text.indexOf("\"seq\":", at + 6)) {
        received(feed, now, field(text, "\"sent\":", at), field(text, "\"seq\":", at));
      }
    } else if (text.startsWith("{\"type\":\"lagged\"")) {
      lagged.incrementAndGet();
      dropped.addAndGet(new JsonObject(text).getJsonObject("data").getLong("dropped", 0L));
    } else if (text.startsWith("{\"type\":\"subscribed\"")) {
      feed.subscribed = true;
      subscribed.tryComplete();
    }
  }

  private void received(Feed feed, long now, long sent, long seq) {
    int bucket = (int) Math.min(BUCKETS - 1, Math.max(0, now - sent) / BUCKET_MICROS);
    latency.incrementAndGet(bucket);
    if (seq >= 0 && seq < SEQS) {
      seqMicros.addAndGet((int) seq, Math.max(0, now - sent));
      seqCount.incrementAndGet((int) seq);
    }
    updates.incrementAndGet();
    synchronized (feed) {
      feed.updates++;
      if (seq >= 0 && seq < Integer.MAX_VALUE) {
        if (feed.seqs.get((int) seq)) {
          feed.duplicates++;
        }
        feed.seqs.set((int) seq);
      }
    }
  }

  /** The non-negative integer after the first {@code key} at or after {@code from} in the text, or -1. */
  private static long field(String text, String key, int from) {
    int i = text.indexOf(key, from);
    if (i < 0) {
      return -1;
    }
    long v = 0;
    for (i += key.length(); i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  private void reset() {
    for (int i = 0; i < BUCKETS; i++) {
      latency.set(i, 0);
    }
    updates.set(0);
    for (int i = 0; i < SEQS; i++) {
      seqMicros.set(i, 0);
      seqCount.set(i, 0);
    }
    lagged.set(0);
    dropped.set(0);
    marks.clear();
    synchronized (feeds) {
      for (Feed f : feeds) {
        synchronized (f) {
          f.seqs.clear();
          f.duplicates = 0;
          f.updates = 0;
        }
      }
    }
  }

  private JsonObject report(long from, long to) {
    long complete = 0;
    long missing = 0;
    long duplicates = 0;
    long subscribed = 0;
    synchronized (feeds) {
      for (Feed f : feeds) {
        int got;
        synchronized (f) {
          got = f.seqs.get((int) from, (int) to).cardinality();
        }
        missing += (to - from) - got;
        complete += got == to - from ? 1 : 0;
        duplicates += f.duplicates;
        subscribed += f.subscribed ? 1 : 0;
      }
    }
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      total += latency.get(i);
    }
    JsonObject out = new JsonObject().put("sockets", subscribed).put("updates", updates.get())
      .put("lagged_messages", lagged.get()).put("dropped_reported", dropped.get())
      .put("sockets_complete", complete).put("missing", missing).put("duplicates", duplicates)
      .put("p50_ms", percentile(total, 0.50)).put("p99_ms", percentile(total, 0.99))
      .put("p999_ms", percentile(total, 0.999)).put("max_ms", percentile(total, 1.0));
    out.put("slowest_records", slowest(5));
    if (marks.size() >= 2) {
      long[] a = marks.get(0);
      long[] b = marks.get(marks.size() - 1);
      double seconds = (b[0] - a[0]) / 1e9;
      out.put("window_s", seconds).put("window_updates", b[1] - a[1]).put("delivered_per_s", (b[1] - a[1]) / seconds);
    }
    return out;
  }

  /** The {@code n} seqs of the highest mean latency over their receipts: [seq, receipts, mean ms] each. */
  private JsonArray slowest(int n) {
    List<double[]> all = new ArrayList<>();
    for (int i = 0; i < SEQS; i++) {
      long c = seqCount.get(i);
      if (c > 0) {
        all.add(new double[] {i, c, seqMicros.get(i) / 1000.0 / c});
      }
    }
    all.sort((x, y) -> Double.compare(y[2], x[2]));
    JsonArray out = new JsonArray();
    all.stream().limit(n).forEach(r -> out.add(new JsonArray().add((long) r[0]).add((long) r[1])
      .add(Math.round(r[2] * 10) / 10.0)));
    return out;
  }

  /** The upper bound of the bucket holding the q-quantile, in milliseconds (null without samples). */
  private Double percentile(long total, double q) {
    if (total == 0) {
      return null;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += latency.get(i);
      if (seen >= rank) {
        return (i + 1) * BUCKET_MICROS / 1000.0;
      }
    }
    return null;
  }
}
