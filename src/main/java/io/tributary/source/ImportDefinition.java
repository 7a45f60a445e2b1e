package io.tributary.source;

import io.vertx.core.json.JsonObject;

/**
 * What an import reads: one table ({@code schema.table} or {@code table}) or one query, replacing the dataset or
 * appending to it, optionally only the rows past the last value seen of {@code incrementalColumn}.
 */
record ImportDefinition(String table, String sql, String mode, String incrementalColumn, String lastValue) {

  static final String REPLACE = "replace";
  static final String APPEND = "append";

  JsonObject toJson() {
    return new JsonObject().put("table", table).put("sql", sql).put("mode", mode)
      .put("incremental_column", incrementalColumn).put("last_value", lastValue);
  }

  static ImportDefinition from(JsonObject json) {
    return new ImportDefinition(json.getString("table"), json.getString("sql"), json.getString("mode", REPLACE),
      json.getString("incremental_column"), json.getString("last_value"));
  }

  boolean appends() {
    return APPEND.equals(mode);
  }
}
