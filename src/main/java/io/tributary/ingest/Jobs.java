package io.tributary.ingest;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** Row mapping of the jobs table. */
final class Jobs {
  private Jobs() {
  }

  /** What a client sees of a job. */
  static JsonObject toJson(Row row) {
    return new JsonObject()
      .put("job_id", row.getUUID("id").toString())
      .put("job_type", row.getString("job_type"))
      .put("dataset_id", row.getUUID("dataset_id") == null ? null : row.getUUID("dataset_id").toString())
      .put("status", row.getString("status"))
      .put("progress", row.getInteger("progress"))
      .put("error", row.getString("error"))
      .put("source_type", row.getString("source_type"))
      .put("row_count", row.getLong("row_count"))
      .put("rows_rejected", row.getLong("rows_rejected"))
      .put("result", row.getJsonObject("result"))
      .put("created_at", instant(row, "created_at"))
      .put("started_at", instant(row, "started_at"))
      .put("finished_at", instant(row, "finished_at"));
  }

  /** Everything the pipeline needs to run a job. */
  static JsonObject toInternalJson(Row row) {
    return toJson(row)
      .put("owner_id", row.getUUID("owner_id").toString())
      .put("skip_bad_rows", row.getBoolean("skip_bad_rows"))
      .put("staging_path", row.getString("staging_path"))
      .put("replaces", row.getBoolean("replaces"))
      .put("appends", row.getBoolean("appends"))
      .put("attempts", row.getInteger("attempts"))
      .put("params", row.getJsonObject("params"));
  }

  private static String instant(Row row, String column) {
    var value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant().toString();
  }
}
