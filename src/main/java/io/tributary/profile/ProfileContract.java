package io.tributary.profile;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus contract of the profile worker (ProfileVerticle).
 *
 * <p>{@link #COMPUTE} request: {@code {file, columns:[{name, type}], distinct_counts:[n|null, ...]}} (optional: per
 * column, its exact distinct count when the caller already knows it, so the profiler need not count it); reply: the
 * profile {@code {row_count, column_count, duplicate_rows, quality_score, columns:[...], issues:[...]}} (see
 * {@link DatasetProfiler}).
 */
public final class ProfileContract {

  /** Request/reply: profile one Parquet file. */
  public static final String COMPUTE = "profile.compute";

  private ProfileContract() {
  }

  /** The {@link #COMPUTE} request for a file with these columns and the distinct counts already known. */
  public static JsonObject request(String file, JsonArray columns, JsonArray distinctCounts) {
    return new JsonObject().put("file", file).put("columns", columns).put("distinct_counts", distinctCounts);
  }

  /** Sends {@link #COMPUTE}, waiting at most {@code timeoutMs}. */
  public static Future<JsonObject> compute(Vertx vertx, JsonObject request, long timeoutMs) {
    return vertx.eventBus().<JsonObject>request(COMPUTE, request, new DeliveryOptions().setSendTimeout(timeoutMs))
      .map(Message::body);
  }
}
