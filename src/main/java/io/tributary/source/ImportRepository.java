package io.tributary.source;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.dataset.DatasetStore;
import io.tributary.ingest.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.Base64;
import java.util.Arrays;
import java.util.UUID;

/**
 * Imports: their definitions ({@code source_imports}), the job of each run and the dataset version it completes.
 * A request's dataset, definition, schedule and job are written in one transaction.
 */
final class ImportRepository {

  static final String DEFINITION = "SELECT i.*, d.file_path, d.status AS dataset_status, d.row_count AS dataset_rows, "
    + "d.size_bytes AS dataset_bytes, c.id AS conn_id, c.type, c.host, "
    + "c.port, c.database, c.username, c.ssl_mode, c.password_encrypted, c.key_id FROM source_imports i "
    + "JOIN datasets d ON d.id = i.dataset_id JOIN source_connections c ON c.id = i.connection_id WHERE i.dataset_id = $1";
  static final String IS_IMPORT = "SELECT 1 FROM source_imports WHERE dataset_id = $1";
  static final String UPSERT = "INSERT INTO source_imports (dataset_id, owner_id, connection_id, source_table, source_sql, "
    + "mode, incremental_column) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dataset_id) DO UPDATE SET "
    + "connection_id = EXCLUDED.connection_id, source_table = EXCLUDED.source_table, source_sql = EXCLUDED.source_sql, "
    + "mode = EXCLUDED.mode, incremental_column = EXCLUDED.incremental_column, updated_at = now(), "
    + "last_value = CASE WHEN source_imports.incremental_column IS NOT DISTINCT FROM EXCLUDED.incremental_column "
    + "AND source_imports.connection_id = EXCLUDED.connection_id THEN source_imports.last_value END";
  static final String LAST_VALUE = "UPDATE source_imports SET last_value = coalesce($2, last_value), updated_at = now() "
    + "WHERE dataset_id = $1";

  private final Pool pool;

  ImportRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * The definition of a dataset's import with its connection (password sealed), the dataset's current file and
   * status; null when the dataset has no import (deleted since).
   */
  Future<JsonObject> definition(UUID datasetId) {
    return pool.preparedQuery(DEFINITION).execute(Tuple.of(datasetId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      JsonObject connection = new JsonObject().put("type", r.getString("type")).put("host", r.getString("host"))
        .put("port", r.getInteger("port")).put("database", r.getString("database")).put("user", r.getString("username"))
        .put("ssl_mode", r.getString("ssl_mode")).put("key_id", r.getString("key_id"))
        .put("password_encrypted", Base64.getEncoder().encodeToString(r.getBuffer("password_encrypted").getBytes()));
      ImportDefinition def = new ImportDefinition(r.getString("source_table"), r.getString("source_sql"),
        r.getString("mode"), r.getString("incremental_column"), r.getString("last_value"));
      return new JsonObject().put("connection", connection).put("import", def.toJson())
        .put("file_path", r.getString("file_path")).put("dataset_status", r.getString("dataset_status"))
        .put("dataset_rows", r.getLong("dataset_rows")).put("dataset_bytes", r.getLong("dataset_bytes"));
    });
  }

  /**
   * The import request's transaction: the dataset (new, or the caller's existing import dataset of that name), its
   * definition, its schedule (when given) and a queued import job. Returns {@code {dataset_id, schedule_id}}.
   */
  Future<JsonObject> create(UUID ownerId, String name, UUID connectionId, String sourceType, ImportDefinition def,
                            Schedule schedule, UUID jobId, JobQueue queue, AuditEvent who) {
    return pool.withTransaction(conn -> DatasetStore.lockLiveByName(conn, ownerId, name).compose(existing -> {
      if (existing == null) {
        UUID datasetId = UUID.randomUUID();
        return DatasetStore.insertUpload(conn, datasetId, ownerId, name, sourceType)
          .compose(v -> AuditLog.record(conn, who.as("dataset.created", "dataset", datasetId, null,
            new JsonObject().put("name", name).put("source_type", sourceType))))
          .map(datasetId);
      }
      UUID datasetId = existing.getUUID("id");
      return conn.preparedQuery(IS_IMPORT).execute(Tuple.of(datasetId)).compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(new ApiException(ErrorCode.DATASET_EXISTS, "You already have a dataset named "
            + name + " that is not imported from a database; choose another name",
            new JsonObject().put("field", "name")));
        }
        return Future.succeededFuture(datasetId);
      });
    }).compose(datasetId -> conn.preparedQuery(UPSERT).execute(Tuple.from(Arrays.asList(datasetId, ownerId, connectionId,
        def.table(), def.sql(), def.mode(), def.incrementalColumn())))
      .compose(v -> schedule == null ? Future.succeededFuture((UUID) null)
        : ScheduleRepository.upsert(conn, ownerId, datasetId, schedule))
      .compose(scheduleId -> queue.enqueue(conn, jobId, ownerId, SourceContract.IMPORT_JOB, datasetId,
          new JsonObject().put("trigger", "request").put("actor", new JsonObject()
            .put("id", who.actorId() == null ? null : who.actorId().toString()).put("role", who.actorRole())
            .put("request_id", who.requestId())))
        .recover(err -> Future.failedFuture(err instanceof PgException pg && "23505".equals(pg.getSqlState())
          ? new ApiException(ErrorCode.CONFLICT, "An import of " + name + " is still running; try again when it ends",
          new JsonObject().put("field", "name")) : err))
        .compose(v -> AuditLog.record(conn, who.as("source.import.queued", "dataset", datasetId, null,
          def.toJson().put("connection_id", connectionId.toString()).put("job_id", jobId.toString()))))
        .map(v -> new JsonObject().put("dataset_id", datasetId.toString())
          .put("schedule_id", scheduleId == null ? null : scheduleId.toString())))));
  }

  /** An incremental run that found no new rows: only the time of the definition's last run changes. */
  Future<Void> touched(UUID datasetId) {
    return pool.preparedQuery(LAST_VALUE).execute(Tuple.of(datasetId).addValue(null)).mapEmpty();
  }

  /**
   * One transaction: the dataset is ready with its new version and profile, and the import remembers the last value
   * it has seen. Returns the file of the version replaced (or null).
   */
  Future<String> complete(UUID datasetId, ImportFiles.Version version, String filePath, String sourceType,
                          JsonObject profile, String lastValue, AuditEvent imported) {
    return pool.withTransaction((SqlConnection conn) -> DatasetStore.markReady(conn, datasetId, version.rows(),
        version.columns(), version.sizeBytes(), filePath, sourceType)
      .compose(replaced -> DatasetStore.putProfile(conn, datasetId, profile)
        .compose(v -> conn.preparedQuery(LAST_VALUE).execute(Tuple.of(datasetId, lastValue)))
        .compose(v -> conn.preparedQuery(VERSION).execute(Tuple.of(datasetId)))
        .compose(rows -> AuditLog.record(conn, imported.as(imported.action(), "dataset", datasetId, null,
          imported.after().copy().put("version", rows.iterator().next().getInteger("version")))))
        .map(replaced)));
  }

  static final String VERSION = "SELECT version FROM datasets WHERE id = $1";

  /**
   * The audit event of an import job's new version ({@code dataset.appended} when its rows were added to the
   * current version, else {@code dataset.imported}), by whoever asked for the import, or the system for a schedule.
   */
  static AuditEvent imported(JsonObject job, boolean appended, long rowsAdded, long rowCount) {
    JsonObject params = job.getJsonObject("params", new JsonObject());
    JsonObject actor = params.getJsonObject("actor");
    JsonObject after = new JsonObject().put("job_id", job.getString("job_id")).put("rows_added", rowsAdded)
      .put("row_count", rowCount).put("trigger", params.getString("trigger", "request"));
    String action = appended ? "dataset.appended" : "dataset.imported";
    return actor == null ? AuditEvent.system(action, "dataset", null, after)
      : new AuditEvent(actor.getString("id") == null ? null : UUID.fromString(actor.getString("id")),
        actor.getString("role"), action, "dataset", null, null, after, actor.getString("request_id"));
  }
}
