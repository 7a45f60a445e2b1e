package io.tributary.ingest;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.dataset.DatasetStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** Jobs, their datasets and the outbox rows that announce them: every state change of an ingestion job. */
public final class IngestRepository {

  static final String INSERT_JOB =
    "INSERT INTO jobs (id, owner_id, dataset_id, status, source_type, skip_bad_rows, staging_path, "
      + "original_filename, upload_bytes, replaces, appends, params) "
      + "VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7, $8, $9, $10, $11)";
  static final String FIND_JOB =
    "SELECT * FROM jobs WHERE id = $1 AND owner_id = $2";
  static final String CLAIM_JOB =
    "UPDATE jobs SET status = 'processing', attempts = attempts + 1, started_at = coalesce(started_at, now()), "
      + "lease_until = now() + make_interval(secs => $2), worker_id = $3, progress = 0, updated_at = now() "
      + "WHERE id = $1 AND status = 'queued' RETURNING *";
  static final String UPDATE_PROGRESS =
    "UPDATE jobs SET progress = $2, lease_until = now() + make_interval(secs => $3), updated_at = now() "
      + "WHERE id = $1 AND status = 'processing' AND progress < $2";
  static final String RENEW_LEASES =
    "UPDATE jobs SET lease_until = now() + make_interval(secs => $2) WHERE id = ANY($1) AND status = 'processing'";
  static final String COMPLETE_JOB =
    "UPDATE jobs SET status = 'completed', progress = 100, row_count = $2, rows_rejected = $3, error = NULL, "
      + "finished_at = now(), lease_until = NULL, updated_at = now() "
      + "WHERE id = $1 AND status = 'processing' RETURNING *";
  static final String COMPLETE_KIND =
    "UPDATE jobs SET status = 'completed', progress = 100, result = $2, row_count = $3, error = NULL, "
      + "finished_at = now(), lease_until = NULL, updated_at = now() WHERE id = $1 AND status = 'processing' RETURNING *";
  static final String FAIL_JOB =
    "UPDATE jobs SET status = 'failed', error = $2, finished_at = now(), lease_until = NULL, updated_at = now() "
      + "WHERE id = $1 AND status IN ('queued', 'processing') RETURNING *";
  static final String ORPHANED_JOBS =
    "SELECT * FROM jobs WHERE status = 'processing' AND (lease_until < now() OR worker_id = $1) "
      + "ORDER BY created_at LIMIT 100 FOR UPDATE SKIP LOCKED";
  static final String STALE_QUEUED =
    "SELECT id, dataset_id, owner_id FROM jobs j WHERE status = 'queued' AND updated_at < now() - make_interval(secs => $1) "
      + "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.aggregate_id = j.id AND o.published_at IS NULL) "
      + "ORDER BY created_at LIMIT 100 FOR UPDATE SKIP LOCKED";
  static final String TOUCH_JOB = "UPDATE jobs SET updated_at = now() WHERE id = $1";
  static final String HAND_BACK =
    "UPDATE jobs SET status = 'queued', attempts = greatest(attempts - 1, 0), lease_until = NULL, worker_id = NULL, "
      + "progress = 0, updated_at = now() WHERE worker_id = $1 AND status = 'processing' "
      + "RETURNING id, dataset_id, owner_id";
  static final String REQUEUE_JOB =
    "UPDATE jobs SET status = 'queued', lease_until = NULL, worker_id = NULL, updated_at = now() WHERE id = $1";

  static final String ACTIVE_STAGING = "SELECT staging_path FROM jobs WHERE status IN ('queued', 'processing')";
  static final String LIVE_FILES = "SELECT file_path FROM datasets WHERE file_path IS NOT NULL UNION ALL "
    + "SELECT file_path FROM stream_parts UNION ALL "
    + "SELECT 'datasets/' || owner_id || '/' || dataset_id || '/' || id || '.parquet' FROM jobs "
    + "WHERE status IN ('queued', 'processing') AND dataset_id IS NOT NULL UNION ALL "
    + "SELECT 'staging/' || id FROM jobs WHERE status IN ('queued', 'processing')";

  private final Pool pool;
  private final String ingestionTopic;
  private final String completeTopic;

  public IngestRepository(Pool pool, JsonObject kafkaTopics) {
    this.pool = pool;
    this.ingestionTopic = kafkaTopics.getString("ingestion", JobContract.TOPIC_INGESTION);
    this.completeTopic = kafkaTopics.getString("processing_complete", JobContract.TOPIC_COMPLETE);
  }

  /**
   * The upload transaction: dataset (pending), job (queued) and its {@code data.ingestion} outbox row. With
   * {@code replace}, an existing live dataset of that name gets the job instead (its new version appears when
   * the job completes); a name that is taken without {@code replace}, or a dataset with an upload still in
   * flight, fails with 409. Returns the upload as stored (its dataset id may be the existing one).
   */
  public Future<Upload> createJob(Upload upload, AuditEvent who) {
    return pool.withTransaction(conn -> UploadTargets.target(conn, upload, who)
      .compose(stored -> conn.preparedQuery(INSERT_JOB).execute(Tuple.from(List.of(stored.jobId(), stored.ownerId(),
          stored.datasetId(), stored.sourceType(), stored.skipBadRows(), stored.stagingPath(),
          stored.originalFilename() == null ? "" : stored.originalFilename(), stored.sizeBytes(), stored.replace(),
          stored.append(), new JsonObject().put("actor", new JsonObject().put("role", who.actorRole())
            .put("request_id", who.requestId())))))
        .recover(err -> Future.failedFuture(UploadTargets.isUniqueViolation(err, "jobs_one_active_per_dataset")
          ? new ApiException(ErrorCode.CONFLICT, "An upload of this dataset is still being processed; try again when it ends",
          new JsonObject().put("field", "name")) : err))
        .compose(r -> OutboxStore.add(conn, stored.jobId(), "job.queued", ingestionTopic, new JsonObject()
          .put("job_id", stored.jobId().toString()).put("dataset_id", stored.datasetId().toString())
          .put("owner_id", stored.ownerId().toString())))
        .map(stored)));
  }

  /** Staged uploads that jobs still need. */
  public Future<java.util.Set<String>> activeStaging() {
    return pool.query(ACTIVE_STAGING).execute().map(rows -> {
      java.util.Set<String> paths = new java.util.HashSet<>();
      rows.forEach(r -> paths.add(r.getString(0)));
      return paths;
    });
  }

  /** Lake paths that must stay: every dataset's current file and the output of every active job. */
  public Future<java.util.Set<String>> liveFiles() {
    return pool.query(LIVE_FILES).execute().map(rows -> {
      java.util.Set<String> live = new java.util.HashSet<>();
      rows.forEach(r -> live.add(r.getString(0)));
      return live;
    });
  }

  /** The caller's job, or null. */
  public Future<JsonObject> findJob(UUID jobId, UUID ownerId) {
    return pool.preparedQuery(FIND_JOB).execute(Tuple.of(jobId, ownerId))
      .map(rows -> rows.size() == 0 ? null : Jobs.toJson(rows.iterator().next()));
  }

  /** Moves a queued job to processing under this worker's lease; null when it was not queued (duplicate event). */
  public Future<JsonObject> claim(UUID jobId, int leaseSeconds, String workerId) {
    return pool.preparedQuery(CLAIM_JOB).execute(Tuple.of(jobId, leaseSeconds, workerId))
      .map(rows -> rows.size() == 0 ? null : Jobs.toInternalJson(rows.iterator().next()));
  }

  public Future<Void> progress(UUID jobId, int progress, int leaseSeconds) {
    return pool.preparedQuery(UPDATE_PROGRESS).execute(Tuple.of(jobId, progress, leaseSeconds)).mapEmpty();
  }

  public Future<Void> renewLeases(List<UUID> jobIds, int leaseSeconds) {
    return pool.preparedQuery(RENEW_LEASES).execute(Tuple.of(jobIds.toArray(new UUID[0]), leaseSeconds)).mapEmpty();
  }

  /**
   * One transaction: dataset ready with its schema (a new version when it was ready before), profile stored,
   * job completed, completion event in the outbox. Returns the completed job (with {@code replaced_file}, the
   * lake path of the version it replaced, or null), or null when the job was no longer processing.
   */
  public Future<JsonObject> complete(JsonObject job, JsonObject result, JsonObject profile, String filePath) {
    UUID jobId = UUID.fromString(job.getString("job_id"));
    UUID datasetId = UUID.fromString(job.getString("dataset_id"));
    JsonArray columns = result.getJsonArray("columns");
    return pool.withTransaction(conn -> conn.preparedQuery(COMPLETE_JOB)
      .execute(Tuple.of(jobId, result.getLong("row_count"), result.getLong("rows_rejected")))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture(null);
        }
        JsonObject done = Jobs.toJson(rows.iterator().next());
        return DatasetStore.markReady(conn, datasetId, result.getLong("row_count"), columns,
            result.getLong("size_bytes"), filePath, job.getString("source_type"))
          .compose(replaced -> DatasetStore.putProfile(conn, datasetId, profile)
            .compose(x -> OutboxStore.add(conn, jobId, JobContract.TYPE_COMPLETED, completeTopic, completion(job, done)))
            .map(x -> done.copy().put("replaced_file", replaced)));
      }));
  }

  /**
   * One transaction for an append: the dataset is locked, {@code merge} writes its current rows and the job's into a
   * new file and profiles it (it gets the locked row: {@code dataset_id, owner_id, name, schema, file_path}) and
   * answers {@code {file, row_count, size_bytes, profile}}; that file becomes the new version, recorded as a
   * {@code dataset.appended} audit event, the job completes with the rows it added, the completion event goes to the
   * outbox. Appends to one dataset thus wait for each other
   * and none loses rows. Returns the job as {@link #complete} does; a deleted dataset fails the job.
   */
  public Future<JsonObject> completeAppend(JsonObject job, JsonObject result,
                                           Function<JsonObject, Future<JsonObject>> merge) {
    UUID jobId = UUID.fromString(job.getString("job_id"));
    UUID datasetId = UUID.fromString(job.getString("dataset_id"));
    return pool.withTransaction(conn -> DatasetStore.lockById(conn, datasetId).compose(row -> {
      if (row == null) {
        return Future.failedFuture(new ApiException(ErrorCode.NOT_FOUND,
          "The dataset was deleted before the rows could be appended"));
      }
      JsonObject locked = new JsonObject().put("dataset_id", datasetId.toString())
        .put("owner_id", row.getUUID("owner_id").toString()).put("name", row.getString("name"))
        .put("schema", row.getJsonArray("schema")).put("file_path", row.getString("file_path"));
      return merge.apply(locked).compose(merged -> conn.preparedQuery(COMPLETE_JOB)
        .execute(Tuple.of(jobId, result.getLong("row_count"), result.getLong("rows_rejected")))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(null); // cancelled meanwhile: the lake sweeper removes the unused file
          }
          JsonObject done = Jobs.toJson(rows.iterator().next());
          int version = row.getInteger("version") + ("ready".equals(row.getString("status")) ? 1 : 0);
          return DatasetStore.markReady(conn, datasetId, merged.getLong("row_count"), row.getJsonArray("schema"),
              merged.getLong("size_bytes"), merged.getString("file"), row.getString("source_type"))
            .compose(replaced -> AuditLog.record(conn, appended(job, datasetId, result.getLong("row_count"),
              merged.getLong("row_count"), version)).map(replaced))
            .compose(replaced -> DatasetStore.putProfile(conn, datasetId, merged.getJsonObject("profile"))
              .compose(x -> OutboxStore.add(conn, jobId, JobContract.TYPE_COMPLETED, completeTopic, completion(job, done)))
              .map(x -> done.copy().put("replaced_file", replaced)));
        }));
    }));
  }

  /** The {@code dataset.appended} event of an append job, by the user who uploaded the rows. */
  private static AuditEvent appended(JsonObject job, UUID datasetId, long added, long rows, int version) {
    JsonObject actor = job.getJsonObject("params", new JsonObject()).getJsonObject("actor", new JsonObject());
    return new AuditEvent(UUID.fromString(job.getString("owner_id")), actor.getString("role"), "dataset.appended",
      "dataset", datasetId.toString(), null, new JsonObject().put("job_id", job.getString("job_id"))
        .put("rows_added", added).put("row_count", rows).put("version", version), actor.getString("request_id"));
  }

  /**
   * One transaction for a job of another kind than upload: completed with what its handler produced
   * ({@code result}, and {@code row_count} when it has one), completion event in the outbox. Null when the job was
   * no longer processing.
   */
  public Future<JsonObject> completeKind(JsonObject job, JsonObject result) {
    UUID jobId = UUID.fromString(job.getString("job_id"));
    return pool.withTransaction(conn -> conn.preparedQuery(COMPLETE_KIND)
      .execute(Tuple.of(jobId, result, result.getLong("row_count")))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture(null);
        }
        JsonObject done = Jobs.toJson(rows.iterator().next());
        return OutboxStore.add(conn, jobId, JobContract.TYPE_COMPLETED, completeTopic, completion(job, done)).map(done);
      }));
  }

  /** Fails the owner's queued or processing job with {@code reason} (a cancellation); false when there is none. */
  public Future<Boolean> cancel(UUID jobId, UUID ownerId, String reason) {
    return pool.withTransaction(conn -> conn.preparedQuery(FIND_JOB).execute(Tuple.of(jobId, ownerId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(false);
      }
      JsonObject job = Jobs.toInternalJson(rows.iterator().next());
      return conn.preparedQuery(FAIL_JOB).execute(Tuple.of(jobId, reason)).compose(failed -> {
        if (failed.size() == 0) {
          return Future.succeededFuture(false);
        }
        return markFailed(conn, job).compose(v -> OutboxStore.add(conn, jobId, JobContract.TYPE_FAILED, completeTopic,
          completion(job, Jobs.toJson(failed.iterator().next())))).map(true);
      });
    }));
  }

  /** One transaction: job failed with its reason, dataset failed, failure event in the outbox. */
  public Future<JsonObject> fail(JsonObject job, String reason) {
    UUID jobId = UUID.fromString(job.getString("job_id"));
    return pool.withTransaction(conn -> conn.preparedQuery(FAIL_JOB).execute(Tuple.of(jobId, reason))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture(null);
        }
        JsonObject failed = Jobs.toJson(rows.iterator().next());
        return markFailed(conn, job)
          .compose(r -> OutboxStore.add(conn, jobId, JobContract.TYPE_FAILED, completeTopic, completion(job, failed)))
          .map(failed);
      }));
  }

  /**
   * Jobs left in processing by a dead worker (its lease ran out, or {@code workerId} names this process's
   * previous life, at start; pass null otherwise):
   * requeued with a fresh {@code data.ingestion} event while attempts remain and the staged upload exists,
   * failed with a reason otherwise. Returns how many were recovered.
   */
  public Future<Integer> recoverOrphans(String workerId, int maxAttempts,
                                       Function<String, Future<Boolean>> stagedFileExists) {
    return pool.withTransaction(conn -> conn.preparedQuery(ORPHANED_JOBS).execute(Tuple.of(workerId))
      .compose(rows -> {
        List<JsonObject> jobs = new ArrayList<>();
        rows.forEach(row -> jobs.add(Jobs.toInternalJson(row)));
        Future<Void> chain = Future.succeededFuture();
        for (JsonObject job : jobs) {
          chain = chain.compose(v -> recover(conn, job, maxAttempts, stagedFileExists));
        }
        return chain.map(jobs.size());
      }));
  }

  /**
   * A graceful stop: every job this process is processing goes back to the queue (the attempt does not count),
   * announced again through the outbox so any process takes it up. Returns how many.
   */
  public Future<Integer> handBack(String workerId) {
    return pool.withTransaction(conn -> conn.preparedQuery(HAND_BACK).execute(Tuple.of(workerId))
      .compose(rows -> requeued(conn, rows, false)));
  }

  /**
   * Queued jobs whose {@code data.ingestion} event was published long ago but never claimed (a safety net: the
   * claim is idempotent, so a second event is harmless). Returns how many were announced again.
   */
  public Future<Integer> reannounceStale(int olderThanSeconds) {
    return pool.withTransaction(conn -> conn.preparedQuery(STALE_QUEUED).execute(Tuple.of(olderThanSeconds))
      .compose(rows -> requeued(conn, rows, true)));
  }

  /** Announces each job of {@code rows} ({@code id, dataset_id, owner_id}) again; {@code touch}: mark it announced. */
  private Future<Integer> requeued(SqlConnection conn, RowSet<Row> rows, boolean touch) {
    Future<Void> chain = Future.succeededFuture();
    for (Row row : rows) {
      UUID jobId = row.getUUID("id");
      String datasetId = row.getUUID("dataset_id").toString();
      String ownerId = row.getUUID("owner_id").toString();
      if (touch) {
        chain = chain.compose(v -> conn.preparedQuery(TOUCH_JOB).execute(Tuple.of(jobId)).mapEmpty());
      }
      chain = chain.compose(v -> announce(conn, jobId, datasetId, ownerId));
    }
    return chain.map(rows.size());
  }

  /** A fresh {@code data.ingestion} event for a job put back in the queue. */
  private Future<Void> announce(SqlConnection conn, UUID jobId, String datasetId, String ownerId) {
    return OutboxStore.add(conn, jobId, "job.queued", ingestionTopic, new JsonObject().put("job_id", jobId.toString())
      .put("dataset_id", datasetId).put("owner_id", ownerId).put("requeued", true));
  }

  private Future<Void> recover(SqlConnection conn, JsonObject job, int maxAttempts,
                               Function<String, Future<Boolean>> stagedFileExists) {
    return stagedFileExists.apply(job.getString("staging_path")).compose(exists -> {
      String reason = null;
      if (job.getInteger("attempts") >= maxAttempts) {
        reason = "Processing was interrupted " + job.getInteger("attempts") + " times (server restart or crash); giving up";
      } else if (!exists && JobContract.UPLOAD.equals(job.getString("job_type"))) {
        reason = "Processing was interrupted and the uploaded file is no longer available; upload it again";
      }
      return recover(conn, job, reason);
    });
  }

  private Future<Void> recover(SqlConnection conn, JsonObject job, String reason) {
    UUID jobId = UUID.fromString(job.getString("job_id"));
    if (reason == null) {
      return conn.preparedQuery(REQUEUE_JOB).execute(Tuple.of(jobId))
        .compose(r -> announce(conn, jobId, job.getString("dataset_id"), job.getString("owner_id")));
    }
    String why = reason;
    return conn.preparedQuery(FAIL_JOB).execute(Tuple.of(jobId, why))
      .compose(r -> markFailed(conn, job))
      .compose(r -> OutboxStore.add(conn, jobId, JobContract.TYPE_FAILED, completeTopic, completion(job,
        new JsonObject().put("status", "failed").put("progress", job.getInteger("progress")).put("error", why))));
  }

  /** A failed job's dataset fails with it when it never became ready (jobs without a dataset have none). */
  private static Future<Void> markFailed(SqlConnection conn, JsonObject job) {
    String dataset = job.getString("dataset_id");
    return dataset == null ? Future.succeededFuture() : DatasetStore.markFailed(conn, UUID.fromString(dataset));
  }

  private static JsonObject completion(JsonObject job, JsonObject state) {
    return new JsonObject()
      .put("job_id", job.getString("job_id"))
      .put("job_type", job.getString("job_type", JobContract.UPLOAD))
      .put("dataset_id", job.getString("dataset_id"))
      .put("owner_id", job.getString("owner_id"))
      .put("status", state.getString("status"))
      .put("progress", state.getInteger("progress"))
      .put("row_count", state.getLong("row_count"))
      .put("rows_rejected", state.getLong("rows_rejected"))
      .put("error", state.getString("error"));
  }
}
