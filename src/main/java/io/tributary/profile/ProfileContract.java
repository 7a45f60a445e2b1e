package io.tributary.profile;

/**
 * Event-bus contract of the profile worker.
 *
 * <p>{@link #COMPUTE} request: {@code {file, columns:[{name, type}], distinct_counts:[n|null, ...]}} (optional: per
 * column, its exact distinct count when the caller already knows it, so the profiler need not count it); reply: the profile
 * {@code {row_count, column_count, duplicate_rows, quality_score, columns:[...], issues:[...]}} (see
 * {@link DatasetProfiler}).
 */
public final class ProfileContract {

  /** Request/reply: profile one Parquet file. */
  public static final String COMPUTE = "profile.compute";

  private ProfileContract() {
  }
}
