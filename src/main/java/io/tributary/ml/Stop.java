package io.tributary.ml;

import java.util.concurrent.atomic.AtomicReference;

/**
 * When a run must stop: at its deadline (the configured timeout, or its own time budget if smaller), or when it is
 * cancelled. Training calls {@link #check} between boosting rounds and row batches, so it ends within one round.
 */
final class Stop {

  private final long deadlineNanos;
  private final String deadlineReason;
  private final AtomicReference<String> cancelled = new AtomicReference<>();

  /** @param deadlineReason the run's failure reason when its deadline passes */
  Stop(long budgetMs, String deadlineReason) {
    this.deadlineNanos = System.nanoTime() + budgetMs * 1_000_000L;
    this.deadlineReason = deadlineReason;
  }

  /** A stop that never comes (offline training, benchmarks). */
  static Stop never() {
    return new Stop(Long.MAX_VALUE / 4_000_000L, "never");
  }

  /** Asks the run to stop with {@code reason} at its next check. */
  void cancel(String reason) {
    cancelled.compareAndSet(null, reason);
  }

  /** Throws {@link TrainingFailed} when the run must stop. */
  void check() {
    String reason = cancelled.get();
    if (reason != null) {
      throw new TrainingFailed(reason);
    }
    if (System.nanoTime() - deadlineNanos > 0) {
      throw new TrainingFailed(deadlineReason);
    }
  }
}
