package io.tributary.query;

import io.tributary.metrics.Metrics;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The open DuckDB sandboxes, one per user, least recently used first. At most {@code max_sandboxes} stay open;
 * unused ones close after {@code sandbox_idle_seconds}. Thread-safe.
 */
final class SandboxPool implements AutoCloseable {

  private final QuerySettings settings;
  private final Map<UUID, Sandbox> sandboxes = new LinkedHashMap<>(16, 0.75f, true);
  private final AtomicLong open = Metrics.gauge("tributary_query_sandboxes_open", "User DuckDB sandboxes open");

  SandboxPool(QuerySettings settings) {
    this.settings = settings;
  }

  /**
   * The user's sandbox, held until {@link Sandbox#release()}; opened on first use, and opened anew when the folders
   * shared with the user changed (the old one closes after its running queries).
   */
  Sandbox acquire(UUID userId, Path userDir, List<Path> sharedDirs) throws SQLException {
    synchronized (sandboxes) {
      Sandbox existing = sandboxes.get(userId);
      if (existing != null && existing.sharedDirs().equals(sharedDirs)) {
        existing.acquire();
        return existing;
      }
    }
    Sandbox created = Sandbox.open(userDir, sharedDirs, settings.tempRoot().resolve(userId.toString()
      + (sharedDirs.isEmpty() ? "" : "-" + Integer.toHexString(sharedDirs.hashCode()))), settings);
    synchronized (sandboxes) {
      Sandbox existing = sandboxes.get(userId);
      if (existing != null && !existing.sharedDirs().equals(sharedDirs)) {
        sandboxes.remove(userId);
        existing.retire();
        existing = null;
      }
      if (existing != null) {
        created.close();
        existing.acquire();
        return existing;
      }
      created.acquire();
      sandboxes.put(userId, created);
      if (sandboxes.size() > settings.maxSandboxes()) {
        closeWhere(s -> true, sandboxes.size() - settings.maxSandboxes());
      }
      open.set(sandboxes.size());
      return created;
    }
  }

  /** The user's open sandbox, or null. */
  Sandbox peek(UUID userId) {
    synchronized (sandboxes) {
      return sandboxes.get(userId);
    }
  }

  /** Closes the sandboxes unused for longer than the idle timeout. */
  void closeIdle() {
    long idle = settings.idleTimeout().toNanos();
    synchronized (sandboxes) {
      closeWhere(s -> s.idleFor(idle), Integer.MAX_VALUE);
    }
  }

  /** Closes up to {@code max} unused sandboxes that match, least recently used first (caller holds the lock). */
  private void closeWhere(Predicate<Sandbox> which, int max) {
    int closed = 0;
    for (Iterator<Sandbox> it = sandboxes.values().iterator(); it.hasNext() && closed < max; ) {
      Sandbox s = it.next();
      if (s.idleFor(0) && which.test(s)) {
        it.remove();
        s.close();
        closed++;
      }
    }
    open.set(sandboxes.size());
  }

  @Override
  public void close() {
    synchronized (sandboxes) {
      sandboxes.values().forEach(Sandbox::close);
      sandboxes.clear();
      open.set(0);
    }
  }
}
