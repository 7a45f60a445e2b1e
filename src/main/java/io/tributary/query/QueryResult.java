package io.tributary.query;

import io.vertx.core.buffer.Buffer;

import java.util.List;

/**
 * A bounded query result, already rendered as the JSON object of the REST contract
 * ({@code {"columns":[...],"results":[...],"row_count":n,"truncated":b,"execution_time_ms":t}}), so it travels
 * and is cached as bytes.
 */
public record QueryResult(List<ColumnInfo> columns, Buffer json, int rowCount, boolean truncated, long executionTimeMs) {
}
