package io.tributary.ingest;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.dataset.ColumnTypes;
import io.tributary.lake.Lake;
import io.tributary.lake.LakePaths;
import io.tributary.metrics.Metrics;
import io.tributary.parquet.ParquetMerge;
import io.tributary.profile.ProfileContract;
import io.tributary.transform.TransformContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs one claimed job through its steps: convert the staged upload (transform worker), profile the Parquet file
 * (profile worker), then complete it in one transaction that also queues its completion event, or fail it with a
 * reason the user can act on. A job interrupted by a shutdown or by PostgreSQL trouble is left processing: its lease
 * runs out and the recovery requeues it.
 */
final class JobRunner {

  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  private final Vertx vertx;
  private final IngestRepository repository;
  private final Path dataDir;
  private final Lake lake;
  private final long jobTimeoutMs;
  private final long fileGraceMs;
  private final BooleanSupplier stopping;
  private final Consumer<UUID> ended;
  /** Jobs of other kinds running here, by id: a cancellation ends the wait for their handler. */
  private final java.util.Map<String, io.vertx.core.Promise<JsonObject>> kinds = new java.util.HashMap<>();

  /** One job on its way: the claimed row, its output file (lake path and absolute) and what the steps returned. */
  private record Run(JsonObject job, String relative, Path output, long claimedNanos, JsonObject converted,
                     JsonObject profile) {
    Run with(JsonObject converted, JsonObject profile) {
      return new Run(job, relative, output, claimedNanos, converted, profile);
    }
  }

  /** @param ended told each job's id once it no longer runs here (done, failed or left to the lease recovery) */
  JobRunner(Vertx vertx, IngestRepository repository, Path dataDir, long jobTimeoutMs, long fileGraceMs,
            BooleanSupplier stopping, Consumer<UUID> ended) {
    this.vertx = vertx;
    this.repository = repository;
    this.dataDir = dataDir;
    this.lake = Lake.of(vertx, dataDir);
    this.jobTimeoutMs = jobTimeoutMs;
    this.fileGraceMs = fileGraceMs;
    this.stopping = stopping;
    this.ended = ended;
    vertx.eventBus().<JsonObject>consumer(JobContract.CANCELLED, msg -> {
      io.vertx.core.Promise<JsonObject> waiting = kinds.remove(msg.body().getString("job_id"));
      if (waiting != null) {
        waiting.tryFail(new Cancelled());
      }
    });
  }

  /** The job was cancelled while its handler worked (it is already marked failed). */
  private static final class Cancelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Cancelled() {
      super("cancelled", null, false, false);
    }
  }

  void run(JsonObject job) {
    if (!JobContract.UPLOAD.equals(job.getString("job_type", JobContract.UPLOAD))) {
      runKind(job);
      return;
    }
    // each job writes its own file in its owner's folder, so a new version never overwrites the one queries read
    String relative = LakePaths.datasetFile(job.getString("owner_id"), job.getString("dataset_id"), job.getString("job_id"));
    Run run = new Run(job, relative, dataDir.resolve(relative), System.nanoTime(), null, null);
    Metrics.jobStarted();
    JobContract.progress(vertx.eventBus(), job, "processing", 0);
    boolean appends = job.getBoolean("appends", false);
    staged(run)
      .compose(this::convert)
      .compose(converted -> appends ? append(converted) : profile(converted).compose(this::publish).compose(this::complete))
      .onSuccess(state -> finished(run, state, true))
      .onFailure(err -> failed(run, err));
  }

  /** A job of another kind: its handler does the work; the job completes with what the handler answers. */
  private void runKind(JsonObject job) {
    Run run = new Run(job, null, null, System.nanoTime(), null, null);
    Metrics.jobStarted();
    JobContract.progress(vertx.eventBus(), job, "processing", 0);
    long timeout = job.getJsonObject("params", new JsonObject()).getLong("timeout_ms", jobTimeoutMs);
    io.vertx.core.Promise<JsonObject> handled = io.vertx.core.Promise.promise();
    kinds.put(job.getString("job_id"), handled);
    JobContract.run(vertx, job, timeout).onComplete(ar -> {
      if (ar.succeeded()) {
        handled.tryComplete(ar.result());
      } else {
        handled.tryFail(ar.cause());
      }
    });
    handled.future()
      .eventually(() -> {
        kinds.remove(job.getString("job_id"));
        return Future.succeededFuture();
      })
      .compose(result -> repository.completeKind(job, result == null ? new JsonObject() : result))
      .onSuccess(state -> finished(run, state, true))
      .onFailure(err -> {
        if (err instanceof Cancelled) {
          ended.accept(UUID.fromString(job.getString("job_id")));
        } else {
          failed(run, err);
        }
      });
  }

  /** The staged upload on this node: fetched from the lake when another node received it. */
  private Future<Run> staged(Run run) {
    String staging = run.job().getString("staging_path");
    if (!lake.remote() || staging == null) {
      return Future.succeededFuture(run);
    }
    String relative = "staging/" + run.job().getString("job_id");
    return vertx.executeBlocking(() -> lake.fetch(relative).toString(), false)
      .map(local -> new Run(run.job().copy().put("staging_path", local), run.relative(), run.output(),
        run.claimedNanos(), null, null));
  }

  /** Publishes the dataset file to the lake before PostgreSQL registers it. */
  private Future<Run> publish(Run run) {
    return lake.publishAsync(vertx, run.relative()).map(run);
  }

  private Future<Run> convert(Run run) {
    return TransformContract.convert(vertx, TransformContract.request(run.job(), run.output().toString()), jobTimeoutMs)
      .map(converted -> run.with(converted, null));
  }

  private Future<Run> profile(Run run) {
    JobContract.progress(vertx.eventBus(), run.job(), "processing", TransformContract.PROGRESS_SHARE);
    JsonObject request = ProfileContract.request(run.output().toString(), run.converted().getJsonArray("columns"),
      run.converted().getJsonArray("distinct_counts"));
    return ProfileContract.compute(vertx, request, jobTimeoutMs).map(profile -> run.with(run.converted(), profile));
  }

  private Future<JsonObject> complete(Run run) {
    return repository.complete(run.job(), run.converted(), run.profile(), run.relative());
  }

  /**
   * An append: the converted rows must fit the dataset's schema; they are merged with the version locked by
   * {@link IngestRepository#completeAppend} into a new file, which is profiled and published before it is registered.
   */
  private Future<JsonObject> append(Run run) {
    JobContract.progress(vertx.eventBus(), run.job(), "processing", TransformContract.PROGRESS_SHARE);
    return repository.completeAppend(run.job(), run.converted(), locked -> {
      JsonArray schema = locked.getJsonArray("schema");
      ColumnTypes.requireMatch(schema, run.converted().getJsonArray("columns"),
        run.converted().getJsonArray("distinct_counts"));
      String relative = LakePaths.datasetFile(locked.getString("owner_id"), locked.getString("dataset_id"),
        "append-" + run.job().getString("job_id"));
      Path merged = dataDir.resolve(relative);
      String base = locked.getString("file_path");
      return lake.ensure(vertx, List.of(base))
        .compose(v -> vertx.executeBlocking(() -> new JsonObject().put("file", relative)
          .put("row_count", ParquetMerge.append(dataDir.resolve(base), run.output(), schema, merged))
          .put("size_bytes", java.nio.file.Files.size(merged)), false))
        .compose(written -> ProfileContract.compute(vertx, ProfileContract.request(merged.toString(), schema,
            new JsonArray()), jobTimeoutMs)
          .compose(profile -> lake.publishAsync(vertx, relative).map(v -> written.put("profile", profile))))
        .onFailure(e -> vertx.fileSystem().delete(merged.toString()).onFailure(x -> { }));
    });
  }

  private void failed(Run run, Throwable err) {
    JsonObject job = run.job();
    ApiException failure = err instanceof ReplyException reply ? ApiException.fromReply(reply)
      : err instanceof ApiException api && api.code().status() < 500 ? api : null;
    boolean userError = failure != null && failure.code().status() < 500;
    boolean interrupted = stopping.getAsBoolean() || failure != null && failure.code() == ErrorCode.SERVICE_UNAVAILABLE;
    if (interrupted || !userError && !(err instanceof ReplyException)) {
      // shutting down, or PostgreSQL trouble while completing: keep the staged file; the lease recovery resumes it
      if (!interrupted) {
        LOG.error("Job {} could not be completed; it will be retried", job.getString("job_id"), err);
      }
      ended.accept(UUID.fromString(job.getString("job_id")));
      return;
    }
    String reason = userError ? failure.getMessage()
      : "Processing failed: " + (failure != null && failure.code() == ErrorCode.TIMEOUT
      ? "the job took longer than its timeout" : "internal error (see server log)");
    if (!userError) {
      LOG.error("Job {} failed", job.getString("job_id"), err);
    }
    if (failure != null && failure.code() == ErrorCode.TIMEOUT) {
      // its handler may still be working: tell it to stop
      vertx.eventBus().publish(JobContract.CANCELLED, new JsonObject().put("job_id", job.getString("job_id")));
    }
    repository.fail(job, reason)
      .onSuccess(state -> finished(run, state, false))
      .onFailure(e -> {
        LOG.error("Job {} could not be marked failed; it will be retried", job.getString("job_id"), e);
        ended.accept(UUID.fromString(job.getString("job_id")));
      });
  }

  private void finished(Run run, JsonObject state, boolean completed) {
    JsonObject job = run.job();
    if (state != null) {
      long nanos = System.nanoTime() - run.claimedNanos();
      Metrics.jobFinished(completed ? "completed" : "failed", nanos);
      // a failure is logged here once, with the reason the user gets (input problems carry no stack trace)
      LOG.info("Job {} {} {} ms after its claim{}", job.getString("job_id"), completed ? "completed" : "failed",
        nanos / 1_000_000, completed ? "" : ": " + state.getString("error"));
      JobContract.wakeOutbox(vertx.eventBus());
      String replaced = state.getString("replaced_file");
      if (replaced != null) {
        // queries that started on the old version may still read it for a while
        vertx.setTimer(fileGraceMs, id -> {
          vertx.fileSystem().delete(dataDir.resolve(replaced).toString())
            .onFailure(e -> LOG.debug("Old version {} not deleted: {}", replaced, e.getMessage()));
          lake.deleteRemoteLater(vertx, replaced);
        });
      }
    }
    if (job.getBoolean("appends", false) && run.output() != null) {
      // an append's own rows live on in the merged version
      vertx.fileSystem().delete(run.output().toString()).onFailure(e -> { });
    }
    if (job.getString("staging_path") != null) {
      vertx.fileSystem().delete(job.getString("staging_path")).onFailure(e -> { });
      if (lake.remote()) {
        // the copy fetched here, if another node received the upload
        vertx.fileSystem().delete(dataDir.resolve("staging").resolve(job.getString("job_id")).toString())
          .onFailure(e -> { });
        if (state != null) {
          lake.deleteRemoteLater(vertx, "staging/" + job.getString("job_id"));
        }
      }
    }
    ended.accept(UUID.fromString(job.getString("job_id")));
  }
}
