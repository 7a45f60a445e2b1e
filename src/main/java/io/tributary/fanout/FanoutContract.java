package io.tributary.fanout;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * Event-bus contract of the live fan-out: the addresses on which FanoutVerticle publishes socket messages for
 * every HttpServerVerticle instance to forward, and the shape of those messages,
 * {@code {"type": "...", "data": {...}, "timestamp": "ISO-8601"}}.
 */
public final class FanoutContract {

  /**
   * Publish: {@code fanout.user.<user_id>}, a socket message for every socket of that user
   * ({@code job.progress}, {@code job.completed}, {@code job.failed}).
   */
  public static final String USER_PREFIX = "fanout.user.";

  /**
   * Publish, local only: {@code fanout.stream.<stream_id>}, one record of a running stream as a {@link StreamUpdate}
   * (a local codec: one shared instance, no copy per HTTP instance).
   */
  public static final String STREAM_PREFIX = "fanout.stream.";

  /**
   * Request, local only: {@code {"stream_id"}}; answered once this process's relay follows that stream (its
   * partitions assigned, positions resolved), so a socket subscribed after the answer misses no later record.
   */
  public static final String FOLLOWING = "fanout.relay.following";

  /** How long a subscription waits for the relay before it goes ahead anyway. */
  static final long FOLLOWING_TIMEOUT_MS = 10_000;

  private FanoutContract() {
  }

  /**
   * Completes once this process's relay follows the stream (or after {@value #FOLLOWING_TIMEOUT_MS} ms, or at once
   * when no relay answers): what a socket awaits before it reports {@code subscribed}. Never fails.
   */
  public static io.vertx.core.Future<Void> following(io.vertx.core.Vertx vertx, String streamId) {
    return vertx.eventBus().request(FOLLOWING, new JsonObject().put("stream_id", streamId),
        new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true).setSendTimeout(FOLLOWING_TIMEOUT_MS))
      .<Void>mapEmpty().otherwiseEmpty();
  }

  /** The address of one user's socket messages. */
  public static String userAddress(String userId) {
    return USER_PREFIX + userId;
  }

  /** The address of one stream's live records. */
  public static String streamAddress(String streamId) {
    return STREAM_PREFIX + streamId;
  }

  /** A socket message of the given type, stamped now. */
  public static JsonObject socketMessage(String type, JsonObject data) {
    return new JsonObject().put("type", type).put("data", data).put("timestamp", Instant.now().toString());
  }
}
