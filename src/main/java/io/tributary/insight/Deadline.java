package io.tributary.insight;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The moment an insight run must stop (its caller stops waiting then). Statements register while they run; once the
 * moment passes, each running one is cancelled (DuckDB interrupts it), again every {@value #RETRY_MS} ms until none
 * is left, and every later statement or step fails at once with {@link Passed}.
 */
final class Deadline implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Deadline.class);
  private static final long RETRY_MS = 20;
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "insight-deadline");
    t.setDaemon(true);
    return t;
  });

  /** The run went past its deadline and stopped. */
  static final class Passed extends RuntimeException {
    Passed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final long epochMs;
  private final Set<Statement> running = ConcurrentHashMap.newKeySet();
  private volatile boolean passed;
  private ScheduledFuture<?> alarm;

  private Deadline(long epochMs) {
    this.epochMs = epochMs;
  }

  /** A deadline at {@code epochMs} (milliseconds since the epoch), armed now. */
  static Deadline at(long epochMs) {
    Deadline d = new Deadline(epochMs);
    synchronized (d) {
      d.alarm = TIMER.schedule(d::expire, Math.max(0, epochMs - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }
    return d;
  }

  /** A deadline that never passes. */
  static Deadline none() {
    return new Deadline(Long.MAX_VALUE);
  }

  /** Fails with {@link Passed} once the deadline has passed. */
  void check() {
    if (passed || System.currentTimeMillis() >= epochMs) {
      passed = true;
      throw new Passed("the insight run passed its deadline", null);
    }
  }

  boolean passed() {
    return passed;
  }

  /** Statements running now. */
  int running() {
    return running.size();
  }

  /** A statement about to run: registered, or refused once the deadline has passed. */
  void enter(Statement s) {
    running.add(s);
    try {
      check();
    } catch (Passed e) {
      running.remove(s);
      throw e;
    }
  }

  void leave(Statement s) {
    running.remove(s);
  }

  /** The failure of a statement: {@link Passed} when the deadline stopped it, else {@code e} itself. */
  SQLException translate(SQLException e) {
    if (passed) {
      throw new Passed("the insight run passed its deadline", e);
    }
    return e;
  }

  private void expire() {
    passed = true;
    for (Statement s : running) {
      try {
        s.cancel();
      } catch (SQLException e) {
        LOG.debug("Could not cancel an insight statement: {}", e.getMessage());
      }
    }
    // a statement registered but not yet executing ignores the cancel, so try again until all have left
    synchronized (this) {
      if (!running.isEmpty() && alarm != null) {
        alarm = TIMER.schedule(this::expire, RETRY_MS, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Disarms the deadline (the run ended). */
  @Override
  public synchronized void close() {
    if (alarm != null) {
      alarm.cancel(false);
      alarm = null;
    }
  }
}
