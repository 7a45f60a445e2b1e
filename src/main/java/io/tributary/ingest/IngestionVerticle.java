package io.tributary.ingest;

import io.tributary.config.Sections;
import io.tributary.db.Database;
import io.tributary.kafka.KafkaSettings;
import io.tributary.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.common.TopicPartition;
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
 * The job state machine's entry: consumes {@code data.ingestion}, claims each job (queued → processing, under a
 * lease) when it has room for it, and hands it to a {@link JobRunner}. The Kafka offset of an event is committed
 * once its claim is durable. A graceful stop hands this process's running jobs back to the queue.
 */
public final class IngestionVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(IngestionVerticle.class);

  private IngestRepository repository;
  private JobRunner runner;
  private KafkaConsumer<String, String> consumer;
  private String workerId;
  private int leaseSeconds;
  private int maxConcurrent;
  /** Jobs running here, with the last progress stored for each. */
  private final Map<UUID, Integer> running = new HashMap<>();
  private boolean paused;
  private volatile boolean stopping;

  @Override
  public Future<?> start() {
    JsonObject cfg = config();
    JsonObject node = cfg.getJsonObject(Sections.NODE);
    Path dataDir = Path.of(node.getString("data_dir"));
    workerId = node.getString("node_id");
    leaseSeconds = cfg.getInteger("job_lease_seconds", 60);
    maxConcurrent = Math.max(1, cfg.getInteger("max_concurrent_jobs", 2));
    repository = new IngestRepository(Database.pool(vertx, cfg.getJsonObject("postgres")),
      cfg.getJsonObject("kafka").getJsonObject("topics"));
    runner = new JobRunner(vertx, repository, dataDir, cfg.getLong("job_timeout_minutes", 120L) * 60_000,
      node.getLong("file_grace_ms"), () -> stopping, this::ended);
    JobHousekeeping housekeeping = new JobHousekeeping(vertx, repository, dataDir, leaseSeconds,
      cfg.getInteger("max_attempts", 3), node.getLong("file_grace_ms"));
    housekeeping.start(running::keySet);

    vertx.eventBus().<JsonObject>localConsumer(JobContract.PROGRESS, msg -> persistProgress(msg.body()));
    AtomicLong lag = Metrics.gauge("tributary_ingestion_consumer_lag", "data.ingestion events not yet consumed");
    vertx.setPeriodic(10_000, id -> consumerLag().onSuccess(lag::set));

    JsonObject kafka = cfg.getJsonObject("kafka");
    consumer = KafkaConsumer.create(vertx, KafkaSettings.staticConsumer(kafka, "tributary-ingestion", "earliest",
      "ingestion-" + workerId));
    consumer.handler(this::onRecord);
    consumer.exceptionHandler(err -> LOG.warn("Ingestion consumer error: {}", err.getMessage()));
    // claims only after the recovery: it takes this node's "processing" jobs for leftovers of a previous run
    return housekeeping.recoverOrphans(workerId)
      .compose(v -> housekeeping.cleanStaging())
      .compose(v -> vertx.eventBus().<JsonObject>localConsumer(JobContract.JOB_QUEUED, msg -> claimQueued(msg.body()))
        .completion())
      .compose(v -> consumer.subscribe(kafka.getJsonObject("topics").getString("ingestion")));
  }

  /**
   * Stops consuming and hands this process's running jobs back to the queue (see {@link IngestRepository#handBack}).
   * Nothing calls the consumer once {@code stopping} is set (see verticles.md, "Kafka consumers").
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    return consumer.close().otherwiseEmpty()
      .compose(v -> repository.handBack(workerId))
      .onSuccess(n -> {
        if (n > 0) {
          LOG.info("Handed {} running job(s) back to the queue", n);
          JobContract.wakeOutbox(vertx.eventBus());
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
    claimAndRun(jobId).onFailure(err -> LOG.debug("Early claim of job {} failed ({}); its event will claim it", jobId,
      err.getMessage()));
  }

  /** Claims the job and starts it; nothing happens when it is no longer queued (someone claimed it already). */
  private Future<Void> claimAndRun(UUID jobId) {
    return repository.claim(jobId, leaseSeconds, workerId).map(job -> {
      if (job != null) {
        running.put(jobId, 0);
        runner.run(job);
      }
      return null;
    });
  }

  /** Commits exactly this record (records fetched but not yet handled stay uncommitted). */
  private void commitAndContinue(KafkaConsumerRecord<String, String> record) {
    if (stopping) {
      return;
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

  /** A job no longer runs here: room for the next one. */
  private void ended(UUID jobId) {
    running.remove(jobId);
    if (paused && running.size() < maxConcurrent && !stopping) {
      paused = false;
      consumer.resume();
    }
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
}
