package io.tributary.insight;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Event-bus contract of the insight worker ({@link InsightVerticle}).
 *
 * <p>{@link #GENERATE} request: {@code {files:[absolute Parquet paths, in order], columns?:[names],
 * time_column?, profile?, deadline?}} (the dataset's current files, the columns to analyse, the time column, its
 * stored profile, and when the caller stops waiting, in epoch milliseconds: the worker's {@code insight.timeout_ms}
 * from receipt if absent); reply {@code {row_count, columns_analyzed, time_column, anomalies, anomaly_count, trends,
 * recommendations}} with the computed figures (no prose). Failures: {@code BAD_REQUEST} (4000) for an unknown column
 * or a time column that is not a date or timestamp, {@code TIMEOUT} (5040) when the run passed its deadline and
 * stopped, {@code INTERNAL_ERROR} otherwise.
 */
public final class InsightContract {

  /** Request/reply: compute the insights of one dataset version. */
  public static final String GENERATE = "insight.generate";

  private InsightContract() {
  }

  static JsonObject generateRequest(List<String> files, JsonArray columns, String timeColumn, JsonObject profile) {
    return new JsonObject().put("files", new JsonArray(files)).put("columns", columns).put("time_column", timeColumn)
      .put("profile", profile);
  }

  /** Sends {@link #GENERATE}, waiting at most {@code timeoutMs}; the worker stops the run when that time is up. */
  static Future<JsonObject> generate(Vertx vertx, JsonObject request, long timeoutMs) {
    request.put("deadline", System.currentTimeMillis() + timeoutMs);
    return vertx.eventBus().<JsonObject>request(GENERATE, request, new DeliveryOptions().setSendTimeout(timeoutMs))
      .map(Message::body);
  }
}
