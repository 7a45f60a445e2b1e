package io.tributary.transform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus contract of the transform worker (TransformVerticle).
 *
 * <p>{@link #CONVERT} request: {@code {job_id, dataset_id, owner_id, input, source_type: csv|json|parquet,
 * skip_bad_rows, output}}; reply: {@code {row_count, rows_rejected, size_bytes, columns:[{name, type}],
 * distinct_counts:[n|null, ...]}} (per column, the exact distinct count of its non-null values when the conversion
 * counted it). A bad input fails with {@code INVALID_FILE} and a message naming the line or offset; a conversion cut
 * short by a shutdown fails with {@code SERVICE_UNAVAILABLE}. While it works it publishes job progress
 * (0 to {@link #PROGRESS_SHARE}).
 */
public final class TransformContract {

  /** Request/reply: convert one staged upload to the dataset's Parquet file. */
  public static final String CONVERT = "transform.convert";

  /** The share of a job's progress that conversion covers; profiling takes the rest up to 99. */
  public static final int PROGRESS_SHARE = 90;

  private TransformContract() {
  }

  /** The {@link #CONVERT} request of a job ({@code job_id, dataset_id, owner_id, staging_path, ...}) into {@code output}. */
  public static JsonObject request(JsonObject job, String output) {
    return new JsonObject()
      .put("job_id", job.getString("job_id"))
      .put("dataset_id", job.getString("dataset_id"))
      .put("owner_id", job.getString("owner_id"))
      .put("input", job.getString("staging_path"))
      .put("source_type", job.getString("source_type"))
      .put("skip_bad_rows", job.getBoolean("skip_bad_rows"))
      .put("output", output);
  }

  /** Sends {@link #CONVERT}, waiting at most {@code timeoutMs}. */
  public static Future<JsonObject> convert(Vertx vertx, JsonObject request, long timeoutMs) {
    return vertx.eventBus().<JsonObject>request(CONVERT, request, new DeliveryOptions().setSendTimeout(timeoutMs))
      .map(Message::body);
  }
}
