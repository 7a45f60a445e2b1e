package io.tributary.profile;

import static io.tributary.profile.ParquetQueries.FILE;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Quartiles, fences and outlier counts of the numeric columns with at least
 * {@value QualityReport#MIN_VALUES_FOR_OUTLIERS} values. Q1 and Q3 are {@code quantile_cont(CAST(c AS DOUBLE), p)}:
 * columns whose values fit the {@link ScanBudget} together take one exact {@code quantile_cont} scan; a larger column
 * is selected by {@link QuartileSelection}, with the same result. Then one scan per batch of columns counts the values
 * outside the fences.
 */
final class Quartiles {

  /** Columns per counting query. */
  private static final int BATCH_COLUMNS = 256;

  private final ParquetQueries q;
  private final ScanBudget budget;

  Quartiles(ParquetQueries q, ScanBudget budget) {
    this.q = q;
    this.budget = budget;
  }

  void outliers(List<ScannedColumn> cols) throws SQLException {
    List<ScannedColumn> batch = new ArrayList<>();
    long batchBytes = 0;
    List<ScannedColumn> withFences = new ArrayList<>();
    for (ScannedColumn c : cols) {
      if (!c.kind.numeric() || c.nonNull < QualityReport.MIN_VALUES_FOR_OUTLIERS || c.quartilesKnown) {
        continue;
      }
      long bytes = ScanBudget.quantileBytes(c);
      if (bytes > budget.bytes()) {
        double[] qs = new QuartileSelection(q, c.quoted).quartiles();
        c.fences = QualityReport.Fences.of(ProfileValues.finite(qs[0]), ProfileValues.finite(qs[1]));
      } else {
        if (batchBytes + bytes > budget.bytes() || batch.size() == BATCH_COLUMNS) {
          inMemory(batch);
          batch.clear();
          batchBytes = 0;
        }
        batch.add(c);
        batchBytes += bytes;
      }
    }
    inMemory(batch);
    for (ScannedColumn c : cols) {
      if (c.fences != null && !c.quartilesKnown) {
        withFences.add(c);
      }
    }
    for (int from = 0; from < withFences.size(); from += BATCH_COLUMNS) {
      count(withFences.subList(from, Math.min(withFences.size(), from + BATCH_COLUMNS)));
    }
  }

  /** {@code quantile_cont} of a batch of columns in one scan. */
  private void inMemory(List<ScannedColumn> batch) throws SQLException {
    if (batch.isEmpty()) {
      return;
    }
    // SELECT q0[1], q0[2], ... FROM (SELECT quantile_cont(CAST(c AS DOUBLE), [0.25, 0.75]) AS q0, ...)
    StringBuilder inner = new StringBuilder("SELECT ");
    StringBuilder outer = new StringBuilder("SELECT ");
    for (int i = 0; i < batch.size(); i++) {
      inner.append(i == 0 ? "" : ", ").append("quantile_cont(CAST(").append(batch.get(i).quoted)
          .append(" AS DOUBLE), [0.25, 0.75]) AS q").append(i);
      outer.append(i == 0 ? "" : ", ").append('q').append(i).append("[1], q").append(i).append("[2]");
    }
    q.query(outer + " FROM (" + inner + " FROM read_parquet(?))", rs -> {
      rs.next();
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).fences = QualityReport.Fences.of(ProfileValues.finite(rs.getObject(2 * i + 1)),
            ProfileValues.finite(rs.getObject(2 * i + 2)));
      }
      return null;
    }, FILE);
  }

  private void count(List<ScannedColumn> batch) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ");
    List<Object> params = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      ScannedColumn c = batch.get(i);
      String v = "CAST(" + c.quoted + " AS DOUBLE)";
      sql.append(i == 0 ? "" : ", ").append("count_if(").append(v).append(" < ? OR ").append(v).append(" > ?)");
      params.add(c.fences.low());
      params.add(c.fences.high());
    }
    sql.append(" FROM read_parquet(?)");
    params.add(FILE);
    q.query(sql.toString(), rs -> {
      rs.next();
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).outliers = rs.getLong(i + 1);
      }
      return null;
    }, params.toArray());
  }
}
