package io.tributary.cli;

import java.io.PrintWriter;

/** A one-line progress bar on stderr, redrawn in place ({@code \r}) when its text changes. */
final class Progress {

  private static final int BAR = 30;

  private final PrintWriter err;
  private final String label;
  private String last = "";
  private int lastPercent = -1;
  private long lastAt;

  Progress(PrintWriter err, String label) {
    this.err = err;
    this.label = label;
  }

  /**
   * Shows {@code percent} (0..100) with a note such as {@code 12.0 MB / 40.0 MB}: at once when the percentage
   * changes or reaches 100, else at most every 200 ms.
   */
  void show(int percent, String note) {
    int p = Math.max(0, Math.min(100, percent));
    long now = System.nanoTime();
    if (p == lastPercent && p < 100 && now - lastAt < 200_000_000L) {
      return;
    }
    lastPercent = p;
    lastAt = now;
    int filled = p * BAR / 100;
    String text = String.format("%-10s [%s%s] %3d%% %s", label, "#".repeat(filled), " ".repeat(BAR - filled), p, note);
    if (!text.equals(last)) {
      err.print("\r" + text + (text.length() < last.length() ? " ".repeat(last.length() - text.length()) : ""));
      err.flush();
      last = text;
    }
  }

  /** Ends the line. */
  void done() {
    if (!last.isEmpty()) {
      err.println();
      err.flush();
    }
  }
}
