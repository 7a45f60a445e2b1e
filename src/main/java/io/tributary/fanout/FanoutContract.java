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

  private FanoutContract() {
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
