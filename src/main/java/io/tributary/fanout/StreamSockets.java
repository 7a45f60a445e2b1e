package io.tributary.fanout;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The stream sockets of one HttpServerVerticle instance. One event-bus consumer per stream with a subscribed
 * socket here ({@link StreamUpdate#address}); each update is offered to every socket of the stream (its
 * {@link SocketFeed} applies the filters and the backpressure). Socket protocol, client to server:
 * {@code {"action":"subscribe","filters":{"field":value|[values],...}}} (equality on top-level fields; a list
 * matches any of its values) and {@code {"action":"unsubscribe"}}; server to client: {@code subscribed},
 * {@code update}, {@code lagged} and {@code error} messages. A closed socket releases everything. Event-loop
 * confined.
 */
public final class StreamSockets {

  private static final int MAX_FILTERS = 32;
  private static final int MAX_FILTER_TEXT = 1024;

  private final Vertx vertx;
  private final int maxQueued;
  private final long maxLagMs;
  private final Map<String, Set<SocketFeed>> feeds = new HashMap<>();
  private final Map<String, MessageConsumer<StreamUpdate>> consumers = new HashMap<>();

  /** @param stream the {@code stream} config section ({@code socket_queue}, {@code socket_max_lag_ms}) */
  public StreamSockets(Vertx vertx, JsonObject stream) {
    this.vertx = vertx;
    JsonObject cfg = stream == null ? new JsonObject() : stream;
    this.maxQueued = Math.max(1, cfg.getInteger("socket_queue", 32));
    this.maxLagMs = Math.max(10, cfg.getLong("socket_max_lag_ms", 1_000L));
  }

  /** Serves one accepted socket of a stream until it closes. */
  public void add(String streamId, String streamName, ServerWebSocket socket) {
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
          feeds.computeIfAbsent(streamId, id -> {
            consumers.put(id, vertx.eventBus().<StreamUpdate>consumer(StreamUpdate.address(id), msg -> deliver(id, msg.body())));
            return new LinkedHashSet<>();
          }).add(feed);
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

  private void deliver(String streamId, StreamUpdate update) {
    Set<SocketFeed> set = feeds.get(streamId);
    if (set != null) {
      for (SocketFeed feed : set) {
        feed.offer(update);
      }
    }
  }

  private void unsubscribe(String streamId, SocketFeed feed) {
    feed.filters(null);
    Set<SocketFeed> set = feeds.get(streamId);
    if (set != null && set.remove(feed) && set.isEmpty()) {
      feeds.remove(streamId);
      MessageConsumer<StreamUpdate> consumer = consumers.remove(streamId);
      if (consumer != null) {
        consumer.unregister();
      }
    }
  }

  private static void error(ServerWebSocket socket, String message) {
    socket.writeTextMessage(new JsonObject().put("type", "error").put("data", new JsonObject().put("code", "BAD_REQUEST")
      .put("message", message)).put("timestamp", Instant.now().toString()).encode());
  }
}
