package io.tributary.transform;

import org.apache.avro.generic.GenericData;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A {@link ParquetSink} fed from another thread: the caller (parsing the input) hands over records in batches
 * through a small bounded queue, and a writer thread of its own encodes and compresses them, so parsing and
 * Parquet encoding keep two cores busy. A batch closes at {@value #BATCH_ROWS} rows or about
 * {@value #BATCH_BYTES} bytes of field text, and at most {@value #QUEUED_BATCHES} batches wait, which bounds the
 * memory in flight whatever the row width.
 *
 * <p>Records handed to {@link #write} belong to the sink from then on (use a new one per row). A failure of the
 * writer thread is rethrown to the caller at its next {@link #write} or at {@link #commit()}; {@link #close()}
 * without a commit stops the writer and leaves no file behind. Not thread-safe: one caller thread.
 */
final class PipelinedSink implements AutoCloseable {

  static final int BATCH_ROWS = 4096;
  static final long BATCH_BYTES = 1L << 20;
  static final int QUEUED_BATCHES = 6;
  private static final List<GenericData.Record> END = List.of();

  private final ParquetSink sink;
  private final BlockingQueue<List<GenericData.Record>> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
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
      handOver(batch);
      batch = new ArrayList<>(BATCH_ROWS);
      batchBytes = 0;
    }
  }

  /** Writes what is left, finishes the file and moves it into place; returns its size. */
  long commit() throws IOException {
    if (!batch.isEmpty()) {
      handOver(batch);
    }
    handOver(END);
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

  private void handOver(List<GenericData.Record> rows) throws IOException {
    rethrow();
    try {
      queue.put(rows);
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
        List<GenericData.Record> rows = queue.take();
        if (rows == END) {
          return;
        }
        if (failure == null) {
          try {
            for (int i = 0; i < rows.size() && !aborted; i++) {
              sink.write(rows.get(i));
            }
          } catch (IOException | RuntimeException | Error e) {
            failure = e;
          }
        }
      }
    } catch (InterruptedException e) {
      // aborted
    }
  }
}
