package io.tributary.stream;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The records a stream holds for its next batch, by poll; each poll's parse starts at once on the writer pool
 * ({@code parser}). Full at {@code stream.flush_records} records or {@code flush_bytes} bytes; due when
 * {@code flush_ms} old, or when it is the tail of a burst: at least a tenth of {@code flush_records} and no record
 * for {@value #QUIET_MS} ms (a trickle never holds that many and still waits for the age). Event-loop confined.
 */
final class BatchBuffer {

  /** A buffer is the tail of a burst when no record came for this long. */
  static final long QUIET_MS = 100;

  /** The records of one poll (in offset order per partition) and their parse. */
  record Chunk(List<BatchWriter.Input> inputs, Future<BatchWriter.Parsed> parsed) {
  }

  private final StreamSettings settings;
  private final Function<List<BatchWriter.Input>, Future<BatchWriter.Parsed>> parser;
  private List<Chunk> chunks = new ArrayList<>();
  private int records;
  private long bytes;
  private long since;
  private long lastArrival;

  BatchBuffer(StreamSettings settings, Function<List<BatchWriter.Input>, Future<BatchWriter.Parsed>> parser) {
    this.settings = settings;
    this.parser = parser;
  }

  /** Adds one poll's taken records (not empty) and starts their parse. */
  void add(List<BatchWriter.Input> taken, long now) {
    if (chunks.isEmpty()) {
      since = now;
    }
    lastArrival = now;
    chunks.add(new Chunk(taken, parser.apply(taken)));
    taken.forEach(this::count);
  }

  boolean isEmpty() {
    return chunks.isEmpty();
  }

  int records() {
    return records;
  }

  boolean full() {
    return records >= settings.flushRecords() || bytes >= settings.flushBytes();
  }

  /** Old enough, or the tail of a burst. */
  boolean due(long now) {
    boolean old = now - since >= settings.flushMs();
    boolean burstEnded = records >= settings.flushRecords() / 10 && now - lastArrival >= QUIET_MS;
    return !chunks.isEmpty() && (old || burstEnded);
  }

  /** Takes everything held, for a batch; the buffer is empty afterwards. */
  List<Chunk> drain() {
    List<Chunk> batch = chunks;
    chunks = new ArrayList<>();
    records = 0;
    bytes = 0;
    return batch;
  }

  /** Drops what is held (a failed or stale batch: it is read again). */
  void clear() {
    drain();
  }

  /** Drops the records of partitions that went to another consumer (the others keep their parse). */
  void revoked(Set<Integer> gone) {
    List<Chunk> kept = new ArrayList<>();
    records = 0;
    bytes = 0;
    for (Chunk c : chunks) {
      List<BatchWriter.Input> mine = c.inputs().stream().filter(in -> !gone.contains(in.partition())).toList();
      if (mine.size() == c.inputs().size()) {
        kept.add(c);
      } else if (!mine.isEmpty()) {
        kept.add(new Chunk(mine, parser.apply(mine)));
      }
    }
    chunks = kept;
    chunks.forEach(c -> c.inputs().forEach(this::count));
  }

  /** The offsets a batch of these chunks moves: per partition, from where PostgreSQL holds it to past its last record. */
  static Map<Integer, long[]> offsets(List<Chunk> batch, PartitionCursor cursor) {
    Map<Integer, long[]> offsets = new HashMap<>();
    for (Chunk c : batch) {
      for (BatchWriter.Input in : c.inputs()) {
        long[] fromTo = offsets.computeIfAbsent(in.partition(), p -> new long[] {cursor.stored(p), -1});
        fromTo[1] = Math.max(fromTo[1], in.offset() + 1);
      }
    }
    return offsets;
  }

  /**
   * Whether every partition of the batch starts at or past the offset PostgreSQL held when this consumer last read
   * it ({@code offsets}' from). A record below it is already stored: such a batch (records fetched from a position
   * older than what the consumer believes is stored) would commit them twice, so it must not be stored.
   */
  static boolean startsAtStored(List<Chunk> batch, Map<Integer, long[]> offsets) {
    for (Chunk c : batch) {
      for (BatchWriter.Input in : c.inputs()) {
        long from = offsets.get(in.partition())[0];
        if (from >= 0 && in.offset() < from) {
          return false;
        }
      }
    }
    return true;
  }

  private void count(BatchWriter.Input in) {
    records++;
    bytes += in.value() == null ? 0 : in.value().length;
  }
}
