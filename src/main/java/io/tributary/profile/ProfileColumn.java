package io.tributary.profile;

import java.util.Objects;

/**
 * A column to profile.
 *
 * @param name the original column name exactly as stored in the Parquet file (may contain spaces,
 *             quotes, {@code $}, any UTF-8); it is always passed to DuckDB as a quoted identifier
 * @param type the DuckDB type name reported in the profile (e.g. {@code BIGINT}); when {@code null}
 *             or blank, the type DuckDB reads from the Parquet file is reported instead
 * @param knownDistinct the exact number of distinct non-null values when the caller knows it (e.g. counted while
 *             the file was written), else null: the profiler then counts them
 */
public record ProfileColumn(String name, String type, Long knownDistinct) {

  public ProfileColumn(String name, String type) {
    this(name, type, null);
  }

  public ProfileColumn {
    if (knownDistinct != null && knownDistinct < 0) {
      throw new IllegalArgumentException("knownDistinct must not be negative");
    }
    Objects.requireNonNull(name, "name");
  }
}
