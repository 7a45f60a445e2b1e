package io.tributary.transform;

/**
 * Event-bus contract of the transform worker.
 *
 * <p>{@link #CONVERT} request: {@code {job_id, dataset_id, owner_id, input, source_type: csv|json|parquet,
 * skip_bad_rows, output}}; reply: {@code {row_count, rows_rejected, size_bytes, columns:[{name, type}],
 * distinct_counts:[n|null, ...]}} (per column, the exact distinct count of its non-null values when the conversion
 * counted it).
 * A bad input fails the request with {@code ErrorCode.INVALID_FILE} and a message naming the line or offset.
 * While it works it publishes {@code jobs.progress} events (0 to {@link #PROGRESS_SHARE}).
 */
public final class TransformContract {

  /** Request/reply: convert one staged upload to the dataset's Parquet file. */
  public static final String CONVERT = "transform.convert";

  /** The share of a job's progress that conversion covers; profiling takes the rest up to 99. */
  public static final int PROGRESS_SHARE = 90;

  private TransformContract() {
  }
}
