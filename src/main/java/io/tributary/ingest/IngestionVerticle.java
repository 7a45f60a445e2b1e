package io.tributary.ingest;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.bus.JobEvents;
import io.tributary.db.Database;
import io.tributary.kafka.KafkaSettings;
import io.tributary.lake.LakePaths;
import io.tributary.metrics.Metrics;
import io.tributary.profile.ProfileContract;
import io.tributary.transform.TransformContract;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Drives each ingestion job through its state machine: consumes {@code data.ingestion}, claims the job
 * (queued → processing, under a lease), asks the transform worker for the Parquet file and the profile
 * worker for its profile, then completes it in one transaction that also queues
 * {@code data.processing.complete} in the outbox (or fails it with a readable reason). Offsets are committed
 * once the claim is durable; a job whose process dies is requeued when its lease runs out (at once when the
 * same process restarts).
 */
public final class IngestionVerticle extends VerticleBase {

  /**
   * Publish (local): the outbox relay of this process has just committed a job's {@code data.ingestion} event to
   * Kafka. Body {@code {job_id}}. The ingestion verticle claims the job at once when it has room, instead of waiting
   * for its consumer to fetch the event; the claim is idempotent, so the event then finds the job claimed. (Nothing
   * runs before its event is in Kafka: with Kafka down, jobs stay queued in the outbox.)
   */
  public static final String JOB_QUEUED = "ingest.job.queued";

  private static final Logger LOG = LoggerFactory.getLogger(IngestionVerticle.class);

  private Pool pool;
  private IngestRepository repository;
  private KafkaConsumer<String, String> consumer;
  private Path dataDir;
  private String workerId;
  private int leaseSeconds;
  private int maxConcurrent;
  private int maxAttempts;
  private long jobTimeoutMs;
  private long replacedFileGraceMs;
  private final Map<UUID, Integer> running = new HashMap<>();
  private boolean paused;
  private volatile boolean stopping;

  @Override
  public Future<?> start() {
    JsonObject ingest = config().getJsonObject("ingest");
    dataDir = Path.of(config().getString("data_dir"));
    workerId = config().getString("node_id");
    leaseSeconds = ingest.getInteger("job_lease_seconds", 60);
    maxConcurrent = Math.max(1, ingest.getInteger("max_concurrent_jobs", 2));
    maxAttempts = ingest.getInteger("max_attempts", 3);
    jobTimeoutMs = ingest.getLong("job_timeout_minutes", 120L) * 60_000;
    replacedFileGraceMs = Math.max(1_000L, config().getJsonObject("query").getLong("timeout_ms", 30_000L) * 2);
    pool = Database.pool(vertx, config().getJsonObject("postgres"));
    repository = new IngestRepository(pool, config().getJsonObject("kafka").getJsonObject("topics"));

    vertx.eventBus().<JsonObject>consumer(JobEvents.PROGRESS, msg -> persistProgress(msg.body()));
    vertx.setPeriodic(leaseSeconds * 1000L / 3, id -> renewLeases());
    vertx.setPeriodic(Math.max(1000, leaseSeconds * 1000L / 2), id -> recoverOrphans(null));
    vertx.setTimer(10_000, id -> sweepLake());
    AtomicLong lag = Metrics.gauge("tributary_ingestion_consumer_lag", "data.ingestion events not yet consumed");
    vertx.setPeriodic(10_000, id -> consumerLag().onSuccess(lag::set));
    vertx.setPeriodic(3_600_000, id -> sweepLake());

    JsonObject kafka = config().getJsonObject("kafka");
    consumer = KafkaConsumer.create(vertx, KafkaSettings.staticConsumer(kafka, "tributary-ingestion", "earliest",
      "ingestion-" + workerId));
    consumer.handler(this::onRecord);
    consumer.exceptionHandler(err -> LOG.warn("Ingestion consumer error: {}", err.getMessage()));
    // claims only after the recovery: it takes this node's "processing" jobs for leftovers of a previous run
    return recoverOrphans(workerId)
      .compose(v -> cleanStaging())
      .compose(v -> vertx.eventBus().<JsonObject>localConsumer(JOB_QUEUED, msg -> claimQueued(msg.body())).completion())
      .compose(v -> consumer.subscribe(kafka.getJsonObject("topics").getString("ingestion")));
  }

  /**
   * Stops consuming and hands this process's running jobs back to the queue (see {@link IngestRepository#handBack}).
   * Nothing calls the consumer once {@code stopping} is set: Vert.x's consumer starts a new poll thread for a call
   * after close(), which would leave a second member under this node's static instance id.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    return consumer.close().otherwiseEmpty()
      .compose(v -> repository.handBack(workerId))
      .onSuccess(n -> {
        if (n > 0) {
          LOG.info("Handed {} running job(s) back to the queue", n);
          vertx.eventBus().publish(JobEvents.OUTBOX_WAKEUP, null);
        }
      })
      .otherwise(err -> {
        LOG.warn("Running jobs not handed back ({}); they resume when their lease runs out", err.getMessage());
        return 0;
      });
  }

  private void onRecord(KafkaConsumerRecord<String, String> record) {
    if (stopping) {
      return; // not committed: the next consumer of the partition reads it again
    }
    consumer.pause();
    UUID jobId;
    try {
      jobId = UUID.fromString(new JsonObject(record.value()).getJsonObject("payload").getString("job_id"));
    } catch (RuntimeException e) {
      LOG.warn("Skipping malformed ingestion event at offset {}: {}", record.offset(), e.getMessage());
      commitAndContinue(record);
      return;
    }
    claimAndRun(jobId)
      .onSuccess(v -> commitAndContinue(record))
      .onFailure(err -> {
        // PostgreSQL unreachable: the event stays uncommitted; retry the same record shortly
        LOG.warn("Could not claim job {}: {}; retrying", jobId, err.getMessage());
        vertx.setTimer(2_000, id -> onRecord(record));
      });
  }

  /** Claims a job whose event was just relayed, if there is room; otherwise its Kafka event brings it later. */
  private void claimQueued(JsonObject event) {
    UUID jobId = UUID.fromString(event.getString("job_id"));
    if (stopping || running.size() >= maxConcurrent || running.containsKey(jobId)) {
      return;
    }
    claimAndRun(jobId).onFailure(err -> LOG.debug("Early claim of job {} failed ({}); its event will claim it", jobId, err.getMessage()));
  }

  /** Claims the job and starts it; nothing happens when it is no longer queued (someone claimed it already). */
  private Future<Void> claimAndRun(UUID jobId) {
    return repository.claim(jobId, leaseSeconds, workerId).map(job -> {
      if (job != null) {
        running.put(jobId, 0);
        run(job);
      }
      return null;
    });
  }

  /** Commits exactly this record (records fetched but not yet handled stay uncommitted). */
  private void commitAndContinue(KafkaConsumerRecord<String, String> record) {
    if (stopping) {
      return; // see stop(): nothing may call the consumer once it is closing
    }
    consumer.commit(Map.of(new TopicPartition(record.topic(), record.partition()),
      new OffsetAndMetadata(record.offset() + 1, ""))).onComplete(done -> {
      if (running.size() < maxConcurrent) {
        consumer.resume();
      } else {
        paused = true;
      }
    });
  }

  private void run(JsonObject job) {
    UUID jobId = UUID.fromString(job.getString("job_id"));
    // the lake is organised by owner, so one directory holds everything a user's queries may read; each job
    // writes its own file, so a new version never overwrites the one queries are reading
    String relative = LakePaths.datasetFile(job.getString("owner_id"), job.getString("dataset_id"), job.getString("job_id"));
    Path output = dataDir.resolve(relative);
    DeliveryOptions longCall = new DeliveryOptions().setSendTimeout(jobTimeoutMs);
    Metrics.jobStarted();
    job.put("claimed_nanos", System.nanoTime());
    publishProgress(job, "processing", 0);
    JsonObject convert = new JsonObject()
      .put("job_id", job.getString("job_id"))
      .put("dataset_id", job.getString("dataset_id"))
      .put("owner_id", job.getString("owner_id"))
      .put("input", job.getString("staging_path"))
      .put("source_type", job.getString("source_type"))
      .put("skip_bad_rows", job.getBoolean("skip_bad_rows"))
      .put("output", output.toString());
    vertx.eventBus().<JsonObject>request(TransformContract.CONVERT, convert, longCall)
      .compose(converted -> {
        publishProgress(job, "processing", TransformContract.PROGRESS_SHARE);
        JsonObject request = new JsonObject().put("file", output.toString())
          .put("columns", converted.body().getJsonArray("columns"))
          .put("distinct_counts", converted.body().getJsonArray("distinct_counts"));
        return vertx.eventBus().<JsonObject>request(ProfileContract.COMPUTE, request, longCall)
          .compose(profile -> repository.complete(job, converted.body(), profile.body(), relative));
      })
      .onSuccess(done -> finished(job, done, true))
      .onFailure(err -> onJobFailure(job, err));
  }

  private void onJobFailure(JsonObject job, Throwable err) {
    ApiException failure = err instanceof ReplyException reply ? io.tributary.http.ErrorHandler.fromReply(reply) : null;
    boolean userError = failure != null && failure.code().status() < 500;
    boolean interrupted = stopping || failure != null && failure.code() == ErrorCode.SERVICE_UNAVAILABLE;
    if (interrupted || !userError && !(err instanceof ReplyException)) {
      // shutting down, or PostgreSQL trouble while completing: keep the staged file; lease recovery resumes the job
      if (!interrupted) {
        LOG.error("Job {} could not be completed; it will be retried", job.getString("job_id"), err);
      }
      running.remove(UUID.fromString(job.getString("job_id")));
      resumeIfRoom();
      return;
    }
    String reason = userError ? failure.getMessage()
      : "Processing failed: " + (failure != null && failure.code() == ErrorCode.TIMEOUT
      ? "the job took longer than the configured timeout" : "internal error (see server log)");
    if (!userError) {
      LOG.error("Job {} failed", job.getString("job_id"), err);
    }
    repository.fail(job, reason)
      .onSuccess(failed -> finished(job, failed, false))
      .onFailure(e -> {
        LOG.error("Job {} could not be marked failed; it will be retried", job.getString("job_id"), e);
        running.remove(UUID.fromString(job.getString("job_id")));
        resumeIfRoom();
      });
  }

  private void finished(JsonObject job, JsonObject state, boolean completed) {
    UUID jobId = UUID.fromString(job.getString("job_id"));
    running.remove(jobId);
    if (state != null) {
      long nanos = System.nanoTime() - job.getLong("claimed_nanos", System.nanoTime());
      Metrics.jobFinished(completed ? "completed" : "failed", nanos);
      // a failure is logged here once, with the reason the user gets (input problems carry no stack trace)
      LOG.info("Job {} {} {} ms after its claim{}", job.getString("job_id"), completed ? "completed" : "failed",
        nanos / 1_000_000, completed ? "" : ": " + state.getString("error"));
      vertx.eventBus().publish(JobEvents.OUTBOX_WAKEUP, null);
      String replaced = state.getString("replaced_file");
      if (replaced != null) {
        // queries that started on the old version may still read it for a while
        vertx.setTimer(replacedFileGraceMs, id -> vertx.fileSystem().delete(dataDir.resolve(replaced).toString())
          .onFailure(e -> LOG.debug("Old version {} not deleted: {}", replaced, e.getMessage())));
      }
    }
    vertx.fileSystem().delete(job.getString("staging_path")).onFailure(e -> { });
    resumeIfRoom();
  }

  private void resumeIfRoom() {
    if (paused && running.size() < maxConcurrent && !stopping) {
      paused = false;
      consumer.resume();
    }
  }

  private void publishProgress(JsonObject job, String status, int progress) {
    vertx.eventBus().publish(JobEvents.PROGRESS, new JsonObject()
      .put("job_id", job.getString("job_id")).put("dataset_id", job.getString("dataset_id"))
      .put("owner_id", job.getString("owner_id")).put("status", status).put("progress", progress));
  }

  /** Stores progress at most once per 5 points per job, extending the lease as it goes. */
  private void persistProgress(JsonObject event) {
    UUID jobId = UUID.fromString(event.getString("job_id"));
    Integer last = running.get(jobId);
    int progress = event.getInteger("progress", 0);
    if (last == null || progress < last + 5) {
      return;
    }
    running.put(jobId, progress);
    repository.progress(jobId, progress, leaseSeconds)
      .onFailure(err -> LOG.debug("Progress of job {} not stored: {}", jobId, err.getMessage()));
  }

  private void renewLeases() {
    if (!running.isEmpty()) {
      repository.renewLeases(new ArrayList<>(running.keySet()), leaseSeconds)
        .onFailure(err -> LOG.warn("Could not renew job leases: {}", err.getMessage()));
    }
  }

  /**
   * Removes staged uploads no job needs: uploads a crash interrupted before their job existed (at start nothing of
   * this process is uploading). Failures are logged, never fatal.
   */
  private Future<Void> cleanStaging() {
    Path staging = dataDir.resolve("staging");
    return repository.activeStaging().compose(active -> vertx.executeBlocking(() -> {
      int removed = 0;
      if (java.nio.file.Files.isDirectory(staging)) {
        try (var files = java.nio.file.Files.list(staging)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            if (!active.contains(f.toString()) && java.nio.file.Files.deleteIfExists(f)) {
              removed++;
            }
          }
        }
      }
      if (removed > 0) {
        LOG.info("Removed {} staged upload(s) of interrupted uploads", removed);
      }
      return null;
    })).<Void>mapEmpty().otherwise(err -> {
      LOG.warn("Staging clean-up skipped: {}", err.getMessage());
      return null;
    });
  }

  /** Events of the partitions this process consumes that it has not read yet (end offset − position). */
  private Future<Long> consumerLag() {
    if (stopping) {
      return Future.succeededFuture(0L);
    }
    return consumer.assignment().compose(assigned -> {
      if (assigned.isEmpty()) {
        return Future.succeededFuture(0L);
      }
      return consumer.endOffsets(assigned).compose(ends -> {
        List<Future<Long>> gaps = new ArrayList<>();
        ends.forEach((tp, end) -> gaps.add(consumer.position(tp).map(position -> Math.max(0, end - position))));
        return Future.all(gaps).map(all -> gaps.stream().mapToLong(Future::result).sum());
      });
    }).otherwise(err -> -1L);
  }

  /** Removes lake files no dataset refers to (older than the replaced-file grace period). */
  private void sweepLake() {
    repository.liveFiles()
      .compose(live -> vertx.executeBlocking(() -> LakeSweeper.sweep(dataDir, live, replacedFileGraceMs)))
      .onFailure(err -> LOG.warn("Lake sweep failed: {}", err.getMessage()));
  }

  /** Requeues (or fails) jobs of dead workers; {@code previousSelf} is this node's id at start, else null. */
  private Future<Void> recoverOrphans(String previousSelf) {
    return repository.recoverOrphans(previousSelf, maxAttempts,
        path -> path == null ? Future.succeededFuture(false) : vertx.fileSystem().exists(path))
      .compose(n -> repository.reannounceStale(leaseSeconds * 5).map(m -> n + m))
      .onSuccess(n -> {
        if (n > 0) {
          LOG.info("Recovered {} interrupted job(s)", n);
          vertx.eventBus().publish(JobEvents.OUTBOX_WAKEUP, null);
        }
      })
      .recover(err -> {
        LOG.warn("Orphaned job recovery failed: {}", err.getMessage());
        return Future.succeededFuture();
      })
      .mapEmpty();
  }
}
