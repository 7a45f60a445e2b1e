package io.tributary.ingest;

import io.tributary.lake.Lake;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The timers around the job state machine: lease renewal of this process's running jobs, recovery of jobs whose
 * process died (requeued while attempts remain, else failed), and the removal of files nothing refers to (staged
 * uploads of interrupted requests, lake files of deleted or replaced versions). Failures are logged, never fatal.
 */
final class JobHousekeeping {

  private static final Logger LOG = LoggerFactory.getLogger(JobHousekeeping.class);

  private final Vertx vertx;
  private final IngestRepository repository;
  private final Path dataDir;
  private final int leaseSeconds;
  private final int maxAttempts;
  private final long fileGraceMs;

  JobHousekeeping(Vertx vertx, IngestRepository repository, Path dataDir, int leaseSeconds, int maxAttempts,
                  long fileGraceMs) {
    this.vertx = vertx;
    this.repository = repository;
    this.dataDir = dataDir;
    this.leaseSeconds = leaseSeconds;
    this.maxAttempts = maxAttempts;
    this.fileGraceMs = fileGraceMs;
  }

  /** Starts the timers; {@code running} gives the jobs this process runs now. */
  void start(Supplier<Set<UUID>> running) {
    vertx.setPeriodic(leaseSeconds * 1000L / 3, id -> renewLeases(running.get()));
    vertx.setPeriodic(Math.max(1000, leaseSeconds * 1000L / 2), id -> recoverOrphans(null));
    vertx.setTimer(10_000, id -> sweepLake());
    vertx.setPeriodic(3_600_000, id -> sweepLake());
  }

  private void renewLeases(Set<UUID> running) {
    if (!running.isEmpty()) {
      repository.renewLeases(new ArrayList<>(running), leaseSeconds)
        .onFailure(err -> LOG.warn("Could not renew job leases: {}", err.getMessage()));
    }
  }

  /** Requeues (or fails) jobs of dead workers; {@code previousSelf} is this node's id at start, else null. */
  Future<Void> recoverOrphans(String previousSelf) {
    return repository.recoverOrphans(previousSelf, maxAttempts,
        path -> path == null ? Future.succeededFuture(false) : vertx.fileSystem().exists(path))
      .compose(n -> repository.reannounceStale(leaseSeconds * 5).map(m -> n + m))
      .onSuccess(n -> {
        if (n > 0) {
          LOG.info("Recovered {} interrupted job(s)", n);
          JobContract.wakeOutbox(vertx.eventBus());
        }
      })
      .recover(err -> {
        LOG.warn("Orphaned job recovery failed: {}", err.getMessage());
        return Future.succeededFuture();
      })
      .mapEmpty();
  }

  /** Removes staged uploads no job needs (at start nothing of this process is uploading). */
  Future<Void> cleanStaging() {
    Path staging = dataDir.resolve("staging");
    return repository.activeStaging().compose(active -> vertx.executeBlocking(() -> {
      int removed = 0;
      if (Files.isDirectory(staging)) {
        try (var files = Files.list(staging)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            if (!active.contains(f.toString()) && Files.deleteIfExists(f)) {
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

  /** Removes lake files no dataset refers to (older than the file grace period). */
  private void sweepLake() {
    repository.liveFiles()
      .compose(live -> vertx.executeBlocking(() -> LakeSweeper.sweep(dataDir, live, fileGraceMs)
        + Lake.of(vertx, dataDir).sweep(live, fileGraceMs)))
      .onFailure(err -> LOG.warn("Lake sweep failed: {}", err.getMessage()));
  }
}
