package io.tributary.fanout;

/**
 * The recent records of one feed (a stream, or a user's job events) on one event loop: a ring numbered by sequence,
 * holding at most {@code maxRecords} records and {@code maxBytes} bytes. Each socket reads it through its own cursor,
 * so a record is kept once however many sockets wait for it; a socket whose cursor falls below {@link #base()} has
 * lost the records in between. Event-loop confined.
 */
final class UpdateLog {

  private final LiveRecord[] ring;
  /** Bytes appended up to and including each slot's record, cumulative. */
  private final long[] endBytes;
  private final long maxBytes;
  private long head;
  private long base;
  private long bytesBeforeBase;
  private long bytesAppended;

  UpdateLog(int maxRecords, long maxBytes) {
    this.ring = new LiveRecord[maxRecords];
    this.endBytes = new long[maxRecords];
    this.maxBytes = maxBytes;
  }

  /** Appends a record, evicting the oldest ones beyond the bounds (the newest always stays). */
  void append(LiveRecord record) {
    if (head - base == ring.length) {
      evict();
    }
    int slot = (int) (head % ring.length);
    ring[slot] = record;
    bytesAppended += record.size();
    endBytes[slot] = bytesAppended;
    head++;
    while (head - base > 1 && bytesAppended - bytesBeforeBase > maxBytes) {
      evict();
    }
  }

  private void evict() {
    int slot = (int) (base % ring.length);
    bytesBeforeBase = endBytes[slot];
    ring[slot] = null;
    base++;
  }

  /** The sequence number of the next record appended. */
  long head() {
    return head;
  }

  /** The sequence number of the oldest record kept. */
  long base() {
    return base;
  }

  /** The record numbered {@code seq}, which must lie in [{@link #base()}, {@link #head()}). */
  LiveRecord get(long seq) {
    return ring[(int) (seq % ring.length)];
  }
}
