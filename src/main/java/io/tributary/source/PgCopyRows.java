package io.tributary.source;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A PostgreSQL query's rows read with {@code COPY (query) TO STDOUT}: the server streams them without a cursor's
 * round trips, and each field is decoded straight from its bytes into the value JDBC would give, on a reader thread
 * while the caller appends. In the binary format ({@link PgBinary}) when every column has a type it decodes (no
 * digits or dates to parse), else in the text format ({@link PgText}). The columns are the query's, as its prepared
 * statement describes them. Blocking.
 */
final class PgCopyRows {

  private static final int BATCH_ROWS = 1024;
  private static final int QUEUED_BATCHES = 4;
  private static final Object END = new Object();

  /** Receives each row (its own array). */
  interface Sink {
    void row(Object[] values) throws SQLException;
  }

  private final String sql;
  private final List<SourceColumn> columns;
  private final List<String> types;
  private final boolean binary;

  private PgCopyRows(String sql, List<SourceColumn> columns, List<String> types, boolean binary) {
    this.sql = sql;
    this.columns = columns;
    this.types = types;
    this.binary = binary;
  }

  /** Whether the connection is PostgreSQL's, so its rows can be copied out. */
  static boolean supports(Connection c) throws SQLException {
    return c.isWrapperFor(PGConnection.class);
  }

  /** {@code sql} (a query with no parameters) described, without running it: binary when {@code binary} allows. */
  static PgCopyRows describe(Connection c, String sql, boolean binary) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql)) {
      ResultSetMetaData meta = st.getMetaData();
      List<String> types = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        types.add(meta.getColumnTypeName(i));
      }
      return new PgCopyRows(sql, SourceColumn.of(meta), types, binary && PgBinary.supports(types));
    }
  }

  List<SourceColumn> columns() {
    return columns;
  }

  /** Whether the rows are copied in the binary format. */
  boolean binary() {
    return binary;
  }

  /**
   * Copies the rows of {@code sql} into {@code sink}; returns how many there were. A reader thread of its own reads
   * and decodes the rows and shows each to {@code inspector} (which must not keep it from the sink), in batches of
   * {@value #BATCH_ROWS} (at most {@value #QUEUED_BATCHES} waiting), while the calling thread hands them to the sink,
   * so decoding and appending keep two cores busy. What the inspector did is visible to the caller once this returns
   * (the reader is joined).
   */
  long copy(Connection c, Consumer<Object[]> inspector, Sink sink) throws SQLException {
    if (!c.getAutoCommit()) {
      // a table's rows in their stored order, not from where another scan of it is: increasing columns stay
      // increasing, so their distinct counts are known without the profiler counting them
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL synchronize_seqscans = off");
      }
    }
    CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + sql + ") TO STDOUT"
      + (binary ? " (FORMAT binary)" : ""));
    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    AtomicBoolean stop = new AtomicBoolean();
    Thread reader = new Thread(() -> {
      try {
        if (binary) {
          readBinary(copy, batch -> hand(queue, inspect(batch, inspector), stop));
        } else {
          read(copy, columns, batch -> hand(queue, inspect(batch, inspector), stop));
        }
        hand(queue, END, stop);
      } catch (Throwable t) {
        hand(queue, t, stop);
      } finally {
        if (copy.isActive()) {
          try {
            copy.cancelCopy();
          } catch (SQLException ignored) {
            // the connection is rolled back or closed by the caller
          }
        }
      }
    }, "tributary-import-copy");
    reader.setDaemon(true);
    reader.start();
    long rows = 0;
    try {
      for (Object item = take(queue); item != END; item = take(queue)) {
        if (item instanceof Object[][] batch) {
          for (Object[] row : batch) {
            sink.row(row);
          }
          rows += batch.length;
        } else if (item instanceof SQLException e) {
          throw e;
        } else if (item instanceof RuntimeException e) {
          throw e;
        } else {
          throw new SQLException("reading the COPY failed", (Throwable) item);
        }
      }
    } finally {
      stop.set(true);
      queue.clear();
      join(reader);
    }
    return rows;
  }

  private static Object[][] inspect(Object[][] batch, Consumer<Object[]> inspector) {
    for (Object[] row : batch) {
      inspector.accept(row);
    }
    return batch;
  }

  /** Reads and decodes every row of a binary copy, handing them over in batches. */
  private void readBinary(CopyOut copy, Consumer<Object[][]> batches) throws SQLException {
    PgBinary rows = new PgBinary(copy, columns, types);
    Object[][] batch = new Object[BATCH_ROWS][];
    int size = 0;
    for (Object[] row = rows.next(); row != null; row = rows.next()) {
      batch[size++] = row;
      if (size == BATCH_ROWS) {
        batches.accept(batch);
        batch = new Object[BATCH_ROWS][];
        size = 0;
      }
    }
    // the trailer is followed by the end of the copy
    if (copy.readFromCopy() != null) {
      throw new SQLException("COPY gave data after its binary trailer", "22000");
    }
    if (size > 0) {
      batches.accept(java.util.Arrays.copyOf(batch, size));
    }
  }

  /** Reads and parses every row of a text copy, handing them over in batches. */
  private static void read(CopyOut copy, List<SourceColumn> columns, Consumer<Object[][]> batches) throws SQLException {
    int n = columns.size();
    Object[][] batch = new Object[BATCH_ROWS][];
    int size = 0;
    byte[] line;
    while ((line = copy.readFromCopy()) != null) {
      Object[] values = new Object[n];
      int end = line.length > 0 && line[line.length - 1] == '\n' ? line.length - 1 : line.length;
      int from = 0;
      for (int i = 0; i < n; i++) {
        int to = from;
        while (to < end && line[to] != '\t') {
          to++;
        }
        if (i < n - 1 ? to == end : to != end) {
          throw new SQLException("COPY gave a row of another width than the query's " + n + " columns", "22000");
        }
        values[i] = PgText.parse(columns.get(i), line, from, to);
        from = to + 1;
      }
      batch[size++] = values;
      if (size == BATCH_ROWS) {
        batches.accept(batch);
        batch = new Object[BATCH_ROWS][];
        size = 0;
      }
    }
    if (size > 0) {
      batches.accept(java.util.Arrays.copyOf(batch, size));
    }
  }

  /** Queues an item for the calling thread; gives up once it stopped taking them. */
  private static void hand(BlockingQueue<Object> queue, Object item, AtomicBoolean stop) {
    try {
      while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
        if (stop.get()) {
          throw new CancellationException("the import stopped");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    }
  }

  private static Object take(BlockingQueue<Object> queue) throws SQLException {
    try {
      return queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while reading the COPY", "57014", e);
    }
  }

  /** Waits for the reader, which ends within one queue wait once stopped. */
  private static void join(Thread reader) {
    try {
      reader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
