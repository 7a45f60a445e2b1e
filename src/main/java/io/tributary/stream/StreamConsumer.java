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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * Consumes one stream's topic into its dataset, on the StreamVerticle's event loop: records are taken where the
 * {@link PartitionCursor} allows, held in a {@link BatchBuffer} (each poll parsed on the writer pool as it arrives),
 * and flushed as one batch, stored exactly once by {@link BatchCommit}, while the next one fills (the consumer pauses
 * only when that one is full too). Kafka's committed offsets follow PostgreSQL's, for monitoring tools only.
 */
final class StreamConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(StreamConsumer.class);

  private final Vertx vertx;
  private final StreamRepository repository;
  private final StreamSettings settings;
  private final JsonObject kafka;
  private final String nodeId;
  private final Path dataDir;
  final UUID streamId;
  final UUID datasetId;
  final String topic;
  private final String startFrom;
  private final String partsDir;
  private final PartitionCursor cursor = new PartitionCursor();
  private final BatchBuffer buffer;
  private final BatchCommit commit;

  private KafkaConsumer<String, byte[]> consumer;
  private StreamSchema schema = new StreamSchema();
  private Future<Void> inFlight = Future.succeededFuture();
  /** Set by close(): no more batches after the one it writes, the consumer is not resumed. */
  private Future<Void> closing;
  private boolean flushing;
  private boolean paused;
  /** The Kafka consumer is closed or closing: nothing may call it (see verticles.md, "Kafka consumers"). */
  private boolean closed;
  private long lag;

  StreamConsumer(Vertx vertx, StreamRepository repository, WorkerExecutor writers, KafkaProducer<String, byte[]> deadLetters,
                 StreamSettings settings, JsonObject kafka, String nodeId, Path dataDir, JsonObject stream) {
    this.vertx = vertx;
    this.repository = repository;
    this.settings = settings;
    this.kafka = kafka;
    this.nodeId = nodeId;
    this.dataDir = dataDir;
    this.streamId = UUID.fromString(stream.getString("stream_id"));
    this.datasetId = UUID.fromString(stream.getString("dataset_id"));
    this.topic = stream.getString("topic");
    this.startFrom = stream.getString("start_from");
    this.partsDir = "datasets/" + stream.getString("owner_id") + "/" + datasetId + "/parts";
    this.buffer = new BatchBuffer(settings, inputs -> {
      StreamSchema current = schema; // a declared schema converts as it parses; it never changes
      return writers.executeBlocking(() -> BatchWriter.parse(inputs, current), false);
    });
    this.commit = new BatchCommit(vertx, repository, writers, deadLetters, settings.writerThreads(), streamId, datasetId,
      topic, dataDir, partsDir);
  }

  /**
   * Removes part files that were never registered (a crash between writing and committing), then subscribes.
   * Nothing of this stream is being written meanwhile: StreamVerticle starts a consumer only once the stream's
   * previous consumer and compactions are done.
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
            LOG.debug("Stream {} consumer closing: {}", streamId, err.toString());
          } else {
            LOG.warn("Stream {} consumer error: {}", streamId, err.toString());
          }
        });
        // the batch handler alone drives the polling: a record handler would also get every record one by one
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

  /**
   * Loads the stored offsets of newly held partitions and seeks there. A batch of this consumer still being stored
   * may move those offsets (a partition revoked and given back, or kept through an eager rebalance): the offsets are
   * read only once it is done, else the seek would go to an offset older than the one the cursor then holds.
   */
  private void assigned(Set<TopicPartition> partitions) {
    Set<Integer> added = new HashSet<>();
    partitions.forEach(tp -> added.add(tp.getPartition()));
    added.forEach(cursor::moving);
    buffer.revoked(added); // records of these partitions held from an earlier assignment are read again after the seek
    inFlight.otherwiseEmpty().compose(v -> repository.offsets(streamId)).onSuccess(stored -> {
      if (closed) {
        return;
      }
      for (TopicPartition tp : partitions) {
        cursor.stored(tp.getPartition(), stored.get(tp.getPartition()));
        seekTo(tp, stored.get(tp.getPartition()));
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
   * Moves a partition to its stored offset ({@code null}: where {@code start_from} says); its records are taken
   * again only once the seek is done (records fetched before it could lie past the stored offset).
   */
  private Future<Void> seekTo(TopicPartition tp, Long offset) {
    int p = tp.getPartition();
    cursor.moving(p);
    Future<Void> seek = offset != null ? consumer.seek(tp, offset)
      : "latest".equals(startFrom) ? consumer.seekToEnd(tp) : consumer.seekToBeginning(tp);
    // the results of the consumer's earlier polls reach this event loop before this, in order
    return seek.onSuccess(v -> cursor.sought(p, offset))
      .onFailure(err -> LOG.warn("Stream {}: partition {} not moved to offset {}: {}", streamId, p, offset,
        err.getMessage()));
  }

  private void revoked(Set<TopicPartition> partitions) {
    Set<Integer> gone = new HashSet<>();
    partitions.forEach(tp -> gone.add(tp.getPartition()));
    buffer.revoked(gone);
    cursor.revoked(gone);
  }

  private void onBatch(KafkaConsumerRecords<String, byte[]> records) {
    List<BatchWriter.Input> taken = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, byte[]> r = records.recordAt(i);
      if (cursor.take(r.partition(), r.offset())) {
        taken.add(new BatchWriter.Input(r.value(), r.partition(), r.offset()));
      }
    }
    if (!taken.isEmpty()) {
      buffer.add(taken, System.currentTimeMillis());
    }
    if (buffer.full()) {
      if (flushing) {
        pause();
      } else {
        flush();
      }
    }
  }

  /** Called by the verticle's timer: flushes a buffer that is due (old enough, or the tail of a burst). */
  void tick() {
    if (!flushing && buffer.due(System.currentTimeMillis())) {
      flush();
    }
  }

  /** Refreshes the consumer lag (end offsets minus stored offsets of the partitions this process holds). */
  Future<Long> refreshLag() {
    if (consumer == null || closed || cursor.held().isEmpty()) {
      return Future.succeededFuture(lag);
    }
    Set<TopicPartition> held = new HashSet<>();
    cursor.held().forEach(p -> held.add(new TopicPartition(topic, p)));
    return consumer.endOffsets(held).map(ends -> {
      long total = 0;
      for (var e : ends.entrySet()) {
        total += Math.max(0, e.getValue() - Math.max(cursor.stored(e.getKey().getPartition()), 0));
      }
      lag = total;
      return total;
    }).otherwise(lag);
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

  /** Stores the buffer as one batch; completes when it is stored (or dropped, to be read again). */
  Future<Void> flush() {
    if (flushing || buffer.isEmpty()) {
      return inFlight;
    }
    flushing = true;
    int size = buffer.records();
    List<BatchBuffer.Chunk> batch = buffer.drain();
    Map<Integer, long[]> offsets = BatchBuffer.offsets(batch, cursor);
    if (!BatchBuffer.startsAtStored(batch, offsets)) {
      LOG.warn("Stream {}: batch of {} records starts below the stored offsets {}; dropped, reading from PostgreSQL's "
        + "offsets again", streamId, size, cursor.held());
      StreamMetrics.batchFailed();
      inFlight = reseek().onComplete(done -> {
        flushing = false;
        resume();
      });
      return inFlight;
    }
    inFlight = commit.store(batch, offsets, schema)
      .compose(stored -> {
        if (stored == null) {
          LOG.info("Stream {}: another consumer took over these partitions; batch of {} dropped (it re-reads them)",
            streamId, size);
          return reseek();
        }
        cursor.advanced(offsets);
        schema = stored;
        commitKafka(offsets);
        return Future.<Void>succeededFuture();
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
        if (buffer.full() && closing == null) {
          flush();
        }
      });
    return inFlight;
  }

  /** Drops the buffer and goes back to the offsets PostgreSQL holds (after a failed or stale batch). */
  private Future<Void> reseek() {
    buffer.clear();
    cursor.movingAll();
    return repository.offsets(streamId).compose(stored -> {
      if (closed) {
        return Future.<Void>succeededFuture();
      }
      List<Future<Void>> seeks = new ArrayList<>();
      for (Integer p : new ArrayList<>(cursor.held())) {
        cursor.stored(p, stored.get(p));
        seeks.add(seekTo(new TopicPartition(topic, p), stored.get(p)));
      }
      return Future.all(seeks).<Void>mapEmpty();
    }).otherwise(err -> null);
  }

  private void commitKafka(Map<Integer, long[]> offsets) {
    if (closed) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    offsets.forEach((p, fromTo) -> commits.put(new TopicPartition(topic, p), new OffsetAndMetadata(fromTo[1], "")));
    consumer.commit(commits).onFailure(err -> LOG.debug("Stream {}: Kafka offsets not committed: {}", streamId,
      err.getMessage()));
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
}
