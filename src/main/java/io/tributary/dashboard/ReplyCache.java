package io.tributary.dashboard;

import io.vertx.core.buffer.Buffer;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The compressed warm replies of dashboards in this process, least recently used first out past {@code maxBytes}.
 * A key names its content (the dashboard's version, the width and every query's result key, which carries the
 * versions of the datasets read), so an entry is never stale: a change makes a new key and the old one ages out.
 * Access to the dashboard is checked before every lookup, as for the shared cache behind it.
 */
final class ReplyCache {

  private final long maxBytes;
  private final Map<String, Buffer> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  ReplyCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  synchronized Buffer get(String key) {
    return entries.get(key);
  }

  /** Keeps {@code value} unless it alone is larger than a quarter of the cache. */
  synchronized void put(String key, Buffer value) {
    if (value.length() > maxBytes / 4) {
      return;
    }
    Buffer old = entries.put(key, value);
    bytes += value.length() - (old == null ? 0 : old.length());
    Iterator<Buffer> eldest = entries.values().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      bytes -= eldest.next().length();
      eldest.remove();
    }
  }
}
