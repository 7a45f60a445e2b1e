package io.tributary.profile;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * What the profiler plans a query to hold in DuckDB's memory, so that no query needs more than half of
 * {@code memory_limit}. DuckDB spills hash tables to its temp directory, but not all of one: on 60M distinct
 * 17-byte strings a DISTINCT kept 500-700 MB it cannot evict (and 4 GB in all without a limit), and an exact
 * {@code quantile_cont} keeps every value of its column in memory. Hence distinct counts and duplicates are counted
 * per hash partition ({@code hash(x) % k}) when their hash table would be larger than the budget, and quartiles of
 * large columns are selected by histograms ({@link QuartileSelection}).
 */
final class ScanBudget {

  /** One query over a batch of columns. */
  interface BatchQuery {
    void run(List<ScannedColumn> batch) throws SQLException;
  }

  /** A hash-table entry's own cost besides its values (hash, pointers, row layout). */
  private static final long ENTRY_BYTES = 32;
  /** An exact quantile holds 8 bytes per value, and briefly twice as much while its buffer grows. */
  private static final long QUANTILE_BYTES_PER_VALUE = 24;
  private static final long FIXED_WIDTH_FACTOR = 4;

  private final long bytes;

  ScanBudget(long memoryLimitBytes) {
    this.bytes = Math.max(1, memoryLimitBytes / 2);
  }

  /**
   * Runs {@code query} over consecutive batches of the columns, each within the budget by {@code bytes} and of at
   * most {@code maxColumns} columns (a column over the budget alone gets a batch of its own).
   */
  void inBatches(List<ScannedColumn> cols, ToLongFunction<ScannedColumn> bytes, int maxColumns, BatchQuery query)
      throws SQLException {
    List<ScannedColumn> batch = new ArrayList<>();
    long batchBytes = 0;
    for (ScannedColumn c : cols) {
      long b = bytes.applyAsLong(c);
      if (!batch.isEmpty() && (batchBytes + b > this.bytes || batch.size() == maxColumns)) {
        query.run(batch);
        batch = new ArrayList<>();
        batchBytes = 0;
      }
      batch.add(c);
      batchBytes += b;
    }
    if (!batch.isEmpty()) {
      query.run(batch);
    }
  }

  /** The bytes a query may plan for. */
  long bytes() {
    return bytes;
  }

  /**
   * Whether a hash table of every row's value of a fixed-width column, with a histogram's count and DOUBLE beside
   * it, fits the budget: then its distinct count needs no estimate to be planned.
   */
  boolean holdsAll(ScannedColumn c, long rows) {
    return fixedWidth(c) && rows * (ENTRY_BYTES + valueBytes(c) + 16) <= bytes;
  }

  /** Bytes of one value of the column in a hash table (strings over 12 bytes are stored apart). */
  static long valueBytes(ScannedColumn c) {
    return switch (c.kind) {
      case STRING -> 16 + (c.avgLength > 12 ? (long) Math.ceil(c.avgLength) : 0);
      case OTHER -> 64;
      default -> 8;
    };
  }

  /** The planned size of the column's DISTINCT hash table: its estimated distinct values, with a margin. */
  static long distinctBytes(ScannedColumn c) {
    long groups = c.approxDistinct < 0 ? c.nonNull : Math.min(c.nonNull, c.approxDistinct + c.approxDistinct / 10 + 1024);
    return groups * (ENTRY_BYTES + valueBytes(c));
  }

  /**
   * How many hash partitions keep a hash table of {@code tableBytes} within the budget. Keys of fixed width spill
   * whole, so their tables may be {@value #FIXED_WIDTH_FACTOR} times the budget (60M distinct BIGINTs, 2.4 GB by this
   * model, took one 1 GB scan); with strings or other variable-size keys the table must fit.
   */
  int partitions(long tableBytes, boolean fixedWidth) {
    long fits = fixedWidth ? FIXED_WIDTH_FACTOR * bytes : bytes;
    return (int) Math.max(1, Math.min(4096, (tableBytes + fits - 1) / fits));
  }

  /** Whether the column's values have a fixed width (no string heap in a hash table). */
  static boolean fixedWidth(ScannedColumn c) {
    return c.kind != ProfileValues.Kind.STRING && c.kind != ProfileValues.Kind.OTHER;
  }

  /** The memory an exact {@code quantile_cont} over the column takes. */
  static long quantileBytes(ScannedColumn c) {
    return c.nonNull * QUANTILE_BYTES_PER_VALUE;
  }
}
