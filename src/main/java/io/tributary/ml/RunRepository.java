package io.tributary.ml;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.ingest.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Training runs (MLflow's runs) and what they read of datasets: every SQL statement of runs, scoped by owner. */
final class RunRepository {

  static final String DATASET = "SELECT d.id, d.name, d.status, d.version, d.schema, d.file_path, "
    + "(SELECT array_agg(p.file_path ORDER BY p.created_at, p.id) FROM stream_parts p WHERE p.dataset_id = d.id) AS parts "
    + "FROM datasets d WHERE d.id = $1 AND d.owner_id = $2";
  static final String INSERT = "INSERT INTO ml_runs (id, owner_id, job_id, dataset_id, model_name, status, params) "
    + "VALUES ($1, $2, $3, $4, $5, 'queued', $6)";
  static final String START = "UPDATE ml_runs SET status = 'running', started_at = coalesce(started_at, now()) "
    + "WHERE id = $1 AND status IN ('queued', 'running') RETURNING *";
  static final String FAIL = "UPDATE ml_runs SET status = 'failed', error = $2, finished_at = now(), duration_ms = "
    + "(extract(epoch FROM now() - coalesce(started_at, created_at)) * 1000)::bigint "
    + "WHERE id = $1 AND status IN ('queued', 'running') RETURNING *";
  /** Runs with their job's state: a job that failed outside the trainer (given up after crashes) fails its run. */
  static final String WITH_JOB = "SELECT r.*, j.status AS job_status, j.error AS job_error FROM ml_runs r "
    + "LEFT JOIN jobs j ON j.id = r.job_id ";
  static final String FIND = WITH_JOB + "WHERE r.id = $1 AND r.owner_id = $2";
  static final String FIND_ANY = "SELECT * FROM ml_runs WHERE id = $1";
  static final String LIST = WITH_JOB + "WHERE r.owner_id = $1 ORDER BY r.created_at DESC, r.id LIMIT $2 OFFSET $3";

  private final Pool pool;
  private final Path dataDir;

  RunRepository(Pool pool, Path dataDir) {
    this.pool = pool;
    this.dataDir = dataDir;
  }

  Pool pool() {
    return pool;
  }

  /** The owner's dataset: {@code {dataset_id, name, status, version, schema, files:[absolute paths]}}, or null. */
  Future<JsonObject> dataset(UUID datasetId, UUID ownerId) {
    return pool.preparedQuery(DATASET).execute(Tuple.of(datasetId, ownerId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      JsonArray files = new JsonArray();
      String[] parts = row.getArrayOfStrings("parts");
      if (parts != null && parts.length > 0) {
        for (String part : parts) {
          files.add(dataDir.resolve(part).toString());
        }
      } else if (row.getString("file_path") != null) {
        files.add(dataDir.resolve(row.getString("file_path")).toString());
      }
      Object schema = row.getValue("schema");
      return new JsonObject().put("dataset_id", datasetId.toString()).put("name", row.getString("name"))
        .put("status", row.getString("status")).put("version", row.getInteger("version"))
        .put("schema", schema instanceof JsonArray a ? a : new JsonArray()).put("files", files);
    });
  }

  /**
   * Adds a queued run and its training job in one transaction, with its audit event; answers the run.
   * {@code timeoutMs} is the job's own limit, a backstop behind the trainer's deadline.
   */
  Future<JsonObject> create(JobQueue jobs, UUID runId, UUID jobId, UUID ownerId, UUID datasetId, String modelName,
                            JsonObject params, long timeoutMs, AuditEvent audit) {
    JsonObject jobParams = params.copy().put("run_id", runId.toString()).put("dataset_id", datasetId.toString())
      .put("timeout_ms", timeoutMs);
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT)
      .execute(Tuple.of(runId, ownerId, jobId, datasetId, modelName, params))
      .compose(r -> jobs.enqueue(conn, jobId, ownerId, MlContract.JOB_TYPE, null, jobParams))
      .compose(v -> AuditLog.record(conn, audit))
      .compose(v -> conn.preparedQuery(FIND_ANY).execute(Tuple.of(runId))))
      .map(rows -> toJson(rows.iterator().next()));
  }

  /** Marks the run running; null when it is no longer queued or running (cancelled, or done by an earlier attempt). */
  Future<JsonObject> start(UUID runId) {
    return pool.preparedQuery(START).execute(Tuple.of(runId))
      .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  /** Fails a queued or running run with {@code reason}; null when it had already ended. */
  Future<JsonObject> fail(UUID runId, String reason) {
    return pool.preparedQuery(FAIL).execute(Tuple.of(runId, reason))
      .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  /** The owner's run, or null. */
  Future<JsonObject> find(UUID runId, UUID ownerId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(runId, ownerId))
      .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  /** Any run, or null (the trainer's own lookups). */
  Future<JsonObject> find(UUID runId) {
    return pool.preparedQuery(FIND_ANY).execute(Tuple.of(runId))
      .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  Future<JsonArray> list(UUID ownerId, int limit, int offset) {
    return pool.preparedQuery(LIST).execute(Tuple.of(ownerId, limit, offset)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(row -> out.add(toJson(row)));
      return out;
    });
  }

  /** A run as the API shows it (the seed's shape, and its lineage and candidates). */
  static JsonObject toJson(Row row) {
    Long ms = row.getLong("duration_ms");
    UUID modelId = row.getUUID("model_id");
    String status = row.getString("status");
    String error = row.getString("error");
    boolean live = "queued".equals(status) || "running".equals(status);
    if (live && row.getColumnIndex("job_status") >= 0 && "failed".equals(row.getString("job_status"))) {
      status = "failed";
      error = row.getString("job_error");
    }
    return new JsonObject()
      .put("run_id", row.getUUID("id").toString())
      .put("job_id", row.getUUID("job_id").toString())
      .put("status", status)
      .put("model_id", modelId == null ? null : modelId.toString())
      .put("model_version", row.getInteger("model_version"))
      .put("model_name", row.getString("model_name"))
      .put("metrics", json(row.getValue("metrics")))
      .put("candidates", row.getValue("candidates"))
      .put("training_time_seconds", ms == null ? null : ms / 1000.0)
      .put("params", row.getValue("params"))
      .put("dataset_id", row.getUUID("dataset_id").toString())
      .put("dataset_version", row.getInteger("dataset_version"))
      .put("error", error)
      .put("created_at", time(row.getOffsetDateTime("created_at")))
      .put("started_at", time(row.getOffsetDateTime("started_at")))
      .put("finished_at", time(row.getOffsetDateTime("finished_at")));
  }

  private static Object json(Object value) {
    return value == null ? new JsonObject() : value;
  }

  static String time(OffsetDateTime t) {
    return t == null ? null : t.toString();
  }
}
