package io.tributary.fanout;

import io.tributary.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code /ws/events} sockets of one HttpServerVerticle instance, by user: one event-bus consumer per user with a
 * socket here, appending the user's job events to one {@link UpdateLog} that each of the user's sockets reads through
 * its {@link SocketFeed}, under the same backlog rules as stream sockets. Event-loop confined.
 */
public final class UserSockets {

  private final Vertx vertx;
  private final FanoutSettings settings;
  private final Map<String, Live> users = new HashMap<>();

  private static final class Live {
    final UpdateLog log;
    final SocketFeed.BatchFrames frames = new SocketFeed.BatchFrames();
    final FeedPump feeds;
    MessageConsumer<JsonObject> consumer;

    Live(Vertx vertx, FanoutSettings settings) {
      this.log = new UpdateLog(settings.backlogRecords(), settings.backlogBytes());
      this.feeds = new FeedPump(vertx.getOrCreateContext());
    }
  }

  public UserSockets(Vertx vertx, FanoutSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /** Starts forwarding the user's job events to this socket until it closes. */
  public void add(String userId, ServerWebSocket socket) {
    Live live = users.computeIfAbsent(userId, id -> {
      Live l = new Live(vertx, settings);
      l.consumer = vertx.eventBus().localConsumer(FanoutContract.userAddress(id), msg -> arrived(l, msg.body()));
      return l;
    });
    SocketFeed feed = new SocketFeed(vertx, socket, settings, null);
    socket.drainHandler(v -> feed.pump());
    feed.subscribe(Subscription.ALL, live.log, live.frames);
    live.feeds.add(feed);
    Metrics.socketOpened();
    socket.closeHandler(v -> remove(userId, feed));
  }

  private static void arrived(Live live, JsonObject message) {
    live.log.append(LiveRecord.message(message.getString("type"), message.getJsonObject("data"),
      timestamp(message.getString("timestamp"))));
    live.feeds.schedule();
  }

  private void remove(String userId, SocketFeed feed) {
    Metrics.socketClosed();
    feed.close();
    Live live = users.get(userId);
    if (live != null && live.feeds.remove(feed) && live.feeds.isEmpty()) {
      users.remove(userId);
      live.consumer.unregister();
    }
  }

  private static long timestamp(String iso) {
    try {
      return iso == null ? System.currentTimeMillis() : Instant.parse(iso).toEpochMilli();
    } catch (DateTimeParseException e) {
      return System.currentTimeMillis();
    }
  }
}
