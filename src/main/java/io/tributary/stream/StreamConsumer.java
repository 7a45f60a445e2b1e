package io.tributary.stream;

import io.tributary.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Consumes one stream's topic into its dataset, on the StreamVerticle's event loop. Records are buffered and
 * flushed as a micro-batch when the buffer reaches {@code stream.flush_records} records or
 * {@code stream.flush_bytes} bytes, or is {@code stream.flush_ms} old. Each poll's records are parsed on the
 * writer pool as they arrive, and the Parquet part is written on that pool while the next batch fills and parses
 * (the consumer pauses only when that one is full too). A batch is committed
 * exactly once ({@link StreamRepository#commit}); Kafka offsets are committed after PostgreSQL, for monitoring
 * tools only: on assignment the consumer seeks to PostgreSQL's offsets and drops any record it already holds.
 */
final class StreamConsumer {

  /** A batch is written as one part file per writer thread only when each part gets at least this many rows. */
  static final int MIN_PART_ROWS = 10_000;
  /** A buffer is the tail of a burst when no record came for this long (see {@link #tick}). */
  static final long QUIET_MS = 100;

  private static final Logger LOG = LoggerFactory.getLogger(StreamConsumer.class);

  private final Vertx vertx;
  private final StreamRepository repository;
  private final WorkerExecutor writers;
  private final KafkaProducer<String, byte[]> deadLetters;
  private final StreamSettings settings;
  private final JsonObject kafka;
  private final String nodeId;
  private final Path dataDir;
  final UUID streamId;
  final UUID datasetId;
  final String topic;
  private final String startFrom;
  private final String partsDir;

  private KafkaConsumer<String, byte[]> consumer;
  /** Per partition: the offset stored in PostgreSQL (-1: no row yet), i.e. where the next batch starts. */
  private final Map<Integer, Long> committed = new HashMap<>();
  /** Per partition: the offset of the next record to take (records below it are already held or stored). */
  private final Map<Integer, Long> position = new HashMap<>();
  /** The records held for the next batch, by poll, each poll's parse started at once on the writer pool. */
  private List<Chunk> buffer = new ArrayList<>();
  private int bufferRecords;
  private long bufferBytes;
  private long bufferSince;
  private long lastArrival;
  private StreamSchema schema = new StreamSchema();
  private Future<Void> inFlight = Future.succeededFuture();
  /** Set by close(): no more batches after the one it writes, the consumer is not resumed. */
  private Future<Void> closing;
  private boolean flushing;
  private boolean paused;
  /**
   * The Kafka consumer is closed or being closed: nothing may call it any more. (Vert.x's consumer starts a new
   * poll thread for a call after close(), next to the one still closing: a second live member under the same
   * static instance id, which then fights the next consumer of this stream for its partitions.)
   */
  private boolean closed;
  private long lag;

  /** The records of one poll (in offset order per partition) and their parse. */
  private record Chunk(List<BatchWriter.Input> inputs, Future<BatchWriter.Parsed> parsed) {
  }

  StreamConsumer(Vertx vertx, StreamRepository repository, WorkerExecutor writers, KafkaProducer<String, byte[]> deadLetters,
                 StreamSettings settings, JsonObject kafka, String nodeId, Path dataDir, JsonObject stream) {
    this.vertx = vertx;
    this.repository = repository;
    this.writers = writers;
    this.deadLetters = deadLetters;
    this.settings = settings;
    this.kafka = kafka;
    this.nodeId = nodeId;
    this.dataDir = dataDir;
    this.streamId = UUID.fromString(stream.getString("stream_id"));
    this.datasetId = UUID.fromString(stream.getString("dataset_id"));
    this.topic = stream.getString("topic");
    this.startFrom = stream.getString("start_from");
    this.partsDir = "datasets/" + stream.getString("owner_id") + "/" + datasetId + "/parts";
  }

  /**
   * Removes part files that were never registered (a crash between writing and committing), then subscribes. (Only
   * this process writes in its lake, and nothing of this stream is being written: a stopping StreamVerticle waits
   * for its batches and compactions.)
   */
  Future<Void> start(StreamSchema current) {
    this.schema = current;
    return repository.parts(streamId)
      .compose(parts -> vertx.executeBlocking(() -> removeUnregistered(parts)))
      .compose(v -> {
        Map<String, String> config = KafkaSettings.staticConsumer(kafka, StreamContract.group(streamId.toString()),
          startFrom, "stream-" + streamId + "-" + nodeId);
        config.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        config.put("max.poll.records", Integer.toString(Math.max(500, Math.min(settings.flushRecords(), 10_000))));
        consumer = KafkaConsumer.create(vertx, config);
        consumer.partitionsAssignedHandler(this::assigned);
        consumer.partitionsRevokedHandler(this::revoked);
        consumer.exceptionHandler(err -> {
          if (closed) {
            LOG.debug("Stream {} consumer closing: {}", streamId, err.toString()); // the poll woken up by close()
          } else {
            LOG.warn("Stream {} consumer error: {}", streamId, err.toString());
          }
        });
        // the batch handler alone drives the polling: a record handler (even an empty one) makes Vert.x also hand
        // every record to the event loop one by one, ten per task, which capped a stream at ~150k records/s
        consumer.batchHandler(this::onBatch);
        return consumer.subscribe(topic);
      });
  }

  private Void removeUnregistered(List<StreamRepository.Part> parts) throws java.io.IOException {
    Path dir = dataDir.resolve(partsDir);
    if (!Files.isDirectory(dir)) {
      return null;
    }
    Set<String> registered = new HashSet<>();
    parts.forEach(p -> registered.add(dataDir.resolve(p.path()).normalize().toString()));
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (!registered.contains(f.normalize().toString())) {
          Files.deleteIfExists(f);
          LOG.info("Stream {}: removed part file {} that was never registered", streamId, f.getFileName());
        }
      }
    }
    return null;
  }

  private void assigned(Set<TopicPartition> partitions) {
    partitions.forEach(tp -> position.remove(tp.getPartition()));
    repository.offsets(streamId).onSuccess(stored -> {
      if (closed) {
        return;
      }
      for (TopicPartition tp : partitions) {
        Long offset = stored.get(tp.getPartition());
        committed.put(tp.getPartition(), offset == null ? -1L : offset);
        seekTo(tp, offset);
      }
    }).onFailure(err -> {
      LOG.warn("Stream {}: offsets not loaded ({}); trying again in 1 s", streamId, err.getMessage());
      vertx.setTimer(1_000, id -> {
        if (closing == null) {
          assigned(partitions);
        }
      });
    });
  }

  /**
   * Moves a partition to its stored offset ({@code null}: to where {@code start_from} says) and takes its records
   * again only once the seek is done. Records fetched before it may start anywhere at or past the Kafka committed
   * offset, which can lie beyond the stored one (they are dropped: taking them would leave a gap of records
   * that the records after the seek would then find "already held").
   */
  private Future<Void> seekTo(TopicPartition tp, Long offset) {
    int p = tp.getPartition();
    position.remove(p);
    Future<Void> seek = offset != null ? consumer.seek(tp, offset)
      : "latest".equals(startFrom) ? consumer.seekToEnd(tp) : consumer.seekToBeginning(tp);
    return seek.onSuccess(v -> {
      // (the results of the consumer's earlier polls reach this event loop before this, in order)
      if (committed.containsKey(p)) {
        position.put(p, offset == null ? -1L : offset);
      }
    }).onFailure(err -> LOG.warn("Stream {}: partition {} not moved to offset {}: {}", streamId, p, offset,
      err.getMessage()));
  }

  private void revoked(Set<TopicPartition> partitions) {
    Set<Integer> gone = new HashSet<>();
    partitions.forEach(tp -> gone.add(tp.getPartition()));
    List<Chunk> kept = new ArrayList<>();
    bufferRecords = 0;
    bufferBytes = 0;
    for (Chunk c : buffer) {
      List<BatchWriter.Input> mine = c.inputs().stream().filter(in -> !gone.contains(in.partition())).toList();
      if (mine.size() == c.inputs().size()) {
        kept.add(c);
      } else if (!mine.isEmpty()) {
        kept.add(chunk(mine));
      }
    }
    buffer = kept;
    buffer.forEach(c -> c.inputs().forEach(this::count));
    gone.forEach(p -> {
      committed.remove(p);
      position.remove(p);
    });
  }

  private void onBatch(KafkaConsumerRecords<String, byte[]> records) {
    List<BatchWriter.Input> taken = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, byte[]> r = records.recordAt(i);
      Long next = position.get(r.partition());
      if (next == null || (next >= 0 && r.offset() < next)) {
        continue; // not (or no longer) ours, or already held or stored
      }
      if (buffer.isEmpty() && taken.isEmpty()) {
        bufferSince = System.currentTimeMillis();
      }
      BatchWriter.Input in = new BatchWriter.Input(r.value(), r.partition(), r.offset());
      taken.add(in);
      count(in);
      position.put(r.partition(), r.offset() + 1);
    }
    if (!taken.isEmpty()) {
      lastArrival = System.currentTimeMillis();
      buffer.add(chunk(taken));
    }
    if (full()) {
      if (flushing) {
        pause();
      } else {
        flush();
      }
    }
  }

  /**
   * Called by the verticle's timer: flushes a buffer that is old enough, or the tail of a burst: a buffer of at
   * least a tenth of {@code flush_records} when no record came for {@value #QUIET_MS} ms (the topic went quiet,
   * so waiting for the age would only delay the records; a trickle never holds that many and still waits).
   */
  void tick() {
    if (buffer.isEmpty() || flushing) {
      return;
    }
    long now = System.currentTimeMillis();
    boolean old = now - bufferSince >= settings.flushMs();
    boolean burstEnded = bufferRecords >= settings.flushRecords() / 10 && now - lastArrival >= QUIET_MS;
    if (old || burstEnded) {
      flush();
    }
  }

  long lag() {
    return lag;
  }

  /** Refreshes the consumer lag (end offsets minus stored offsets of the partitions this process holds). */
  Future<Long> refreshLag() {
    if (consumer == null || closed || committed.isEmpty()) {
      return Future.succeededFuture(lag);
    }
    Set<TopicPartition> held = new HashSet<>();
    committed.keySet().forEach(p -> held.add(new TopicPartition(topic, p)));
    return consumer.endOffsets(held).map(ends -> {
      long total = 0;
      for (var e : ends.entrySet()) {
        long stored = committed.getOrDefault(e.getKey().getPartition(), -1L);
        total += Math.max(0, e.getValue() - Math.max(stored, 0));
      }
      lag = total;
      return total;
    }).otherwise(lag);
  }

  private Chunk chunk(List<BatchWriter.Input> inputs) {
    return new Chunk(inputs, writers.executeBlocking(() -> BatchWriter.parse(inputs), false));
  }

  private void count(BatchWriter.Input in) {
    bufferRecords++;
    bufferBytes += in.value() == null ? 0 : in.value().length;
  }

  private boolean full() {
    return bufferRecords >= settings.flushRecords() || bufferBytes >= settings.flushBytes();
  }

  private void pause() {
    if (!paused && consumer != null && !closed) {
      paused = true;
      consumer.pause();
    }
  }

  private void resume() {
    if (paused && consumer != null && closing == null) {
      paused = false;
      consumer.resume();
    }
  }

  /** Writes and commits the buffer as one batch; completes when it is stored (or dropped). */
  Future<Void> flush() {
    if (flushing || buffer.isEmpty()) {
      return inFlight;
    }
    flushing = true;
    List<Chunk> batch = buffer;
    int size = bufferRecords;
    buffer = new ArrayList<>();
    bufferRecords = 0;
    bufferBytes = 0;
    Map<Integer, long[]> offsets = new HashMap<>();
    List<Future<BatchWriter.Parsed>> parsing = new ArrayList<>(batch.size());
    for (Chunk c : batch) {
      for (BatchWriter.Input in : c.inputs()) {
        long[] fromTo = offsets.computeIfAbsent(in.partition(), p -> new long[] {committed.getOrDefault(p, -1L), -1});
        fromTo[1] = Math.max(fromTo[1], in.offset() + 1);
      }
      parsing.add(c.parsed());
    }
    StreamSchema before = schema;
    long started = System.nanoTime();
    long[] phases = new long[3]; // parsed, written, stored (ns since started)
    inFlight = Future.all(parsing)
      .compose(parsed -> {
        phases[0] = System.nanoTime() - started;
        return writers.executeBlocking(() -> BatchWriter.plan(parsed.list(), before), false);
      })
      .compose(this::writeParts)
      .compose(result -> {
        phases[1] = System.nanoTime() - started;
        List<StreamRepository.PartFile> parts = result.parts().stream().map(part -> new StreamRepository.PartFile(
          part.id(), partsDir + "/" + part.file().getFileName(), part.rows(), part.sizeBytes())).toList();
        return sendDeadLetters(result.dead())
          .compose(v -> repository.commit(new StreamRepository.Batch(streamId, datasetId, parts,
            result.dead().size(), offsets, result.schema(), result.stats())))
          .compose(stored -> {
            if (stored) {
              offsets.forEach((p, fromTo) -> committed.computeIfPresent(p, (k, old) -> fromTo[1]));
              schema = result.schema();
              phases[2] = System.nanoTime() - started;
              StreamMetrics.batch(result.rows(), result.dead().size(), phases[2]);
              if (LOG.isDebugEnabled()) {
                LOG.debug("Stream {}: batch of {} rows ({} dead) in {} part(s): parsed +{} ms, written +{} ms, "
                    + "stored +{} ms", streamId, result.rows(), result.dead().size(), parts.size(),
                  phases[0] / 1_000_000, (phases[1] - phases[0]) / 1_000_000, (phases[2] - phases[1]) / 1_000_000);
              }
              commitKafka(offsets);
              return Future.<Void>succeededFuture();
            }
            LOG.info("Stream {}: another consumer took over these partitions; batch of {} dropped (it re-reads them)",
              streamId, size);
            deleteQuietly(result.parts());
            return reseek();
          }, err -> {
            deleteQuietly(result.parts());
            return Future.failedFuture(err);
          });
      })
      .recover(err -> {
        LOG.warn("Stream {}: batch of {} records not stored ({}); reading them again", streamId, size,
          err.getMessage());
        StreamMetrics.batchFailed();
        return reseek();
      })
      .onComplete(done -> {
        flushing = false;
        resume();
        if (full() && closing == null) {
          flush();
        }
      });
    return inFlight;
  }

  /** Drops the buffer and goes back to the offsets PostgreSQL holds (after a failed or stale batch). */
  private Future<Void> reseek() {
    buffer.clear();
    bufferRecords = 0;
    bufferBytes = 0;
    committed.keySet().forEach(position::remove); // nothing is taken until the seeks are done
    return repository.offsets(streamId).compose(stored -> {
      List<Future<Void>> seeks = new ArrayList<>();
      if (closed) {
        return Future.<Void>succeededFuture();
      }
      for (Integer p : new ArrayList<>(committed.keySet())) {
        Long offset = stored.get(p);
        committed.put(p, offset == null ? -1L : offset);
        seeks.add(seekTo(new TopicPartition(topic, p), offset));
      }
      return Future.all(seeks).<Void>mapEmpty();
    }).otherwise(err -> null);
  }

  private Future<Void> sendDeadLetters(List<BatchWriter.DeadLetter> dead) {
    if (dead.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<?>> sends = new ArrayList<>();
    String target = StreamContract.deadLetterTopic(topic);
    for (BatchWriter.DeadLetter d : dead) {
      sends.add(deadLetters.send(KafkaProducerRecord.<String, byte[]>create(target, null, d.input().value())
        .addHeader(StreamContract.DLQ_REASON_HEADER, d.reason())
        .addHeader(StreamContract.DLQ_STREAM_HEADER, streamId.toString())
        .addHeader(StreamContract.DLQ_SOURCE_HEADER, d.input().partition() + ":" + d.input().offset())));
    }
    return Future.all(sends).mapEmpty();
  }

  private void commitKafka(Map<Integer, long[]> offsets) {
    if (closed) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    offsets.forEach((p, fromTo) -> commit.put(new TopicPartition(topic, p), new OffsetAndMetadata(fromTo[1], "")));
    consumer.commit(commit).onFailure(err -> LOG.debug("Stream {}: Kafka offsets not committed: {}", streamId,
      err.getMessage()));
  }

  private void deleteQuietly(List<BatchWriter.Part> parts) {
    parts.forEach(part -> vertx.fileSystem().delete(part.file().toString()).onFailure(e -> { }));
  }

  /**
   * Writes a planned batch as part files on the writer pool, one per writer thread for a large batch (a part
   * holds at least {@value #MIN_PART_ROWS} rows); if one fails, the others are deleted and the batch fails.
   */
  private Future<BatchWriter.Result> writeParts(BatchWriter.Plan plan) {
    if (plan.rows == 0) {
      return Future.succeededFuture(BatchWriter.result(plan, List.of()));
    }
    Path dir = dataDir.resolve(partsDir);
    List<Future<BatchWriter.Written>> writing = new ArrayList<>();
    for (List<BatchWriter.Parsed> run : BatchWriter.split(plan.parsed, plan.rows, settings.writerThreads(),
      MIN_PART_ROWS)) {
      writing.add(writers.executeBlocking(() -> BatchWriter.writePart(plan, run, dir), false));
    }
    return Future.join(writing).transform(done -> {
      List<BatchWriter.Written> written = new ArrayList<>();
      writing.forEach(w -> {
        if (w.succeeded()) {
          written.add(w.result());
        }
      });
      if (done.failed()) {
        deleteQuietly(written.stream().map(BatchWriter.Written::part).toList());
        return Future.failedFuture(done.cause());
      }
      return Future.succeededFuture(BatchWriter.result(plan, written));
    });
  }

  /** Flushes what is buffered (graceful stop), then leaves the topic. */
  Future<Void> close() {
    if (closing != null) {
      return closing;
    }
    Promise<Void> done = Promise.promise();
    closing = done.future(); // set before the last flush starts, which may run at once
    pause();
    inFlight.otherwiseEmpty().compose(v -> flush()).otherwiseEmpty()
      .eventually(() -> {
        closed = true;
        return consumer == null ? Future.succeededFuture() : consumer.close();
      }).onComplete(done);
    return closing;
  }

  @SuppressWarnings("unused")
  private static String text(byte[] value) {
    return value == null ? "" : new String(value, StandardCharsets.UTF_8);
  }
}
