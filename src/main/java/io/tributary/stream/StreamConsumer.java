package io.tributary.stream;

import io.tributary.kafka.KafkaSettings;
import io.vertx.core.Future;
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
  private StreamSchema schema = new StreamSchema();
  private Future<Void> inFlight = Future.succeededFuture();
  private boolean flushing;
  private boolean paused;
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

  /** Removes part files that were never registered (a crash between writing and committing), then subscribes. */
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
        consumer.exceptionHandler(err -> LOG.warn("Stream {} consumer error: {}", streamId, err.getMessage()));
        consumer.handler(r -> { });
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
    repository.offsets(streamId).onSuccess(stored -> {
      for (TopicPartition tp : partitions) {
        Long offset = stored.get(tp.getPartition());
        committed.put(tp.getPartition(), offset == null ? -1L : offset);
        position.put(tp.getPartition(), offset == null ? -1L : offset);
        if (offset != null) {
          consumer.seek(tp, offset);
        } else if ("latest".equals(startFrom)) {
          consumer.seekToEnd(tp);
        } else {
          consumer.seekToBeginning(tp);
        }
      }
    }).onFailure(err -> LOG.warn("Stream {}: offsets not loaded ({}); records already stored are skipped by offset",
      streamId, err.getMessage()));
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

  /** Called by the verticle's timer: flushes a buffer that is old enough; records the lag. */
  void tick() {
    if (!buffer.isEmpty() && !flushing && System.currentTimeMillis() - bufferSince >= settings.flushMs()) {
      flush();
    }
  }

  long lag() {
    return lag;
  }

  /** Refreshes the consumer lag (end offsets minus stored offsets of the partitions this process holds). */
  Future<Long> refreshLag() {
    if (consumer == null || committed.isEmpty()) {
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
    if (!paused && consumer != null) {
      paused = true;
      consumer.pause();
    }
  }

  private void resume() {
    if (paused && consumer != null && !closed) {
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
    inFlight = Future.all(parsing)
      .compose(parsed -> writers.executeBlocking(() -> BatchWriter.write(parsed.list(), before,
        dataDir.resolve(partsDir)), false))
      .compose(result -> sendDeadLetters(result.dead()).map(result))
      .compose(result -> {
        UUID partId = result.file() == null ? null : UUID.fromString(result.file().getFileName().toString().replace(".parquet", ""));
        String path = result.file() == null ? null : partsDir + "/" + result.file().getFileName();
        return repository.commit(new StreamRepository.Batch(streamId, datasetId, partId, path, result.rows(),
            result.sizeBytes(), result.dead().size(), offsets, result.schema(), result.stats()))
          .compose(stored -> {
            if (stored) {
              offsets.forEach((p, fromTo) -> committed.computeIfPresent(p, (k, old) -> fromTo[1]));
              schema = result.schema();
              StreamMetrics.batch(result.rows(), result.dead().size(), System.nanoTime() - started);
              commitKafka(offsets);
              return Future.<Void>succeededFuture();
            }
            LOG.info("Stream {}: another consumer took over these partitions; batch of {} dropped (it re-reads them)",
              streamId, size);
            deleteQuietly(result.file());
            return reseek();
          }, err -> {
            deleteQuietly(result.file());
            return Future.failedFuture(err);
          });
      })
      .recover(err -> {
        LOG.warn("Stream {}: batch of {} records not stored ({}); reading them again", streamId, size,
          err.getMessage());
        return reseek();
      })
      .onComplete(done -> {
        flushing = false;
        resume();
        if (full() && !closed) {
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
    return repository.offsets(streamId).compose(stored -> {
      List<Future<Void>> seeks = new ArrayList<>();
      for (Integer p : new ArrayList<>(committed.keySet())) {
        Long offset = stored.get(p);
        committed.put(p, offset == null ? -1L : offset);
        position.put(p, offset == null ? -1L : offset);
        TopicPartition tp = new TopicPartition(topic, p);
        seeks.add(offset != null ? consumer.seek(tp, offset)
          : "latest".equals(startFrom) ? consumer.seekToEnd(tp) : consumer.seekToBeginning(tp));
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
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    offsets.forEach((p, fromTo) -> commit.put(new TopicPartition(topic, p), new OffsetAndMetadata(fromTo[1], "")));
    consumer.commit(commit).onFailure(err -> LOG.debug("Stream {}: Kafka offsets not committed: {}", streamId,
      err.getMessage()));
  }

  private void deleteQuietly(Path file) {
    if (file != null) {
      vertx.fileSystem().delete(file.toString()).onFailure(e -> { });
    }
  }

  /** Flushes what is buffered (graceful stop), then leaves the topic. */
  Future<Void> close() {
    if (closed) {
      return inFlight;
    }
    pause();
    return inFlight.otherwiseEmpty().compose(v -> flush()).otherwiseEmpty()
      .eventually(() -> {
        closed = true;
        return consumer == null ? Future.succeededFuture() : consumer.close();
      });
  }

  @SuppressWarnings("unused")
  private static String text(byte[] value) {
    return value == null ? "" : new String(value, StandardCharsets.UTF_8);
  }
}
