package io.tributary.collection;

import io.tributary.config.Sections;
import io.tributary.db.Database;
import io.tributary.ingest.JobContract;
import io.tributary.lake.Lake;
import io.tributary.parquet.ParquetFooter;
import io.tributary.parquet.ParquetMerge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Runs the job kinds {@value BackupContract#BACKUP} and {@value BackupContract#RESTORE} on the event loop; archives are
 * written, read and verified with {@code executeBlocking}. Backups go to the lake ({@code backups/<owner>/<id>.zip}).
 * A restore stages its files under {@code restore/<job id>/} (removed at every start: a killed restore leaves
 * nothing there), and only {@link RestoreJob}'s one transaction makes anything visible.
 */
public final class BackupVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BackupVerticle.class);

  private BackupRepository repository;
  private Lake lake;
  private Path dataDir;
  private RestoreJob restores;

  @Override
  public Future<?> start() {
    repository = new BackupRepository(Database.pool(vertx, config().getJsonObject("postgres")));
    JsonObject node = config().getJsonObject(Sections.NODE);
    dataDir = Path.of(node.getString("data_dir"));
    lake = Lake.of(vertx, dataDir);
    restores = new RestoreJob(vertx, repository, lake, dataDir, node.getLong("file_grace_ms", 60_000L),
      config().getLong("restore_commit_delay_ms", 0L));
    vertx.executeBlocking(() -> {
      ParquetFooter.warmUp();
      return null;
    }, false).onFailure(e -> LOG.warn("Parquet footer reader warm-up failed: {}", e.getMessage()));
    return vertx.executeBlocking(() -> removeStaged(dataDir.resolve(BackupContract.RESTORE_DIR)), false)
      .compose(n -> vertx.eventBus().<JsonObject>consumer(JobContract.runAddress(BackupContract.BACKUP), this::backup)
        .completion())
      .compose(v -> vertx.eventBus().<JsonObject>consumer(JobContract.runAddress(BackupContract.RESTORE), restores::run)
        .completion());
  }

  /** Removes what restores of a previous life of this process staged. */
  private static Void removeStaged(Path dir) throws java.io.IOException {
    boolean any;
    try (Stream<Path> files = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
      any = files.findAny().isPresent();
    }
    if (any) {
      RestoreJob.delete(dir);
      LOG.info("Removed the files staged by interrupted restores");
    }
    return null;
  }

  private void backup(Message<JsonObject> msg) {
    JsonObject job = msg.body();
    JsonObject params = job.getJsonObject("params");
    UUID owner = UUID.fromString(job.getString("owner_id"));
    UUID collectionId = UUID.fromString(params.getString("collection_id"));
    UUID backupId = UUID.fromString(params.getString("backup_id"));
    boolean schemaOnly = params.getBoolean("schema_only", false);
    String relative = params.getString("file");
    List<String> temporary = new ArrayList<>();
    repository.contents(collectionId, owner)
      .compose(contents -> {
        List<String> files = contents.getJsonArray("datasets").stream().map(JsonObject.class::cast)
          .flatMap(d -> d.getJsonArray("parts").isEmpty() ? Stream.of(d.getString("file_path"))
            : d.getJsonArray("parts").stream().map(String::valueOf)).toList();
        return lake.ensure(vertx, files).map(contents);
      })
      .compose(contents -> vertx.executeBlocking(() -> write(job, contents, schemaOnly, relative, temporary), false))
      .compose(manifest -> lake.publishAsync(vertx, relative).map(manifest))
      .compose(manifest -> {
        long bytes = dataDir.resolve(relative).toFile().length();
        JsonArray datasets = manifest.getJsonArray("datasets");
        long rows = datasets.stream().mapToLong(d -> ((JsonObject) d).getLong("row_count", 0L)).sum();
        return repository.finish(backupId, bytes, datasets.size(), schemaOnly ? 0 : rows)
          .map(v -> new JsonObject().put("backup_id", backupId.toString()).put("collection_id", collectionId.toString())
            .put("size_bytes", bytes).put("dataset_count", datasets.size()).put("row_count", schemaOnly ? 0 : rows)
            .put("schema_only", schemaOnly).put("skipped", manifest.getJsonArray("skipped")));
      })
      .eventually(() -> {
        temporary.forEach(f -> vertx.fileSystem().delete(f).onFailure(e -> { }));
        return Future.succeededFuture();
      })
      .onSuccess(msg::reply)
      .onFailure(err -> BackupContract.fail(msg, err, "Backup"));
  }

  /**
   * Writes the archive (blocking); a schema-only backup stores an empty Parquet file of each dataset's schema. A
   * dataset a stream fills is stored as its part files merged into one, a plain dataset from then on
   * ({@code backed_up_from: "stream"}, its rows those of the merged parts).
   */
  private JsonObject write(JsonObject job, JsonObject contents, boolean schemaOnly, String relative,
                           List<String> temporary) throws Exception {
    List<BackupArchive.Entry> entries = new ArrayList<>();
    JsonArray datasets = new JsonArray();
    long total = 0;
    for (Object o : contents.getJsonArray("datasets")) {
      JsonObject d = ((JsonObject) o).copy();
      JsonArray parts = (JsonArray) d.remove("parts");
      String temp = "backup-" + job.getString("job_id") + "-" + d.getString("id");
      Path file = d.getString("file_path") == null ? null : dataDir.resolve(d.getString("file_path"));
      if (!parts.isEmpty()) {
        Path merged = dataDir.resolve("tmp").resolve(temp + "-merged.parquet");
        Files.createDirectories(merged.getParent());
        temporary.add(merged.toString());
        long rows = ParquetMerge.merge(parts.stream().map(p -> dataDir.resolve((String) p)).toList(), merged);
        file = merged;
        d.put("row_count", rows).put("size_bytes", Files.size(merged)).put("source_type", "parquet")
          .put("backed_up_from", "stream");
      }
      if (schemaOnly) {
        Path empty = dataDir.resolve("tmp").resolve(temp + ".parquet");
        ClearRoutes.emptyCopy(file, empty);
        temporary.add(empty.toString());
        file = empty;
        d.put("row_count", 0L).put("size_bytes", Files.size(empty)).putNull("profile");
      }
      String entry = BackupArchive.datasetEntry(d.getString("id"));
      entries.add(new BackupArchive.Entry(entry, file));
      total += Files.size(file);
      d.remove("file_path");
      d.remove("kind");
      datasets.add(d.put("entry", entry));
    }
    JsonArray skipped = new JsonArray();
    for (Object o : contents.getJsonArray("items")) {
      JsonObject item = (JsonObject) o;
      boolean kept = "dataset".equals(item.getString("type")) && datasets.stream()
        .anyMatch(d -> ((JsonObject) d).getString("id").equals(item.getString("id")));
      boolean dashboard = "dashboard".equals(item.getString("type"));
      if (!kept && !dashboard) {
        skipped.add(item.copy().put("reason", switch (item.getString("type")) {
          case "dataset" -> "only ready datasets with data are backed up";
          case "stream" -> "a stream's consumer is not backed up; its dataset is, as a plain dataset, when it is a member";
          default -> "only datasets and dashboards are backed up";
        }));
      }
    }
    JsonObject manifest = new JsonObject().put("created_at", java.time.Instant.now().toString())
      .put("schema_only", schemaOnly).put("collection", contents.getJsonObject("collection"))
      .put("datasets", datasets).put("dashboards", contents.getJsonArray("dashboards")).put("skipped", skipped);
    long size = Math.max(1, total);
    int[] last = {-1};
    return BackupArchive.write(dataDir.resolve(relative), entries, manifest, done -> {
      int percent = (int) Math.min(95, done * 95 / size);
      if (percent != last[0]) {
        last[0] = percent;
        JobContract.progress(vertx.eventBus(), job, "processing", percent);
      }
    });
  }
}
