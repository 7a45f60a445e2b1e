package io.tributary.transform;

/**
 * A dataset column: its name exactly as the user sent it and its SQL type (DuckDB's name for it).
 *
 * @param distinct the exact number of distinct non-null values when the conversion counted it, else null
 */
public record ColumnSpec(String name, String type, Long distinct) {

  public ColumnSpec(String name, String type) {
    this(name, type, null);
  }
}
