package io.tributary.lake;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The node's copies of lake objects under {@code datasets/}, least recently used first, bounded in bytes. A file
 * used within the pin period (a query may still be reading it) is never evicted, so the bound can be passed for a
 * while when every file is busy. Thread-safe.
 */
final class LakeCache {

  private static final Logger LOG = LoggerFactory.getLogger(LakeCache.class);

  private final Path dataDir;
  private final long maxBytes;
  private final long pinMs;
  /** relative path → {size, last use in ms}; access order: the eldest entry is the least recently used. */
  private final LinkedHashMap<String, long[]> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long total;

  LakeCache(Path dataDir, long maxBytes, long pinMs) {
    this.dataDir = dataDir;
    this.maxBytes = maxBytes;
    this.pinMs = pinMs;
  }

  /** Registers the files already on disk (oldest modification first). Blocking. */
  void load() throws IOException {
    Path root = dataDir.resolve("datasets");
    if (!Files.isDirectory(root)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
    }
    List<Path> sorted = new ArrayList<>(files);
    sorted.sort(Comparator.comparingLong(LakeCache::modified));
    for (Path p : sorted) {
      add(dataDir.relativize(p).toString(), Files.size(p), 0L);
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0L;
    }
  }

  /** Marks a use of {@code relative}; false when the cache does not hold it. */
  synchronized boolean touch(String relative) {
    long[] e = entries.get(relative);
    if (e == null) {
      return false;
    }
    e[1] = System.currentTimeMillis();
    return true;
  }

  synchronized boolean contains(String relative) {
    return entries.containsKey(relative);
  }

  /** Adds a file now on disk (fetched or written here) as just used, then evicts what exceeds the bound. */
  void added(String relative, long size) {
    add(relative, size, System.currentTimeMillis());
    trim();
  }

  private synchronized void add(String relative, long size, long usedAt) {
    long[] old = entries.put(relative, new long[] {size, usedAt});
    total += size - (old == null ? 0 : old[0]);
  }

  /** Forgets a file removed from disk by someone else. */
  synchronized void forget(String relative) {
    long[] old = entries.remove(relative);
    if (old != null) {
      total -= old[0];
    }
  }

  synchronized long totalBytes() {
    return total;
  }

  /** Deletes least recently used, unpinned files until the total fits the bound. @return bytes freed */
  long trim() {
    List<String> victims = new ArrayList<>();
    long freed = 0;
    synchronized (this) {
      long now = System.currentTimeMillis();
      Iterator<Map.Entry<String, long[]>> it = entries.entrySet().iterator();
      while (total > maxBytes && it.hasNext()) {
        Map.Entry<String, long[]> e = it.next();
        if (now - e.getValue()[1] < pinMs) {
          continue;
        }
        it.remove();
        total -= e.getValue()[0];
        freed += e.getValue()[0];
        victims.add(e.getKey());
      }
    }
    for (String v : victims) {
      try {
        Files.deleteIfExists(dataDir.resolve(v));
      } catch (IOException e) {
        LOG.debug("Cached copy {} not deleted: {}", v, e.getMessage());
      }
    }
    if (!victims.isEmpty()) {
      LOG.debug("Lake cache evicted {} file(s), {} bytes", victims.size(), freed);
    }
    return freed;
  }

  /** Drops entries whose file is gone (deleted as an old version). Blocking. */
  void reconcile() {
    List<String> known;
    synchronized (this) {
      known = new ArrayList<>(entries.keySet());
    }
    for (String k : known) {
      if (!Files.exists(dataDir.resolve(k))) {
        forget(k);
      }
    }
  }
}
