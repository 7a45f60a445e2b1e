package io.tributary.fanout;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The stream sockets of one HttpServerVerticle instance. One event-bus consumer per stream with a subscribed
 * socket here ({@link FanoutContract#streamAddress}); updates wait in a per-stream queue of this event loop and are
 * offered one per task to every socket of the stream (its {@link SocketFeed} applies the filters and the
 * per-socket backpressure), so new arrivals, other streams and I/O interleave. When this loop cannot keep up
 * (more deliveries than the CPU can write), that is when the oldest waiting update is older than
 * {@code socket_max_lag_ms} and a newer one waits too, every waiting update but the newest is superseded and
 * dropped for every socket (each is told it lagged): latency stays bounded and the newest update always goes out. Socket protocol, client to server:
 * {@code {"action":"subscribe","filters":{"field":value|[values],...}}} (equality on top-level fields; a list
 * matches any of its values) and {@code {"action":"unsubscribe"}}; server to client: {@code subscribed},
 * {@code update}, {@code lagged} and {@code error} messages. A closed socket releases everything. Event-loop
 * confined.
 */
public final class StreamSockets {

  private static final int MAX_FILTERS = 32;
  private static final int MAX_FILTER_TEXT = 1024;
  /** Updates a stream may have waiting for this event loop; beyond it the oldest are dropped (memory bound). */
  private static final int MAX_PENDING = 1024;
  /** Outbound bytes a socket may have buffered before its feed holds updates back (about 40 small updates). */
  static final int SOCKET_BUFFER_BYTES = 8 * 1024;

  private final Vertx vertx;
  private final int maxQueued;
  private final long maxLagMs;
  private final long maxLagNanos;
  private final Map<String, Live> streams = new HashMap<>();

  /** One stream's sockets on this event loop, its consumer, and the updates waiting to be written. */
  private static final class Live {
    final Set<SocketFeed> feeds = new LinkedHashSet<>();
    final ArrayDeque<StreamUpdate> pending = new ArrayDeque<>();
    MessageConsumer<StreamUpdate> consumer;
    boolean scheduled;
  }

  /** @param stream the {@code stream} config section ({@code socket_queue}, {@code socket_max_lag_ms}) */
  public StreamSockets(Vertx vertx, JsonObject stream) {
    this.vertx = vertx;
    JsonObject cfg = stream == null ? new JsonObject() : stream;
    this.maxQueued = Math.max(1, cfg.getInteger("socket_queue", 32));
    this.maxLagMs = Math.max(10, cfg.getLong("socket_max_lag_ms", 150L));
    this.maxLagNanos = maxLagMs * 1_000_000;
  }

  /** Serves one accepted socket of a stream until it closes. */
  public void add(String streamId, String streamName, ServerWebSocket socket) {
    // a small outbound buffer: what a slow client cannot take waits in its feed, where stale updates are dropped,
    // not in Netty's buffer (64 KB by default: seconds of updates for a client that reads slowly)
    socket.setWriteQueueMaxSize(SOCKET_BUFFER_BYTES);
    SocketFeed feed = new SocketFeed(socket, maxQueued, maxLagMs);
    FanoutMetrics.socketOpened();
    socket.textMessageHandler(text -> onMessage(streamId, streamName, feed, socket, text));
    socket.binaryMessageHandler(b -> error(socket, "Send JSON text messages"));
    socket.closeHandler(v -> {
      unsubscribe(streamId, feed);
      FanoutMetrics.socketClosed();
    });
    socket.exceptionHandler(err -> { });
  }

  private void onMessage(String streamId, String streamName, SocketFeed feed, ServerWebSocket socket, String text) {
    JsonObject message;
    try {
      message = new JsonObject(text);
    } catch (RuntimeException e) {
      error(socket, "Messages must be JSON objects like {\"action\":\"subscribe\",\"filters\":{}}");
      return;
    }
    String action = message.getValue("action") instanceof String a ? a : "";
    switch (action) {
      case "subscribe" -> {
        Object raw = message.getValue("filters");
        JsonObject filters = raw == null ? new JsonObject() : raw instanceof JsonObject f ? f : null;
        String problem = filters == null ? "filters must be an object of field: value" : check(filters);
        if (problem != null) {
          error(socket, problem);
          return;
        }
        boolean first = !feed.subscribed();
        feed.filters(filters.copy());
        if (first) {
          streams.computeIfAbsent(streamId, id -> {
            Live live = new Live();
            live.consumer = vertx.eventBus().consumer(FanoutContract.streamAddress(id), msg -> arrived(live, msg.body()));
            return live;
          }).feeds.add(feed);
        }
        socket.writeTextMessage(new JsonObject().put("type", "subscribed").put("data", new JsonObject()
          .put("stream", streamName).put("filters", filters)).put("timestamp", Instant.now().toString()).encode());
      }
      case "unsubscribe" -> {
        unsubscribe(streamId, feed);
        socket.writeTextMessage(new JsonObject().put("type", "unsubscribed").put("data", new JsonObject()
          .put("stream", streamName)).put("timestamp", Instant.now().toString()).encode());
      }
      default -> error(socket, "Unknown action; use subscribe or unsubscribe");
    }
  }

  private static String check(JsonObject filters) {
    if (filters.size() > MAX_FILTERS) {
      return "At most " + MAX_FILTERS + " filters";
    }
    for (var e : filters) {
      Object v = e.getValue();
      if (v instanceof JsonObject || (v instanceof JsonArray a && a.stream().anyMatch(x -> x instanceof JsonObject
        || x instanceof JsonArray))) {
        return "Filter " + e.getKey() + ": a value or a list of values";
      }
      if (String.valueOf(v).length() > MAX_FILTER_TEXT) {
        return "Filter " + e.getKey() + " is too long";
      }
    }
    return null;
  }

  private void arrived(Live live, StreamUpdate update) {
    live.pending.addLast(update);
    if (live.pending.size() > MAX_PENDING) {
      skip(live, live.pending.pollFirst());
    }
    schedule(live);
  }

  private void schedule(Live live) {
    if (!live.scheduled && !live.pending.isEmpty()) {
      live.scheduled = true;
      vertx.getOrCreateContext().runOnContext(v -> pump(live));
    }
  }

  /** Writes the oldest waiting update that is still worth sending to every socket, then yields the loop. */
  private void pump(Live live) {
    live.scheduled = false;
    long now = System.nanoTime();
    StreamUpdate next = live.pending.pollFirst();
    if (next != null && !live.pending.isEmpty() && now - next.arrivedNanos() > maxLagNanos) {
      // behind: every waiting update but the newest is superseded
      skip(live, next);
      while (live.pending.size() > 1) {
        skip(live, live.pending.pollFirst());
      }
      next = live.pending.pollFirst();
    }
    if (next != null) {
      for (SocketFeed feed : live.feeds) {
        feed.offer(next);
      }
    }
    schedule(live);
  }

  private static void skip(Live live, StreamUpdate update) {
    for (SocketFeed feed : live.feeds) {
      feed.skip(update);
    }
  }

  private void unsubscribe(String streamId, SocketFeed feed) {
    feed.filters(null);
    Live live = streams.get(streamId);
    if (live != null && live.feeds.remove(feed) && live.feeds.isEmpty()) {
      streams.remove(streamId);
      live.pending.clear();
      live.consumer.unregister();
    }
  }

  private static void error(ServerWebSocket socket, String message) {
    socket.writeTextMessage(new JsonObject().put("type", "error").put("data", new JsonObject().put("code", "BAD_REQUEST")
      .put("message", message)).put("timestamp", Instant.now().toString()).encode());
  }
}
