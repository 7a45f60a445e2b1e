package io.tributary.bus;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * Job events on the event bus and the Kafka topics of the ingestion pipeline.
 *
 * <p>Socket message shape (also the body published on {@link #userAddress(String)}):
 * {@code {"type":"job.progress"|"job.completed"|"job.failed","data":{job_id,dataset_id,status,progress,...},"timestamp":"..."}}
 */
public final class JobEvents {

  /**
   * Publish: a job made progress. Body {@code {job_id, dataset_id, owner_id, status, progress}}. Published by the
   * transform and ingestion steps; IngestionVerticle persists it (throttled), FanoutVerticle forwards it.
   */
  public static final String PROGRESS = "jobs.progress";

  /** Publish: the outbox has new rows; wakes the relay instead of waiting for its next poll. No body. */
  public static final String OUTBOX_WAKEUP = "outbox.wakeup";

  /** Prefix of the per-user address on which socket messages are published (see {@link #userAddress}). */
  public static final String USER_PREFIX = "fanout.user.";

  /** Default Kafka topic: a job was queued (key job_id). Config {@code kafka.topics.ingestion}. */
  public static final String TOPIC_INGESTION = "data.ingestion";

  /** Default Kafka topic: a job ended, completed or failed (key job_id). Config {@code kafka.topics.processing_complete}. */
  public static final String TOPIC_COMPLETE = "data.processing.complete";

  public static final String TYPE_PROGRESS = "job.progress";
  public static final String TYPE_COMPLETED = "job.completed";
  public static final String TYPE_FAILED = "job.failed";

  private JobEvents() {
  }

  /** The event-bus address of one user's socket messages. */
  public static String userAddress(String userId) {
    return USER_PREFIX + userId;
  }

  /** A socket message. */
  public static JsonObject socketMessage(String type, JsonObject data) {
    return new JsonObject().put("type", type).put("data", data).put("timestamp", Instant.now().toString());
  }
}
