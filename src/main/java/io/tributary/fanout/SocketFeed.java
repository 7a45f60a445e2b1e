package io.tributary.fanout;

import io.tributary.metrics.Metrics;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * The live records one socket receives: those matching its filters, written at once while the socket keeps up.
 * When it does not (its write queue is full), updates wait in a bounded queue; beyond {@code maxQueued}, or when
 * older than {@code maxLagMs}, the oldest are dropped (superseded by newer ones) and counted, and the client gets
 * a {@code {"type":"lagged","data":{"dropped":n}}} message before the next update (at most one a second: under
 * sustained overload the notices would otherwise double the writes; each counts the drops since the previous one).
 * So a slow client never slows the others, its memory stays bounded, and what it receives is recent. Event-loop
 * confined.
 */
final class SocketFeed {

  private final ServerWebSocket socket;
  private final int maxQueued;
  private final long maxLagNanos;
  private static final long LAGGED_EVERY_NANOS = 1_000_000_000L;

  private final ArrayDeque<StreamUpdate> queue = new ArrayDeque<>();
  private JsonObject filters;
  private long dropped;
  private long laggedAt = System.nanoTime() - LAGGED_EVERY_NANOS;

  SocketFeed(ServerWebSocket socket, int maxQueued, long maxLagMs) {
    this.socket = socket;
    this.maxQueued = maxQueued;
    this.maxLagNanos = maxLagMs * 1_000_000;
    socket.drainHandler(v -> drain());
  }

  /** Starts (or changes) the subscription; null stops it. */
  void filters(JsonObject filters) {
    this.filters = filters;
    if (filters == null) {
      queue.clear();
    }
  }

  boolean subscribed() {
    return filters != null;
  }

  void offer(StreamUpdate update) {
    if (filters == null || !matches(update)) {
      return;
    }
    if (queue.isEmpty() && !laggedDue(System.nanoTime()) && !socket.writeQueueFull()) {
      write(update);
      return;
    }
    if (queue.size() >= maxQueued) {
      queue.pollFirst();
      drop();
    }
    queue.addLast(update);
    if (!socket.writeQueueFull()) {
      drain();
    }
  }

  /** An update this socket would have received is dropped before reaching it (the event loop fell behind). */
  void skip(StreamUpdate update) {
    if (filters != null && matches(update)) {
      drop();
    }
  }

  private void drain() {
    long now = System.nanoTime();
    while (!queue.isEmpty() && !socket.writeQueueFull()) {
      if (laggedDue(now)) {
        laggedAt = now;
        socket.writeTextMessage(new JsonObject().put("type", "lagged").put("data", new JsonObject().put("dropped", dropped))
          .put("timestamp", Instant.now().toString()).encode());
        dropped = 0;
        continue;
      }
      StreamUpdate next = queue.pollFirst();
      if (now - next.arrivedNanos() > maxLagNanos) {
        drop();
      } else {
        write(next);
      }
    }
  }

  /** Whether drops are waiting to be told and the last notice is old enough. */
  private boolean laggedDue(long now) {
    return dropped > 0 && now - laggedAt >= LAGGED_EVERY_NANOS;
  }

  private void drop() {
    dropped++;
    Metrics.socketMessageDropped();
  }

  private void write(StreamUpdate update) {
    socket.writeTextMessage(update.message());
    Metrics.socketMessageSent();
    FanoutMetrics.delivered(update);
  }

  private boolean matches(StreamUpdate update) {
    JsonObject data = update.data();
    if (data == null) {
      return false;
    }
    for (Map.Entry<String, Object> f : filters) {
      Object actual = data.getValue(f.getKey());
      Object wanted = f.getValue();
      if (wanted instanceof JsonArray anyOf) {
        boolean found = false;
        for (Object option : anyOf) {
          found |= same(actual, option);
        }
        if (!found) {
          return false;
        }
      } else if (!same(actual, wanted)) {
        return false;
      }
    }
    return true;
  }

  private static boolean same(Object actual, Object wanted) {
    if (actual instanceof Number a && wanted instanceof Number b) {
      return a.doubleValue() == b.doubleValue();
    }
    return actual == null ? wanted == null : actual.equals(wanted);
  }
}
