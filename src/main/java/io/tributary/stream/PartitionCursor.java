package io.tributary.stream;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where each partition of a stream stands for this consumer: the offset PostgreSQL holds (where the next batch
 * starts; -1 before the first one) and the offset of the next record to take. A partition's records are taken only
 * once its seek to the stored offset is done ({@link #sought}); records below the next offset are already held or
 * stored and are dropped. Event-loop confined.
 */
final class PartitionCursor {

  private final Map<Integer, Long> stored = new HashMap<>();
  private final Map<Integer, Long> next = new HashMap<>();

  /** The partition is being moved: nothing of it is taken until {@link #sought}. */
  void moving(int partition) {
    next.remove(partition);
  }

  /** Nothing of any held partition is taken until each is sought again. */
  void movingAll() {
    stored.keySet().forEach(next::remove);
  }

  /** PostgreSQL holds {@code offset} (null: nothing yet) for a partition this consumer holds. */
  void stored(int partition, Long offset) {
    stored.put(partition, offset == null ? -1L : offset);
  }

  /** The seek to {@code offset} is done: records are taken from there, if the partition is still held. */
  void sought(int partition, Long offset) {
    if (stored.containsKey(partition)) {
      next.put(partition, offset == null ? -1L : offset);
    }
  }

  /** Whether a fetched record is taken; a taken record moves the partition past it. */
  boolean take(int partition, long offset) {
    Long n = next.get(partition);
    if (n == null || (n >= 0 && offset < n)) {
      return false;
    }
    next.put(partition, offset + 1);
    return true;
  }

  /** The partitions went to another consumer. */
  void revoked(Set<Integer> partitions) {
    partitions.forEach(p -> {
      stored.remove(p);
      next.remove(p);
    });
  }

  /** The offset PostgreSQL holds for a partition (-1: none). */
  long stored(int partition) {
    return stored.getOrDefault(partition, -1L);
  }

  /** A batch moved these partitions ({@code partition -> [from, to]}) in PostgreSQL. */
  void advanced(Map<Integer, long[]> offsets) {
    offsets.forEach((p, fromTo) -> stored.computeIfPresent(p, (k, old) -> fromTo[1]));
  }

  /** The partitions this consumer holds. */
  Set<Integer> held() {
    return stored.keySet();
  }
}
