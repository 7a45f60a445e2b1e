package io.tributary.collection;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups and restores as job kinds of the shared job table ({@code jobs.run.backup}, {@code jobs.run.restore}, see
 * {@link io.tributary.ingest.JobContract}): their names, params and where their files live.
 * <ul>
 *   <li>backup params {@code {backup_id, collection_id, schema_only, file}}; result {@code {backup_id, collection_id,
 *   size_bytes, dataset_count, row_count, schema_only, skipped}}.</li>
 *   <li>restore params {@code {archive (lake path), upload (bool), name, overwrite, skip_schema, actor}}; result
 *   {@code {collection_id, name, version, created, datasets:[{dataset_id, name, original_name, row_count, size_bytes,
 *   replaced}]}}.</li>
 * </ul>
 */
public final class BackupContract {

  private static final Logger LOG = LoggerFactory.getLogger(BackupContract.class);

  /** The job type of a backup. */
  public static final String BACKUP = "backup";
  /** The job type of a restore. */
  public static final String RESTORE = "restore";
  /** Where restores stage files, under the data directory. */
  static final String RESTORE_DIR = "restore";

  private BackupContract() {
  }

  /** The lake path of a backup archive. */
  static String archivePath(String ownerId, String backupId) {
    return "backups/" + ownerId + "/" + backupId + ".zip";
  }

  /** Fails a job's request: a 4xx with its message (the job's error), anything else logged and internal. */
  static void fail(Message<JsonObject> msg, Throwable err, String what) {
    if (err instanceof ApiException api) {
      if (api.code().status() >= 500) {
        LOG.warn("{} job {}: {}", what, msg.body().getString("job_id"), api.getMessage());
      }
      msg.fail(api.code().busCode(), api.getMessage());
    } else {
      LOG.error("{} job {} failed", what, msg.body().getString("job_id"), err);
      msg.fail(ErrorCode.INTERNAL_ERROR.busCode(), what + " failed: " + err.getMessage());
    }
  }
}
