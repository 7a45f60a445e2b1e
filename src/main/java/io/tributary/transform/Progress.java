package io.tributary.transform;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * Counts the bytes read from an input and reports progress (a share of a range of percents) when it moves by
 * a whole percent; also stops reading when the thread is interrupted (a shutdown).
 */
final class Progress extends FilterInputStream {

  private final long total;
  private final int from;
  private final int to;
  private final ProgressListener listener;
  private long read;
  private int last = -1;

  Progress(InputStream in, long total, int from, int to, ProgressListener listener) {
    super(in);
    this.total = Math.max(1, total);
    this.from = from;
    this.to = to;
    this.listener = listener;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      advance(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      advance(n);
    }
    return n;
  }

  private void advance(long n) throws InterruptedIOException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("conversion interrupted");
    }
    read += n;
    int percent = from + (int) ((to - from) * Math.min(read, total) / total);
    if (percent != last) {
      last = percent;
      listener.progress(percent);
    }
  }
}
