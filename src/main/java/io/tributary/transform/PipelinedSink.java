package io.tributary.transform;

import org.apache.avro.generic.GenericData;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * A {@link ParquetSink} fed from another thread: the caller (parsing the input) hands over records in batches
 * through a small bounded queue, and a writer thread of its own encodes and compresses them, so parsing and
 * Parquet encoding keep two cores busy. A batch closes at {@value #BATCH_ROWS} rows or about
 * {@value #BATCH_BYTES} bytes of field text, and at most {@value #QUEUED_BATCHES} batches or {@value #QUEUED_KB} KiB
 * of text wait (a larger batch goes alone), which bounds the memory in flight whatever the row width.
 *
 * <p>Records handed to {@link #write} belong to the sink from then on (use a new one per row). A failure of the
 * writer thread is rethrown to the caller at its next {@link #write} or at {@link #commit()}; {@link #close()}
 * without a commit stops the writer and leaves no file behind. Not thread-safe: one caller thread.
 */
final class PipelinedSink implements AutoCloseable {

  static final int BATCH_ROWS = 4096;
  static final long BATCH_BYTES = 1L << 20;
  static final int QUEUED_BATCHES = 6;
  static final int QUEUED_KB = 8 << 10;
  private static final Batch END = new Batch(List.of(), 0);

  /** Rows handed over together, holding {@code permits} KiB of the in-flight allowance. */
  private record Batch(List<GenericData.Record> rows, int permits) {
  }

  private final ParquetSink sink;
  private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
  private final Semaphore inFlight = new Semaphore(QUEUED_KB);
  private final Thread writer;
  private volatile Throwable failure;
  private volatile boolean aborted;
  private List<GenericData.Record> batch = new ArrayList<>(BATCH_ROWS);
  private long batchBytes;
  private boolean ended;

  PipelinedSink(ParquetSink sink) {
    this.sink = sink;
    this.writer = new Thread(this::drain, "tributary-parquet-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** Queues one row; {@code textBytes} is about how much text it came from (it bounds the batch's memory). */
  void write(GenericData.Record record, long textBytes) throws IOException {
    batch.add(record);
    batchBytes += textBytes;
    if (batch.size() >= BATCH_ROWS || batchBytes >= BATCH_BYTES) {
      handOver(batch, batchBytes);
      batch = new ArrayList<>(BATCH_ROWS);
      batchBytes = 0;
    }
  }

  /** Writes what is left, finishes the file and moves it into place; returns its size. */
  long commit() throws IOException {
    if (!batch.isEmpty()) {
      handOver(batch, batchBytes);
    }
    handOver(END.rows(), 0);
    ended = true;
    join();
    rethrow();
    return sink.commit();
  }

  /** Without a commit: stops the writer thread and drops the partial file. */
  @Override
  public void close() {
    if (!ended) {
      aborted = true;
      writer.interrupt();
    }
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    sink.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void handOver(List<GenericData.Record> rows, long bytes) throws IOException {
    rethrow();
    try {
      int permits = rows == END.rows() ? 0 : (int) Math.max(1, Math.min(QUEUED_KB, bytes >> 10));
      inFlight.acquire(permits);
      queue.put(rows == END.rows() ? END : new Batch(rows, permits));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while writing Parquet");
    }
  }

  private void join() throws IOException {
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while writing Parquet");
    }
  }

  private void rethrow() throws IOException {
    Throwable t = failure;
    if (t instanceof IOException io) {
      throw new IOException(io.getMessage(), io);
    }
    if (t instanceof RuntimeException || t instanceof Error) {
      throw new IllegalStateException("the Parquet writer failed: " + t, t);
    }
  }

  /** The writer thread: writes batches until the end marker; after a failure it only drains the queue. */
  private void drain() {
    try {
      while (!aborted) {
        Batch batch = queue.take();
        if (batch == END) {
          return;
        }
        List<GenericData.Record> rows = batch.rows();
        if (failure == null) {
          try {
            for (int i = 0; i < rows.size() && !aborted; i++) {
              GenericData.Record row = rows.set(i, null); // a written row can go before its batch is done
              sink.write(row);
            }
          } catch (IOException | RuntimeException | Error e) {
            failure = e;
          }
        }
        inFlight.release(batch.permits());
      }
    } catch (InterruptedException e) {
      // aborted
    }
  }
}
