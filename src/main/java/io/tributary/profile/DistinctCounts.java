package io.tributary.profile;

import static io.tributary.profile.ParquetQueries.FILE;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact counts of distinct values, within the {@link ScanBudget}: columns whose hash tables fit together are counted
 * in one scan; a column whose hash table alone is larger than the budget is counted per hash partition
 * ({@code hash(c) % k = p}, one scan each, summed: equal values always fall in the same partition). Duplicate rows
 * are found from sorted row hashes ({@link RowHashes}), or for larger files counted the same way over whole rows.
 */
final class DistinctCounts {

  private final ParquetQueries q;
  private final ScanBudget budget;

  DistinctCounts(ParquetQueries q, ScanBudget budget) {
    this.q = q;
    this.budget = budget;
  }

  /** Sets {@code distinct} of every column (the caller's count when known). */
  void count(List<ScannedColumn> cols) throws SQLException {
    List<ScannedColumn> together = new ArrayList<>();
    for (ScannedColumn c : cols) {
      if (c.knownDistinct != null) {
        c.distinct = c.knownDistinct;
      } else if (c.nonNull == 0) {
        c.distinct = 0;
      } else if (c.counted) {
        continue;
      } else if (ScanBudget.distinctBytes(c) > budget.bytes()) {
        c.distinct = partitioned(c.quoted, budget.partitions(ScanBudget.distinctBytes(c), ScanBudget.fixedWidth(c)));
      } else {
        together.add(c);
      }
    }
    budget.inBatches(together, ScanBudget::distinctBytes, 64, this::batch);
  }

  /** Rows that repeat an earlier row exactly: {@code count(*) − count(DISTINCT whole row)}, NULLs equal. */
  long duplicateRows(List<ScannedColumn> cols, long rows) throws SQLException {
    if (rows < 2 || cols.isEmpty()) {
      return 0;
    }
    long rowBytes = 0;
    boolean fixedWidth = true;
    StringBuilder list = new StringBuilder();
    for (ScannedColumn c : cols) {
      if (c.nonNull == rows && c.distinct == rows) {
        return 0; // a key column: every row is distinct
      }
      rowBytes += ScanBudget.valueBytes(c);
      fixedWidth &= ScanBudget.fixedWidth(c);
      list.append(list.isEmpty() ? "" : ", ").append(c.quoted);
    }
    long viaHashes = RowHashes.duplicates(q, list.toString(), rows);
    if (viaHashes >= 0) {
      return viaHashes;
    }
    int k = budget.partitions(rows * (rowBytes + 32), fixedWidth);
    long distinct = 0;
    for (int p = 0; p < k; p++) {
      String where = k == 1 ? "" : " WHERE hash(" + list + ") % " + k + " = " + p;
      distinct += q.single("SELECT count(*) FROM (SELECT DISTINCT " + list + " FROM read_parquet(?)" + where + ")", FILE);
    }
    return rows - distinct;
  }

  private void batch(List<ScannedColumn> batch) throws SQLException {
    if (batch.size() == 1) {
      batch.get(0).distinct = partitioned(batch.get(0).quoted, 1);
      return;
    }
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < batch.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("count(DISTINCT ").append(batch.get(i).quoted).append(')');
    }
    sql.append(" FROM read_parquet(?)");
    q.query(sql.toString(), rs -> {
      rs.next();
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).distinct = rs.getLong(i + 1);
      }
      return null;
    }, FILE);
  }

  /** Distinct non-null values of one column, counted over {@code k} hash partitions (its own scan each). */
  private long partitioned(String quoted, int k) throws SQLException {
    long sum = 0;
    for (int p = 0; p < k; p++) {
      String where = " WHERE " + quoted + " IS NOT NULL" + (k == 1 ? "" : " AND hash(" + quoted + ") % " + k + " = " + p);
      sum += q.single("SELECT count(*) FROM (SELECT DISTINCT " + quoted + " FROM read_parquet(?)" + where + ")", FILE);
    }
    return sum;
  }
}
