package io.tributary.profile;

import java.util.Objects;

/**
 * A column to profile.
 *
 * @param name the original column name exactly as stored in the Parquet file (may contain spaces,
 *             quotes, {@code $}, any UTF-8); it is always passed to DuckDB as a quoted identifier
 * @param type the DuckDB type name reported in the profile (e.g. {@code BIGINT}); when {@code null}
 *             or blank, the type DuckDB reads from the Parquet file is reported instead
 */
public record ProfileColumn(String name, String type) {
  public ProfileColumn {
    Objects.requireNonNull(name, "name");
  }
}
