package io.tributary.transform;

/** A dataset column: its name exactly as the user sent it and its SQL type (DuckDB's name for it). */
public record ColumnSpec(String name, String type) {
}
