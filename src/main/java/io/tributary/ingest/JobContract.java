package io.tributary.ingest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus contract of jobs: their progress, the outbox that announces them, the Kafka topics of the job pipeline,
 * and the handlers of job kinds. Every kind (upload, import, training, backup, ...) shares one table, state machine,
 * lease, progress and {@code /ws/events} stream: a feature enqueues a job of its kind ({@link JobQueue}) and answers
 * {@link #runAddress} for it; the state machine ({@link IngestionVerticle}, {@link JobRunner}) claims the job, asks the
 * handler to do the work, and completes or fails it. Any worker that advances a job publishes its progress here.
 */
public final class JobContract {

  /**
   * Publish: a job made progress. Body {@code {job_id, dataset_id, owner_id, status, progress}} (progress 0-100).
   * Consumed by IngestionVerticle (stores it, throttled, renewing the lease) and FanoutVerticle.
   */
  public static final String PROGRESS = io.tributary.bus.JobProgress.ADDRESS;

  /** Publish, no body: the outbox has new rows; the relay drains it now instead of at its next poll. */
  public static final String OUTBOX_WAKEUP = "outbox.wakeup";

  /**
   * Publish (local): the outbox relay of this process has just committed a job's {@code data.ingestion} event to
   * Kafka. Body {@code {job_id}}. The job state machine claims it at once when it has room; the claim is
   * idempotent, so the Kafka event then finds it claimed.
   */
  public static final String JOB_QUEUED = "ingest.job.queued";

  /** The job type of uploads (converted and profiled by the transform and profile workers). */
  public static final String UPLOAD = "upload";

  /**
   * Request/reply: {@code jobs.run.<job_type>}, the handler of a job kind. Request {@code {job_id, job_type, owner_id,
   * dataset_id, params, attempts}}; reply the job's {@code result} object (its {@code row_count}, when it has one, is
   * also stored on the job). A handler must be idempotent: a job whose process died is run again. Failures with a
   * 4xx {@code ErrorCode} fail the job with their message; {@code SERVICE_UNAVAILABLE} leaves it to the lease recovery.
   */
  public static final String RUN_PREFIX = "jobs.run.";

  /**
   * Publish: {@code {job_id}}, the job was cancelled by its owner (it is already marked failed); the handler running
   * it stops as soon as it can.
   */
  public static final String CANCELLED = "jobs.cancelled";

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
    io.tributary.bus.JobProgress.publish(bus, job, status, progress);
  }

  /** The address of a job kind's handler. */
  public static String runAddress(String jobType) {
    return RUN_PREFIX + jobType;
  }

  /** Asks the handler of the job's kind to run it, waiting at most {@code timeoutMs}. */
  public static Future<JsonObject> run(Vertx vertx, JsonObject job, long timeoutMs) {
    JsonObject request = new JsonObject().put("job_id", job.getString("job_id")).put("job_type", job.getString("job_type"))
      .put("owner_id", job.getString("owner_id")).put("dataset_id", job.getString("dataset_id"))
      .put("params", job.getJsonObject("params", new JsonObject())).put("attempts", job.getInteger("attempts"));
    return vertx.eventBus().<JsonObject>request(runAddress(job.getString("job_type")), request,
      new DeliveryOptions().setSendTimeout(timeoutMs)).map(Message::body);
  }

  /** Wakes the outbox relay. */
  public static void wakeOutbox(EventBus bus) {
    bus.publish(OUTBOX_WAKEUP, null);
  }
}
