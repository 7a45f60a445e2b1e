package io.tributary.bus;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * A job's progress, published by whichever worker advances it (ingestion, transform, imports, training) and turned
 * into {@code /ws/events} messages by fan-out. It sits below the features so a worker can report progress without
 * importing the job pipeline ({@code ingest.JobContract} names the same address).
 */
public final class JobProgress {

  /** Publish: body {@code {job_id, dataset_id, owner_id, status, progress}} (progress 0-100). */
  public static final String ADDRESS = "jobs.progress";

  private JobProgress() {
  }

  /** Publishes a job's progress on {@link #ADDRESS}. */
  public static void publish(EventBus bus, JsonObject job, String status, int progress) {
    bus.publish(ADDRESS, new JsonObject()
      .put("job_id", job.getString("job_id")).put("dataset_id", job.getString("dataset_id"))
      .put("owner_id", job.getString("owner_id")).put("status", status).put("progress", progress));
  }
}
