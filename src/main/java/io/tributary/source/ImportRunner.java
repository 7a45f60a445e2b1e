package io.tributary.source;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.ingest.JobContract;
import io.tributary.lake.Lake;
import io.tributary.lake.LakePaths;
import io.tributary.profile.ProfileContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs import jobs ({@code jobs.run.import}): validates the connection again, streams the rows into a Parquet file,
 * makes it the dataset's new version (merged with the current one when appending), profiles it (with the distinct
 * counts the extraction found, when the version is the extracted file itself), and completes the
 * dataset, its profile and the import's last seen value in one transaction. The job itself is completed by the
 * shared state machine with the reply. Idempotent: a run again after a crash writes the same file of its job id. An
 * incremental run that finds no rows past the last value makes no new version ({@code new_version: false}).
 */
final class ImportRunner {

  private static final Logger LOG = LoggerFactory.getLogger(ImportRunner.class);

  private final Vertx vertx;
  private final WorkerExecutor jdbc;
  private final Connector connector;
  private final Function<JsonObject, ConnectionSpec> specs;
  private final ImportRepository repository;
  private final Path dataDir;
  private final Lake lake;
  private final int fetchSize;
  private final String memoryLimit;
  private final int threads;
  private final long fileGraceMs;
  private final long profileTimeoutMs;
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

  ImportRunner(Vertx vertx, WorkerExecutor jdbc, Connector connector, Function<JsonObject, ConnectionSpec> specs,
               ImportRepository repository, Path dataDir, JsonObject cfg, long fileGraceMs) {
    this.vertx = vertx;
    this.jdbc = jdbc;
    this.connector = connector;
    this.specs = specs;
    this.repository = repository;
    this.dataDir = dataDir;
    this.lake = Lake.of(vertx, dataDir);
    this.fetchSize = cfg.getInteger("fetch_size", 10_000);
    this.memoryLimit = cfg.getString("memory_limit", "256MB");
    this.threads = cfg.getInteger("threads", 2);
    this.fileGraceMs = fileGraceMs;
    this.profileTimeoutMs = cfg.getLong("profile_timeout_ms", 3_600_000L);
  }

  void register() {
    vertx.eventBus().<JsonObject>consumer(JobContract.runAddress(SourceContract.IMPORT_JOB), this::run);
    vertx.eventBus().<JsonObject>consumer(JobContract.CANCELLED, msg -> cancelled.add(msg.body().getString("job_id")));
  }

  private void run(Message<JsonObject> msg) {
    JsonObject job = msg.body();
    String jobId = job.getString("job_id");
    UUID datasetId = UUID.fromString(job.getString("dataset_id"));
    String relative = LakePaths.datasetFile(job.getString("owner_id"), datasetId.toString(), jobId);
    long started = System.nanoTime();
    repository.definition(datasetId)
      .compose(found -> found == null ? Future.failedFuture(new ApiException(ErrorCode.NOT_FOUND,
        "The dataset or its connection was deleted")) : Future.succeededFuture(found))
      .compose(found -> jdbc.executeBlocking(() -> extract(job, found, relative), false)
        .compose(extracted -> extracted.getBoolean("new_version")
          ? profile(job, extracted).compose(done -> lake.publishAsync(vertx, relative).map(done))
            .compose(done -> complete(job, datasetId, relative, done))
          : repository.touched(datasetId).map(v -> extracted.put("dataset_id", datasetId.toString()))))
      .onSuccess(reply -> {
        LOG.info("Import {} of dataset {}: {} new rows, {} in all, in {} ms", jobId, datasetId,
          reply.getLong("rows_imported"), reply.getLong("row_count"), (System.nanoTime() - started) / 1_000_000);
        msg.reply(reply);
      })
      .onFailure(err -> SourceVerticle.fail(msg, err))
      .onComplete(x -> cancelled.remove(jobId));
  }

  /** Validates again, extracts and writes the new version; blocking. */
  private JsonObject extract(JsonObject job, JsonObject found, String relative) throws Exception {
    ConnectionSpec spec = specs.apply(found.getJsonObject("connection"));
    connector.validate(spec);
    JobContract.progress(vertx.eventBus(), job, "processing", 5);
    ImportDefinition def = ImportDefinition.from(found.getJsonObject("import"));
    boolean past = def.incrementalColumn() != null && def.lastValue() != null;
    String sql = Extractor.query(def, spec.type(), past);
    Path staged = dataDir.resolve("tmp").resolve(job.getString("job_id") + ".import.parquet");
    Files.createDirectories(staged.getParent());
    Extractor.Extracted extracted;
    AtomicInteger shown = new AtomicInteger(5);
    try (Connection c = connector.open(spec, false)) {
      extracted = new Extractor(fetchSize, memoryLimit, threads, dataDir.resolve("tmp").resolve("import")).extract(c, sql, past ? def.lastValue() : null, def.incrementalColumn(),
        staged, () -> cancelled.contains(job.getString("job_id")),
        rows -> {
          int percent = (int) Math.min(60, 5 + rows / 100_000);
          if (shown.getAndSet(percent) != percent) {
            JobContract.progress(vertx.eventBus(), job, "processing", percent);
          }
        });
      c.rollback();
      LOG.info("Import {}: {} rows read through {}", job.getString("job_id"), extracted.rows(), extracted.via());
    } catch (SQLException e) {
      Files.deleteIfExists(staged);
      throw connector.failedQuery(spec, e);
    }
    boolean ready = found.getString("file_path") != null && "ready".equals(found.getString("dataset_status"));
    if (past && extracted.rows() == 0 && ready) {
      // nothing past the last value: the current version stays, no new one is made
      Files.deleteIfExists(staged);
      return new JsonObject().put("rows_imported", 0L).put("last_value", def.lastValue()).put("new_version", false)
        .put("row_count", found.getLong("dataset_rows")).put("size_bytes", found.getLong("dataset_bytes"))
        .put("note", "no rows past the last value " + def.lastValue() + ": no new version");
    }
    String current = def.appends() && ready ? found.getString("file_path") : null;
    // on an object store the current version may not be on this node yet
    ImportFiles.Version version = ImportFiles.publish(staged, current == null ? null : lake.fetch(current),
      dataDir.resolve(relative), memoryLimit);
    JobContract.progress(vertx.eventBus(), job, "processing", 70);
    return new JsonObject().put("rows_imported", extracted.rows()).put("last_value", extracted.lastValue())
      .put("new_version", true).put("appended", current != null).put("row_count", version.rows())
      .put("size_bytes", version.sizeBytes())
      .put("columns", version.columns()).put("source_type", spec.type())
      .put("distinct_counts", current == null ? new JsonArray(extracted.distinctCounts()) : new JsonArray());
  }

  private Future<JsonObject> profile(JsonObject job, JsonObject extracted) {
    String file = dataDir.resolve(LakePaths.datasetFile(job.getString("owner_id"), job.getString("dataset_id"),
      job.getString("job_id"))).toString();
    return ProfileContract.compute(vertx, ProfileContract.request(file, extracted.getJsonArray("columns"),
      extracted.getJsonArray("distinct_counts")), profileTimeoutMs).map(profile -> extracted.put("profile", profile));
  }

  private Future<JsonObject> complete(JsonObject job, UUID datasetId, String relative, JsonObject done) {
    ImportFiles.Version version = new ImportFiles.Version(done.getLong("row_count"), done.getLong("size_bytes"),
      done.getJsonArray("columns"));
    return repository.complete(datasetId, version, relative, done.getString("source_type"),
        done.getJsonObject("profile"), done.getString("last_value"), ImportRepository.imported(job,
          done.getBoolean("appended", false), done.getLong("rows_imported"), done.getLong("row_count")))
      .map(replaced -> {
        if (replaced != null) {
          // queries that started on the old version may still read it for a while
          vertx.setTimer(fileGraceMs, t -> {
            vertx.fileSystem().delete(dataDir.resolve(replaced).toString())
              .onFailure(e -> LOG.debug("Old version {} not deleted: {}", replaced, e.getMessage()));
            lake.deleteRemoteLater(vertx, replaced);
          });
        }
        return new JsonObject().put("dataset_id", datasetId.toString()).put("row_count", done.getLong("row_count"))
          .put("rows_imported", done.getLong("rows_imported")).put("last_value", done.getString("last_value"))
          .put("size_bytes", done.getLong("size_bytes")).put("new_version", true);
      });
  }
}
