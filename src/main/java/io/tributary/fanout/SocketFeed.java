package io.tributary.fanout;

import io.tributary.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * What one socket receives of a feed's {@link UpdateLog}: every record its {@link Subscription} matches, once, in
 * order, written while the socket takes them (one {@code update} message each, or as {@code updates} frames when it
 * asked for batches). A socket that cannot keep up falls behind in the shared log; beyond the log's bounds its
 * oldest records are dropped, counted, and it is told with a {@code lagged} message (at most one a second, each
 * counting the drops since the previous one). Other sockets are never slowed. Event-loop confined.
 */
final class SocketFeed {

  private static final long LAGGED_EVERY_NANOS = 1_000_000_000L;
  private static final byte[] BATCH_HEAD = "{\"type\":\"updates\",\"data\":[".getBytes(StandardCharsets.UTF_8);

  private final Vertx vertx;
  private final ServerWebSocket socket;
  private final SocketWire wire;
  private final FanoutSettings settings;
  private final String tag;
  private UpdateLog log;
  private BatchFrames frames;
  private Subscription subscription;
  private long cursor;
  /** While conflating: the newest record per key not yet written, oldest first. */
  private LinkedHashMap<Object, LiveRecord> newest;
  private long dropped;
  private long laggedAt = System.nanoTime() - LAGGED_EVERY_NANOS;
  private double tokens;
  private long refilledAt;
  private long timer = -1;
  private boolean closed;
  private boolean pumping;
  private boolean again;

  /**
   * @param tag a visualization id put first in each record's data ({@code viz_id}), or null. The socket's owner
   *            calls {@link #pump()} from the socket's drain handler (a socket may carry several feeds).
   */
  SocketFeed(Vertx vertx, ServerWebSocket socket, FanoutSettings settings, String tag) {
    this.vertx = vertx;
    this.socket = socket;
    this.settings = settings;
    this.tag = tag;
    this.wire = new SocketWire(socket);
    socket.setWriteQueueMaxSize(settings.socketBufferBytes());
  }

  /** Starts or changes the subscription; a new one starts with the next record appended to {@code log}. */
  void subscribe(Subscription s, UpdateLog log, BatchFrames frames) {
    if (this.log != log) {
      this.log = log;
      this.frames = frames;
      this.cursor = log.head();
    }
    this.subscription = s;
    this.newest = s.conflates() ? new LinkedHashMap<>() : null;
    this.tokens = Math.max(1, s.maxRate());
    this.refilledAt = System.nanoTime();
  }

  void unsubscribe() {
    subscription = null;
    log = null;
    newest = null;
  }

  boolean subscribed() {
    return subscription != null;
  }

  void close() {
    closed = true;
    unsubscribe();
    vertx.cancelTimer(timer);
  }

  /**
   * Writes what waits for this socket, as far as it takes it, and flushes once. Call after records are appended to
   * the log (a call while one runs, from a drain handler, makes the running one go round again).
   */
  void pump() {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        fill();
        wire.flush();
      } while (again);
    } finally {
      pumping = false;
    }
  }

  private void fill() {
    if (subscription == null || closed) {
      return;
    }
    if (cursor < log.base()) {
      drop(log.base() - cursor);
      cursor = log.base();
    }
    while (!socket.writeQueueFull()) {
      long now = System.nanoTime();
      if (dropped > 0 && now - laggedAt >= LAGGED_EVERY_NANOS) {
        writeLagged(now);
        continue;
      }
      if (!pending()) {
        if (dropped > 0) {
          later((laggedAt + LAGGED_EVERY_NANOS - now) / 1_000_000 + 1);
        }
        return;
      }
      if (!token(now)) {
        return;
      }
      List<LiveRecord> next = subscription.batch() ? nextBatch() : nextOne();
      if (!next.isEmpty()) {
        write(next);
      }
    }
  }

  /** Whether a matching record waits (the cursor is moved past records that do not match). */
  private boolean pending() {
    if (newest != null) {
      absorb();
      return !newest.isEmpty();
    }
    while (cursor < log.head() && !subscription.matches(log.get(cursor))) {
      cursor++;
    }
    return cursor < log.head();
  }

  /** Conflation: every record now in the log joins the pending ones, replacing an older one of the same key. */
  private void absorb() {
    for (; cursor < log.head(); cursor++) {
      LiveRecord r = log.get(cursor);
      if (subscription.matches(r)) {
        Object key = subscription.conflationKey(r);
        if (newest.remove(key) != null) {
          Metrics.socketMessageConflated();
        }
        newest.put(key, r);
      }
    }
    while (newest.size() > settings.backlogRecords()) {
      Iterator<LiveRecord> oldest = newest.values().iterator();
      oldest.next();
      oldest.remove();
      drop(1);
    }
  }

  private List<LiveRecord> nextOne() {
    if (newest != null) {
      Iterator<LiveRecord> it = newest.values().iterator();
      LiveRecord r = it.next();
      it.remove();
      return List.of(r);
    }
    return List.of(log.get(cursor++));
  }

  /** The matching records that fit one frame, from the cursor (or the conflated ones). */
  private List<LiveRecord> nextBatch() {
    List<LiveRecord> out = new ArrayList<>();
    long bytes = BATCH_HEAD.length + 48;
    if (newest != null) {
      for (Iterator<LiveRecord> it = newest.values().iterator(); it.hasNext(); ) {
        LiveRecord r = it.next();
        if (!out.isEmpty() && bytes + r.value().length + 1 > settings.frameBytes()) {
          break;
        }
        out.add(r);
        bytes += r.value().length + 1;
        it.remove();
      }
      return out;
    }
    for (; cursor < log.head(); cursor++) {
      LiveRecord r = log.get(cursor);
      if (subscription.matches(r)) {
        if (!out.isEmpty() && bytes + r.value().length + 1 > settings.frameBytes()) {
          break;
        }
        out.add(r);
        bytes += r.value().length + 1;
      }
    }
    return out;
  }

  private void write(List<LiveRecord> records) {
    TextFrame frame;
    if (records.size() == 1 && !subscription.batch()) {
      frame = tag == null ? records.get(0).frame() : records.get(0).frame(tag);
    } else {
      frame = subscription.unfiltered() ? frames.get(records, tag) : BatchFrames.encode(records, tag);
    }
    wire.write(frame);
    Metrics.socketMessagesSent(records.size());
    FanoutMetrics.delivered(records);
  }

  private void writeLagged(long now) {
    laggedAt = now;
    socket.writeTextMessage(new JsonObject().put("type", "lagged").put("data", new JsonObject().put("dropped", dropped))
      .put("timestamp", Instant.now().toString()).encode());
    dropped = 0;
  }

  private void drop(long n) {
    dropped += n;
    Metrics.socketMessagesDropped(n);
  }

  /** Takes one message's token of {@code max_rate}; when none is left, pumps again once one is. */
  private boolean token(long now) {
    double rate = subscription.maxRate();
    if (rate <= 0) {
      return true;
    }
    tokens = Math.min(Math.max(1, rate), tokens + (now - refilledAt) / 1e9 * rate);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    later((long) Math.ceil((1 - tokens) / rate * 1000));
    return false;
  }

  private void later(long delayMs) {
    if (timer == -1 && !closed) {
      timer = vertx.setTimer(Math.max(1, delayMs), id -> {
        timer = -1;
        pump();
      });
    }
  }

  /** Encoded {@code updates} frames of one log, kept for the last range: unfiltered sockets that keep up share it. */
  static final class BatchFrames {
    private LiveRecord first;
    private LiveRecord last;
    private int size;
    private TextFrame frame;

    private String tag;

    TextFrame get(List<LiveRecord> records, String tag) {
      LiveRecord a = records.get(0);
      LiveRecord b = records.get(records.size() - 1);
      if (frame == null || a != first || b != last || size != records.size() || !java.util.Objects.equals(tag, this.tag)) {
        first = a;
        last = b;
        size = records.size();
        this.tag = tag;
        frame = encode(records, tag);
      }
      return frame;
    }

    static TextFrame encode(List<LiveRecord> records, String tag) {
      byte[] tail = ("],\"timestamp\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
      int length = BATCH_HEAD.length + tail.length + records.size();
      for (LiveRecord r : records) {
        length += r.value().length + (tag == null ? 0 : tag.length() + 16);
      }
      byte[] out = new byte[length];
      int at = 0;
      System.arraycopy(BATCH_HEAD, 0, out, at, BATCH_HEAD.length);
      at += BATCH_HEAD.length;
      for (int i = 0; i < records.size(); i++) {
        if (i > 0) {
          out[at++] = ',';
        }
        byte[] v = tag == null ? records.get(i).value() : records.get(i).taggedValue(tag);
        int from = 0;
        int to = v.length;
        while (from < to && v[from] <= ' ') {
          from++;
        }
        while (to > from && v[to - 1] <= ' ') {
          to--;
        }
        System.arraycopy(v, from, out, at, to - from);
        at += to - from;
      }
      System.arraycopy(tail, 0, out, at, tail.length);
      at += tail.length;
      return TextFrame.of(out, at);
    }
  }
}
