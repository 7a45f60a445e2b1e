package io.tributary.stream;

import io.vertx.core.json.JsonObject;

/**
 * The {@code stream} config section: micro-batch flush thresholds (records, bytes, age), writer threads,
 * compaction (interval, target part size, how many small parts trigger it) and the live socket queues.
 */
record StreamSettings(int flushRecords, long flushBytes, long flushMs, int writerThreads, long compactionIntervalMs,
                      long compactionTargetBytes, int compactionMinParts, long fileGraceMs) {

  static StreamSettings from(JsonObject stream, long fileGraceMs) {
    JsonObject s = stream == null ? new JsonObject() : stream;
    return new StreamSettings(
      s.getInteger("flush_records", 50_000),
      s.getLong("flush_bytes", 32L << 20),
      s.getLong("flush_ms", 2_000L),
      s.getInteger("writer_threads", 2),
      s.getLong("compaction_interval_ms", 60_000L),
      s.getLong("compaction_target_bytes", 128L << 20),
      s.getInteger("compaction_min_parts", 8),
      fileGraceMs);
  }
}
