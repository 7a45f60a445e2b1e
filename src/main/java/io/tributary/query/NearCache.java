package io.tributary.query;

import io.vertx.core.buffer.Buffer;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recently used cache entries of one HTTP verticle instance, in its own memory: a hot result (a dashboard's
 * data, a repeated query) is answered without a Redis round trip and without moving its bytes over the network
 * again. Keys carry the versions of the datasets behind them, so an entry can never be stale, only unreachable; it
 * leaves when the byte bound needs its room or when its Redis twin would expire. Event-loop confined.
 */
final class NearCache {

  private record Entry(Buffer value, long expiresAt) {
  }

  private final long maxBytes;
  private final long ttlNanos;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  NearCache(long maxBytes, long ttlSeconds) {
    this.maxBytes = maxBytes;
    this.ttlNanos = ttlSeconds * 1_000_000_000L;
  }

  /** The value, or null when absent or expired. */
  Buffer get(String key) {
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (System.nanoTime() - e.expiresAt() > 0) {
      remove(key);
      return null;
    }
    return e.value();
  }

  void put(String key, Buffer value) {
    if (maxBytes <= 0 || value.length() > maxBytes / 4) {
      return;
    }
    remove(key);
    entries.put(key, new Entry(value, System.nanoTime() + ttlNanos));
    bytes += value.length();
    for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); bytes > maxBytes && it.hasNext(); ) {
      bytes -= it.next().getValue().value().length();
      it.remove();
    }
  }

  private void remove(String key) {
    Entry old = entries.remove(key);
    if (old != null) {
      bytes -= old.value().length();
    }
  }
}
