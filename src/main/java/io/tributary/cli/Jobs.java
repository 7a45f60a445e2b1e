package io.tributary.cli;

import io.vertx.core.json.JsonObject;

/** Waits for a job of the job API ({@code /api/v1/data/job/{id}}), drawing its progress. */
final class Jobs {

  private static final long POLL_MS = 250;

  private Jobs() {
  }

  /** The finished job; a failed job is exit code 3 with the job's error. */
  static JsonObject await(Cli cli, ApiClient api, String jobId, String label) {
    Progress bar = new Progress(cli.err, label);
    try {
      while (true) {
        JsonObject job = api.get("/api/v1/data/job/" + jobId);
        String status = job.getString("status", "");
        bar.show(job.getInteger("progress", 0), status);
        if ("completed".equals(status)) {
          bar.show(100, status);
          return job;
        }
        if ("failed".equals(status)) {
          bar.done();
          throw new CliError(CliError.REFUSED, "Job " + jobId + " failed: " + job.getString("error", "no reason given"));
        }
        sleep();
      }
    } finally {
      bar.done();
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliError(CliError.SERVER, "Interrupted while waiting for the job");
    }
  }
}
