package io.tributary.stream;

import io.tributary.lake.Lake;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Stores one batch of a stream exactly once: its parsed records are planned (schema, statistics), written as part
 * files on the writer pool, its dead letters sent, then the parts, offsets, schema and profile committed in one
 * PostgreSQL transaction ({@link StreamRepository#commit}). Part files of a batch that is not stored are deleted.
 */
final class BatchCommit {

  /** A batch is written as one part file per writer thread only when each part gets at least this many rows. */
  static final int MIN_PART_ROWS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(BatchCommit.class);

  private final Vertx vertx;
  private final StreamRepository repository;
  private final WorkerExecutor writers;
  private final KafkaProducer<String, byte[]> deadLetters;
  private final int writerThreads;
  private final UUID streamId;
  private final UUID datasetId;
  private final String topic;
  private final Path dataDir;
  private final String partsDir;
  private final Lake lake;

  /** One batch on its way through the steps, with what each step made. */
  private record Batch(List<BatchBuffer.Chunk> chunks, Map<Integer, long[]> offsets, StreamSchema before,
                       long started, List<BatchWriter.Parsed> parsed, BatchWriter.Plan plan,
                       BatchWriter.Result result) {
    Batch parsed(List<BatchWriter.Parsed> parsed) {
      return new Batch(chunks, offsets, before, started, parsed, null, null);
    }

    Batch planned(BatchWriter.Plan plan) {
      return new Batch(chunks, offsets, before, started, parsed, plan, null);
    }

    Batch written(BatchWriter.Result result) {
      return new Batch(chunks, offsets, before, started, parsed, plan, result);
    }
  }

  BatchCommit(Vertx vertx, StreamRepository repository, WorkerExecutor writers, KafkaProducer<String, byte[]> deadLetters,
              int writerThreads, UUID streamId, UUID datasetId, String topic, Path dataDir, String partsDir) {
    this.vertx = vertx;
    this.repository = repository;
    this.writers = writers;
    this.deadLetters = deadLetters;
    this.writerThreads = writerThreads;
    this.streamId = streamId;
    this.datasetId = datasetId;
    this.topic = topic;
    this.dataDir = dataDir;
    this.partsDir = partsDir;
    this.lake = Lake.of(vertx, dataDir);
  }

  /**
   * Stores the batch moving {@code offsets} (partition → [from, to]) from schema {@code before}. Completes with the
   * stream's new schema, or null when another consumer moved these offsets meanwhile (nothing was stored).
   */
  Future<StreamSchema> store(List<BatchBuffer.Chunk> chunks, Map<Integer, long[]> offsets, StreamSchema before) {
    return parse(new Batch(chunks, offsets, before, System.nanoTime(), null, null, null))
      .compose(this::plan)
      .compose(this::writeParts)
      .compose(this::commit);
  }

  /** Waits for the parse of every poll of the batch (started as each poll arrived). */
  private Future<Batch> parse(Batch batch) {
    List<Future<BatchWriter.Parsed>> parsing = batch.chunks().stream().map(BatchBuffer.Chunk::parsed).toList();
    return Future.all(parsing).map(all -> batch.parsed(all.list()));
  }

  /** The batch's schema (the stream's, widened) and statistics, on the writer pool. */
  private Future<Batch> plan(Batch batch) {
    return writers.executeBlocking(() -> batch.planned(BatchWriter.plan(batch.parsed(), batch.before())), false);
  }

  /**
   * Writes the plan as part files, one per writer thread for a large batch (each at least {@value #MIN_PART_ROWS}
   * rows); if one fails, the others are deleted and the batch fails.
   */
  private Future<Batch> writeParts(Batch batch) {
    BatchWriter.Plan plan = batch.plan();
    if (plan.rows == 0) {
      return Future.succeededFuture(batch.written(BatchWriter.result(plan, List.of())));
    }
    Path dir = dataDir.resolve(partsDir);
    List<Future<BatchWriter.Written>> writing = new ArrayList<>();
    for (List<BatchWriter.Parsed> run : BatchWriter.split(plan.parsed, plan.rows, writerThreads, MIN_PART_ROWS)) {
      writing.add(writers.executeBlocking(() -> BatchWriter.writePart(plan, run, dir), false));
    }
    return Future.join(writing).transform(done -> {
      List<BatchWriter.Written> written = new ArrayList<>();
      writing.stream().filter(Future::succeeded).forEach(w -> written.add(w.result()));
      if (done.failed()) {
        delete(written.stream().map(BatchWriter.Written::part).toList());
        return Future.failedFuture(done.cause());
      }
      return Future.succeededFuture(batch.written(BatchWriter.result(plan, written)));
    });
  }

  private Future<StreamSchema> commit(Batch batch) {
    BatchWriter.Result result = batch.result();
    List<StreamRepository.PartFile> parts = result.parts().stream().map(part -> new StreamRepository.PartFile(
      part.id(), partsDir + "/" + part.file().getFileName(), part.rows(), part.sizeBytes())).toList();
    return publish(parts)
      .compose(v -> sendDeadLetters(result.dead()))
      .compose(v -> repository.commit(new StreamRepository.Batch(streamId, datasetId, parts, result.dead().size(),
        batch.offsets(), result.schema(), result.stats())))
      .transform(stored -> {
        if (stored.succeeded() && stored.result()) {
          long nanos = System.nanoTime() - batch.started();
          StreamMetrics.batch(result.rows(), result.dead().size(), nanos);
          LOG.debug("Stream {}: batch of {} rows ({} dead) in {} part(s) stored in {} ms", streamId, result.rows(),
            result.dead().size(), parts.size(), nanos / 1_000_000);
          return Future.succeededFuture(result.schema());
        }
        delete(result.parts());
        return stored.failed() ? Future.failedFuture(stored.cause()) : Future.succeededFuture(null);
      });
  }

  /** Publishes the part files to the lake before PostgreSQL registers them (nothing to do on a local lake). */
  private Future<Void> publish(List<StreamRepository.PartFile> parts) {
    if (!lake.remote() || parts.isEmpty()) {
      return Future.succeededFuture();
    }
    return writers.executeBlocking(() -> {
      for (StreamRepository.PartFile part : parts) {
        lake.publish(part.path());
      }
      return null;
    }, false);
  }

  private Future<Void> sendDeadLetters(List<BatchWriter.DeadLetter> dead) {
    if (dead.isEmpty()) {
      return Future.succeededFuture();
    }
    String target = StreamContract.deadLetterTopic(topic);
    List<Future<?>> sends = new ArrayList<>();
    for (BatchWriter.DeadLetter d : dead) {
      sends.add(deadLetters.send(KafkaProducerRecord.<String, byte[]>create(target, null, d.input().value())
        .addHeader(StreamContract.DLQ_REASON_HEADER, d.reason())
        .addHeader(StreamContract.DLQ_STREAM_HEADER, streamId.toString())
        .addHeader(StreamContract.DLQ_SOURCE_HEADER, d.input().partition() + ":" + d.input().offset())));
    }
    return Future.all(sends).mapEmpty();
  }

  private void delete(List<BatchWriter.Part> parts) {
    parts.forEach(part -> vertx.fileSystem().delete(part.file().toString()).onFailure(e -> { }));
  }
}
