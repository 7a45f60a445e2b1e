package io.tributary.ingest;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.dataset.ColumnTypes;
import io.tributary.dataset.DatasetStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;

/**
 * Which dataset an upload goes to, inside the upload's transaction: a new pending one, the caller's live one of that
 * name ({@code replace}), or a ready file dataset to append to (the caller's, or of a collection they edit; a CSV
 * header naming other columns than its schema is refused here, before a job exists).
 */
final class UploadTargets {

  private UploadTargets() {
  }

  /** The dataset an upload goes to: the existing one (replace, append) or a new pending one. */
  static Future<Upload> target(SqlConnection conn, Upload upload, AuditEvent who) {
    if (upload.append()) {
      return appendTarget(conn, upload);
    }
    Future<Row> existing = upload.replace() ? DatasetStore.lockLiveByName(conn, upload.ownerId(), upload.name())
      : Future.succeededFuture(null);
    return existing.compose(row -> {
      if (row == null) {
        return DatasetStore.insertUpload(conn, upload.datasetId(), upload.ownerId(), upload.name(), upload.sourceType())
          .compose(v -> AuditLog.record(conn, who.as("dataset.created", "dataset", upload.datasetId(), null,
            new JsonObject().put("name", upload.name()).put("source_type", upload.sourceType()))))
          .map(upload.withReplace(false))
          .recover(err -> Future.failedFuture(isUniqueViolation(err, DatasetStore.UNIQUE_NAME)
            ? new ApiException(ErrorCode.DATASET_EXISTS, "You already have a dataset named " + upload.name()
            + "; choose another name, or send replace=true to upload a new version of it",
            new JsonObject().put("field", "name")) : err));
      }
      if ("pending".equals(row.getString("status"))) {
        return Future.failedFuture(new ApiException(ErrorCode.CONFLICT,
          "The first upload of this dataset is still being processed; try again when it ends",
          new JsonObject().put("field", "name")));
      }
      return Future.succeededFuture(upload.withDataset(row.getUUID("id"), upload.name()));
    });
  }

  /** The ready file dataset an append goes to (the caller's, or of a collection they edit), or 404/409. */
  private static Future<Upload> appendTarget(SqlConnection conn, Upload upload) {
    return DatasetStore.lockForAppend(conn, upload.datasetId(), upload.ownerId(), upload.name()).compose(row -> {
      String named = upload.datasetId() != null ? upload.datasetId().toString() : upload.name();
      if (row == null) {
        return Future.failedFuture(new ApiException(ErrorCode.NOT_FOUND, "Dataset " + named + " not found; "
          + "mode=append adds rows to one of your datasets (or of a collection you edit)",
          new JsonObject().put("field", upload.datasetId() != null ? "dataset_id" : "name").put("dataset", named)));
      }
      if ("stream".equals(row.getString("kind"))) {
        return Future.failedFuture(new ApiException(ErrorCode.CONFLICT, "The dataset " + row.getString("name")
          + " fills from its stream; uploads cannot append to it", new JsonObject().put("dataset", named)));
      }
      if (!"ready".equals(row.getString("status"))) {
        return Future.failedFuture(new ApiException(ErrorCode.NOT_READY, "The dataset " + row.getString("name")
          + " is still being processed; append when it is ready", new JsonObject().put("dataset", named)));
      }
      if (upload.columns() != null) {
        // the header's names decide missing and extra columns now; types, and files without a header, at job time
        ColumnTypes.requireNames(row.getJsonArray("schema"), upload.columns());
      }
      return Future.succeededFuture(upload.withDataset(row.getUUID("id"), row.getString("name")));
    });
  }

  static boolean isUniqueViolation(Throwable err, String constraint) {
    return err instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())
      && (constraint == null || constraint.equals(pg.getConstraint()));
  }
}
