package io.tributary.query;

/** A result column: its name and its DuckDB type name (e.g. BIGINT, VARCHAR, DECIMAL(18,3), TIMESTAMP). */
public record ColumnInfo(String name, String type) {
}
