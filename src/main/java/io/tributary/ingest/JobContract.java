package io.tributary.ingest;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus contract of jobs: their progress, the outbox that announces them, and the Kafka topics of the
 * ingestion pipeline. Any worker that advances a job (transform today; imports, training and backups later)
 * publishes its progress here; the job state machine ({@link IngestionVerticle}) stores it and the fan-out
 * forwards it to the owner's sockets.
 */
public final class JobContract {

  /**
   * Publish: a job made progress. Body {@code {job_id, dataset_id, owner_id, status, progress}} (progress 0-100).
   * Consumed by IngestionVerticle (stores it, throttled, renewing the lease) and FanoutVerticle.
   */
  public static final String PROGRESS = "jobs.progress";

  /** Publish, no body: the outbox has new rows; the relay drains it now instead of at its next poll. */
  public static final String OUTBOX_WAKEUP = "outbox.wakeup";

  /**
   * Publish (local): the outbox relay of this process has just committed a job's {@code data.ingestion} event to
   * Kafka. Body {@code {job_id}}. The job state machine claims it at once when it has room; the claim is
   * idempotent, so the Kafka event then finds it claimed.
   */
  public static final String JOB_QUEUED = "ingest.job.queued";

  /** Default Kafka topic: a job was queued (key job_id). Config {@code kafka.topics.ingestion}. */
  public static final String TOPIC_INGESTION = "data.ingestion";

  /** Default Kafka topic: a job ended, completed or failed (key job_id). Config {@code kafka.topics.processing_complete}. */
  public static final String TOPIC_COMPLETE = "data.processing.complete";

  /** Event types, in Kafka events and socket messages. */
  public static final String TYPE_PROGRESS = "job.progress";
  public static final String TYPE_COMPLETED = "job.completed";
  public static final String TYPE_FAILED = "job.failed";

  private JobContract() {
  }

  /** Publishes a job's progress on {@link #PROGRESS}. */
  public static void progress(EventBus bus, JsonObject job, String status, int progress) {
    bus.publish(PROGRESS, new JsonObject()
      .put("job_id", job.getString("job_id")).put("dataset_id", job.getString("dataset_id"))
      .put("owner_id", job.getString("owner_id")).put("status", status).put("progress", progress));
  }

  /** Wakes the outbox relay. */
  public static void wakeOutbox(EventBus bus) {
    bus.publish(OUTBOX_WAKEUP, null);
  }
}
