package io.tributary.collection;

import io.tributary.audit.AuditEvent;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.ingest.JobContract;
import io.tributary.lake.Lake;
import io.tributary.parquet.ParquetFooter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One restore job: verify every entry of the archive while copying the datasets to {@code restore/<job id>/}
 * (0-70%; what the caller has of the target name is read meanwhile), read each file's row count back, decide the
 * plan, move the files to their lake paths and publish them (70-90%), then register everything in one transaction.
 * On failure the files it wrote go; after a kill, the next start removes the staging folder, the rerun of the job
 * rewrites the same lake paths, and the lake sweeper removes files no dataset refers to.
 */
final class RestoreJob {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RestoreJob.class);

  private final Vertx vertx;
  private final BackupRepository repository;
  private final Lake lake;
  private final Path dataDir;
  private final long fileGraceMs;
  private final long commitDelayMs;

  RestoreJob(Vertx vertx, BackupRepository repository, Lake lake, Path dataDir, long fileGraceMs, long commitDelayMs) {
    this.vertx = vertx;
    this.repository = repository;
    this.lake = lake;
    this.dataDir = dataDir;
    this.fileGraceMs = fileGraceMs;
    this.commitDelayMs = commitDelayMs;
  }

  /** The plan and the archive's manifest. */
  private record Planned(JsonObject manifest, RestorePlan plan) {
  }

  void run(Message<JsonObject> msg) {
    JsonObject job = msg.body();
    JsonObject params = job.getJsonObject("params");
    UUID jobId = UUID.fromString(job.getString("job_id"));
    UUID owner = UUID.fromString(job.getString("owner_id"));
    Path stage = dataDir.resolve(BackupContract.RESTORE_DIR).resolve(jobId.toString());
    List<String> moved = new ArrayList<>();
    JsonObject actor = params.getJsonObject("actor", new JsonObject());
    AuditEvent who = new AuditEvent(owner, actor.getString("role"), "collection.restored", CollectionEvents.RESOURCE,
      null, null, null, actor.getString("request_id"));
    // what the caller has of the target name is read while the archive is verified
    String requested = params.getString("name");
    Future<RestorePlan.Current> early = requested == null ? null : current(repository, owner, requested);
    // when the archive was verified, the files placed and the collection registered, for the debug log
    long[] at = {System.nanoTime(), 0, 0};
    vertx.executeBlocking(() -> {
      delete(stage);
      Files.createDirectories(stage);
      return verify(job, lake.fetch(params.getString("archive")), stage);
    }, false)
      .andThen(v -> at[1] = System.nanoTime())
      .compose(manifest -> plan(manifest, params, jobId, owner, early))
      .compose(planned -> vertx.executeBlocking(() -> place(job, planned, stage, moved), false))
      .andThen(v -> at[2] = System.nanoTime())
      .compose(planned -> commitDelayMs > 0 ? vertx.timer(commitDelayMs).map(planned) : Future.succeededFuture(planned))
      .compose(planned -> repository.register(owner, planned.manifest().getJsonObject("collection"),
          planned.plan().name(), planned.plan().existingId(), planned.plan().datasets(), planned.plan().dashboards(),
          who.as("collection.restored", CollectionEvents.RESOURCE, null, null, new JsonObject()
            .put("backup_id", params.getString("backup_id")).put("upload", params.getBoolean("upload", false))))
        .map(done -> result(planned, done)))
      .onSuccess(result -> {
        long now = System.nanoTime();
        LOG.debug("Restore {}: verified and staged in {} ms, placed {} ms later, registered {} ms after that", jobId,
          (at[1] - at[0]) / 1_000_000, (at[2] - at[1]) / 1_000_000, (now - at[2]) / 1_000_000);
        vertx.executeBlocking(() -> delete(stage), false);
        JsonArray replaced = result.getJsonArray("replaced_files");
        vertx.setTimer(fileGraceMs, tid -> replaced.forEach(f -> {
          vertx.fileSystem().delete(dataDir.resolve((String) f).toString()).onFailure(e -> { });
          lake.deleteRemoteLater(vertx, (String) f);
        }));
        result.remove("replaced_files");
        msg.reply(result);
      })
      .onFailure(err -> {
        vertx.executeBlocking(() -> {
          delete(stage);
          for (String f : moved) {
            Files.deleteIfExists(dataDir.resolve(f));
            lake.deleteRemoteLater(vertx, f);
          }
          return null;
        }, false);
        BackupContract.fail(msg, err instanceof ClassCastException
          ? new ApiException(ErrorCode.INVALID_FILE, "The archive's manifest is not valid: " + err.getMessage()) : err,
          "Restore");
      });
  }

  /** Checks every entry's SHA-256 while staging the dataset files. Blocking. */
  private JsonObject verify(JsonObject job, Path archive, Path stage) throws Exception {
    JsonObject manifest = BackupArchive.manifest(archive);
    Map<String, Path> targets = new LinkedHashMap<>();
    int i = 0;
    for (Object o : manifest.getJsonArray("datasets")) {
      targets.put(((JsonObject) o).getString("entry"), stage.resolve((i++) + ".parquet"));
    }
    long total = Math.max(1, BackupArchive.payloadBytes(archive));
    int[] last = {0}; // the job state machine announced 0 when it started the job
    BackupArchive.extract(archive, targets, done -> {
      // in steps of 10: each step the job state machine stores is a write to PostgreSQL
      int percent = (int) Math.min(70, done * 70 / total) / 10 * 10;
      if (percent != last[0]) {
        last[0] = percent;
        JobContract.progress(vertx.eventBus(), job, "processing", percent);
      }
    });
    // the rows a file holds are what its footer says, not what the manifest claims
    int n = 0;
    for (Object o : manifest.getJsonArray("datasets")) {
      JsonObject d = (JsonObject) o;
      Path file = stage.resolve((n++) + ".parquet");
      try {
        d.put("row_count", ParquetFooter.rows(file)).put("size_bytes", Files.size(file));
      } catch (java.io.IOException e) {
        throw new ApiException(ErrorCode.INVALID_FILE, "The archive entry " + d.getString("entry")
          + " is not a readable Parquet file; nothing was restored", new JsonObject().put("entry", d.getString("entry")));
      }
    }
    return manifest;
  }

  /** The plan, from {@code early} when it was read for the same name. */
  private Future<Planned> plan(JsonObject manifest, JsonObject params, UUID jobId, UUID owner,
                               Future<RestorePlan.Current> early) {
    String name = RestorePlan.target(manifest, params.getString("name"));
    return (early != null && name.equals(params.getString("name")) ? early : current(repository, owner, name))
      .map(current -> new Planned(manifest, RestorePlan.of(manifest, name, current, params.getBoolean("overwrite",
        false), params.getBoolean("skip_schema", false), jobId, owner)));
  }

  /** What the caller has now of the target name. */
  static Future<RestorePlan.Current> current(BackupRepository repository, UUID owner, String name) {
    return repository.byName(repository.pool(), owner, name, false).compose(existing -> (existing == null
        ? Future.succeededFuture(List.<io.vertx.sqlclient.Row>of())
        : repository.memberDatasets(repository.pool(), existing.getUUID("id"), owner))
      .compose(members -> (existing == null ? Future.succeededFuture(List.<io.vertx.sqlclient.Row>of())
        : repository.memberDashboards(existing.getUUID("id"), owner))
        .compose(dashboards -> repository.datasetNames(owner)
          .map(names -> new RestorePlan.Current(existing, members, names, dashboards)))));
  }

  /** Moves the staged files to their lake paths and publishes them. Blocking. */
  private Planned place(JsonObject job, Planned planned, Path stage, List<String> moved) throws Exception {
    List<BackupRepository.Restored> datasets = planned.plan().datasets();
    for (int i = 0; i < datasets.size(); i++) {
      String relative = datasets.get(i).file();
      Path target = dataDir.resolve(relative);
      Files.createDirectories(target.getParent());
      moved.add(relative);
      Files.move(stage.resolve(i + ".parquet"), target, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
      lake.publish(relative);
      JobContract.progress(vertx.eventBus(), job, "processing", 70 + 20 * (i + 1) / datasets.size());
    }
    return planned;
  }

  private static JsonObject result(Planned planned, JsonObject done) {
    JsonArray datasets = new JsonArray();
    planned.plan().datasets().forEach(d -> datasets.add(d.toJson()));
    return done.put("name", planned.plan().name()).put("datasets", datasets)
      .put("dashboards", new JsonArray(planned.plan().dashboards().stream().map(RestoredDashboards.Planned::toJson)
        .toList()))
      .put("removed_from_collection", planned.plan().removed())
      .put("schema_only", planned.manifest().getBoolean("schema_only", false));
  }

  /** Removes a folder and everything in it. Blocking. */
  static Void delete(Path dir) throws java.io.IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      }
    }
    return null;
  }
}
