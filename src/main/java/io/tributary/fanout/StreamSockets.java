package io.tributary.fanout;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The stream sockets of one HttpServerVerticle instance. Per stream with a subscribed socket here: one event-bus
 * consumer of its {@link LiveBatch}es ({@link FanoutContract#streamAddress}) and one {@link UpdateLog} that every
 * socket of the stream reads through its {@link SocketFeed}. Protocol, client to server:
 * {@code {"action":"subscribe","filters":{...},"batch":b,"conflate_by":"field"|"key","max_rate":n}} and
 * {@code {"action":"unsubscribe"}}; server to client: {@code subscribed}, {@code update} (or {@code updates}),
 * {@code lagged}, {@code unsubscribed} and {@code error}. A closed socket releases everything. Event-loop confined.
 */
public final class StreamSockets {

  private final Vertx vertx;
  private final FanoutSettings settings;
  private final Map<String, Live> streams = new HashMap<>();

  /** One stream's log and sockets on this event loop. */
  private static final class Live {
    final UpdateLog log;
    final SocketFeed.BatchFrames frames = new SocketFeed.BatchFrames();
    /** Shared batched frames of tagged feeds (dashboards), by tag. */
    final Map<String, SocketFeed.BatchFrames> tagged = new HashMap<>();
    final FeedPump feeds;
    MessageConsumer<LiveBatch> consumer;

    Live(Vertx vertx, FanoutSettings settings) {
      this.log = new UpdateLog(settings.backlogRecords(), settings.backlogBytes());
      this.feeds = new FeedPump(vertx.getOrCreateContext());
    }
  }

  public StreamSockets(Vertx vertx, FanoutSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /** Serves one accepted socket of a stream until it closes. */
  public void add(String streamId, String streamName, ServerWebSocket socket) {
    SocketFeed feed = new SocketFeed(vertx, socket, settings, null);
    socket.drainHandler(v -> feed.pump());
    FanoutMetrics.socketOpened();
    socket.textMessageHandler(text -> onMessage(streamId, streamName, feed, socket, text));
    socket.binaryMessageHandler(b -> error(socket, "Send JSON text messages"));
    socket.closeHandler(v -> {
      unsubscribe(streamId, feed);
      feed.close();
      FanoutMetrics.socketClosed();
    });
    socket.exceptionHandler(err -> { });
  }

  /** A feed of one stream to a socket that also carries others (a dashboard's visualizations). */
  public interface Watch {
    /** Writes what waits (call from the socket's drain handler). */
    void pump();

    /** Stops the feed and releases the stream when no socket here watches it any more. */
    void close();
  }

  /**
   * Feeds a stream's records to a socket, each with {@code "viz_id": tag} first in its data: those matching both the
   * client's {@code options} (a subscribe message: filters, batch, conflate_by, max_rate) and {@code filters}.
   *
   * @throws IllegalArgumentException naming a bad option
   */
  public Watch watch(String streamId, ServerWebSocket socket, JsonObject options, JsonObject filters, String tag) {
    Subscription subscription = Subscription.parse(options).and(filters);
    Live live = live(streamId);
    SocketFeed feed = new SocketFeed(vertx, socket, settings, tag);
    feed.subscribe(subscription, live.log, live.tagged.computeIfAbsent(tag, t -> new SocketFeed.BatchFrames()));
    live.feeds.add(feed);
    return new Watch() {
      @Override
      public void pump() {
        feed.pump();
      }

      @Override
      public void close() {
        unsubscribe(streamId, feed);
        feed.close();
      }
    };
  }

  private Live live(String streamId) {
    return streams.computeIfAbsent(streamId, id -> {
      Live l = new Live(vertx, settings);
      l.consumer = vertx.eventBus().localConsumer(FanoutContract.streamAddress(id), msg -> arrived(l, msg.body()));
      return l;
    });
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
        Subscription subscription;
        try {
          subscription = Subscription.parse(message);
        } catch (IllegalArgumentException e) {
          error(socket, e.getMessage());
          return;
        }
        // subscribed once the relay follows the stream: every record sent after the reply reaches the socket
        FanoutContract.following(vertx, streamId).onComplete(followed -> {
          if (socket.isClosed()) {
            return;
          }
          Live live = live(streamId);
          feed.subscribe(subscription, live.log, live.frames);
          live.feeds.add(feed);
          socket.writeTextMessage(new JsonObject().put("type", "subscribed").put("data", subscription.describe()
            .put("stream", streamName)).put("timestamp", Instant.now().toString()).encode());
        });
      }
      case "unsubscribe" -> {
        unsubscribe(streamId, feed);
        socket.writeTextMessage(new JsonObject().put("type", "unsubscribed").put("data", new JsonObject()
          .put("stream", streamName)).put("timestamp", Instant.now().toString()).encode());
      }
      default -> error(socket, "Unknown action; use subscribe or unsubscribe");
    }
  }

  private static void arrived(Live live, LiveBatch batch) {
    for (LiveRecord r : batch.records()) {
      live.log.append(r);
    }
    live.feeds.schedule();
  }

  private void unsubscribe(String streamId, SocketFeed feed) {
    feed.unsubscribe();
    Live live = streams.get(streamId);
    if (live != null && live.feeds.remove(feed) && live.feeds.isEmpty()) {
      streams.remove(streamId);
      live.consumer.unregister();
    }
  }

  private static void error(ServerWebSocket socket, String message) {
    socket.writeTextMessage(new JsonObject().put("type", "error").put("data", new JsonObject().put("code", "BAD_REQUEST")
      .put("message", message)).put("timestamp", Instant.now().toString()).encode());
  }
}
