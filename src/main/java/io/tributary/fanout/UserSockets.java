package io.tributary.fanout;

import io.tributary.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The sockets of one HttpServerVerticle instance, by user. One event-bus consumer per user with at least one
 * socket here, forwarding to every socket of that user; a socket whose write queue is full skips the message
 * (counted) instead of slowing the others. Not thread-safe: used on its verticle's event loop only.
 */
public final class UserSockets {

  private final Vertx vertx;
  private final Map<String, Set<ServerWebSocket>> sockets = new HashMap<>();
  private final Map<String, MessageConsumer<JsonObject>> consumers = new HashMap<>();

  public UserSockets(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Starts forwarding the user's messages to this socket until it closes. */
  public void add(String userId, ServerWebSocket socket) {
    sockets.computeIfAbsent(userId, id -> {
      MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(FanoutContract.userAddress(id),
        msg -> send(id, msg.body().encode()));
      consumers.put(id, consumer);
      return new LinkedHashSet<>();
    }).add(socket);
    Metrics.socketOpened();
    socket.closeHandler(v -> remove(userId, socket));
  }

  private void remove(String userId, ServerWebSocket socket) {
    Metrics.socketClosed();
    Set<ServerWebSocket> set = sockets.get(userId);
    if (set != null && set.remove(socket) && set.isEmpty()) {
      sockets.remove(userId);
      MessageConsumer<JsonObject> consumer = consumers.remove(userId);
      if (consumer != null) {
        consumer.unregister();
      }
    }
  }

  private void send(String userId, String text) {
    Set<ServerWebSocket> set = sockets.get(userId);
    if (set == null) {
      return;
    }
    for (ServerWebSocket socket : set) {
      if (socket.writeQueueFull()) {
        Metrics.socketMessageDropped();
      } else {
        socket.writeTextMessage(text);
        Metrics.socketMessageSent();
      }
    }
  }
}
