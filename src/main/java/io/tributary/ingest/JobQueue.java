package io.tributary.ingest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * Enqueues a job of any kind inside the caller's transaction: the job row (queued) and its {@code data.ingestion}
 * outbox row, so a feature's own rows (a training run, an import, a backup) and its job appear together or not at
 * all. The job then runs through the shared state machine, which asks {@link JobContract#runAddress} of its kind.
 */
public final class JobQueue {

  static final String INSERT = "INSERT INTO jobs (id, owner_id, dataset_id, status, job_type, params, upload_bytes) "
    + "VALUES ($1, $2, $3, 'queued', $4, $5, 0)";

  private final IngestRepository repository;
  private final String ingestionTopic;

  /** @param kafkaTopics the {@code kafka.topics} config section */
  public JobQueue(Pool pool, JsonObject kafkaTopics) {
    this.repository = new IngestRepository(pool, kafkaTopics);
    this.ingestionTopic = kafkaTopics.getString("ingestion", JobContract.TOPIC_INGESTION);
  }

  /**
   * Cancels the owner's queued or running job: it fails at once with {@code reason} (its failure event goes out),
   * and {@link JobContract#CANCELLED} tells the handler running it to stop. False when the owner has no such job
   * still queued or running.
   */
  public Future<Boolean> cancel(io.vertx.core.Vertx vertx, UUID jobId, UUID ownerId, String reason) {
    return repository.cancel(jobId, ownerId, reason).map(cancelled -> {
      if (cancelled) {
        vertx.eventBus().publish(JobContract.CANCELLED, new JsonObject().put("job_id", jobId.toString()));
        JobContract.wakeOutbox(vertx.eventBus());
      }
      return cancelled;
    });
  }

  /** The owner's job (as {@code GET /api/v1/data/job/{id}} shows it), or null. */
  public Future<JsonObject> find(UUID jobId, UUID ownerId) {
    return repository.findJob(jobId, ownerId);
  }

  /**
   * Adds a queued job of {@code jobType} on the connection of the caller's transaction (call
   * {@link JobContract#wakeOutbox} after it commits so it starts at once).
   *
   * @param datasetId the dataset the job writes, or null
   */
  public Future<Void> enqueue(SqlClient conn, UUID jobId, UUID ownerId, String jobType, UUID datasetId, JsonObject params) {
    return conn.preparedQuery(INSERT).execute(Tuple.of(jobId, ownerId, datasetId, jobType, params))
      .compose(r -> conn.preparedQuery(OutboxStore.INSERT).execute(Tuple.of(jobId, "job.queued", ingestionTopic,
        new JsonObject().put("job_id", jobId.toString()).put("job_type", jobType)
          .put("dataset_id", datasetId == null ? null : datasetId.toString()).put("owner_id", ownerId.toString()))))
      .mapEmpty();
  }
}
