package io.tributary.profile;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statistics queries of one profile, each a scan of the Parquet file (always a bound parameter of
 * {@code read_parquet(?)}; column names always quoted identifiers):
 * <ol>
 *   <li>{@code DESCRIBE} of the file (Parquet metadata only);</li>
 *   <li>one aggregate over all columns: {@code count(*)}, per column {@code count}, {@code min}, {@code max}, and for
 *       numeric columns {@code avg}, {@code stddev_samp};</li>
 *   <li>per column whose exact distinct count the caller did not give: {@code count} over {@code SELECT DISTINCT}
 *       (its own scan: a DISTINCT aggregate slows down the whole aggregate query it is in);</li>
 *   <li>duplicates: {@code count(*)} of {@code SELECT DISTINCT <all columns>} (NULLs equal), skipped when the answer
 *       is known without it (fewer than two rows, or a key column: no NULLs and as many distinct values as rows);</li>
 *   <li>outliers: {@code quantile_cont(c, [0.25, 0.75])}, then one scan counting the values outside the fences.</li>
 * </ol>
 */
final class ColumnScans {

  private final Connection conn;
  private final String path;
  private final long memoryLimitBytes;

  ColumnScans(Connection conn, String path, long memoryLimitBytes) {
    this.conn = conn;
    this.path = path;
    this.memoryLimitBytes = memoryLimitBytes;
  }

  /** The requested columns (null or empty: all, with the types DuckDB reads), checked against the file. */
  List<ScannedColumn> columns(List<ProfileColumn> requested) throws SQLException {
    Map<String, String> fileTypes = new LinkedHashMap<>();
    try (PreparedStatement ps = conn.prepareStatement("DESCRIBE SELECT * FROM read_parquet(?)")) {
      ps.setString(1, path);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          fileTypes.put(rs.getString("column_name"), rs.getString("column_type"));
        }
      }
    }
    List<ScannedColumn> cols = new ArrayList<>();
    if (requested == null || requested.isEmpty()) {
      fileTypes.forEach((n, t) -> cols.add(new ScannedColumn(n, t, t)));
      return cols;
    }
    for (ProfileColumn pc : requested) {
      String fileType = fileTypes.get(pc.name());
      if (fileType == null) {
        throw new IllegalArgumentException("column not found in the Parquet file: " + pc.name());
      }
      String reported = pc.type() == null || pc.type().isBlank() ? fileType : pc.type();
      ScannedColumn col = new ScannedColumn(pc.name(), reported, fileType);
      col.knownDistinct = pc.knownDistinct();
      cols.add(col);
    }
    return cols;
  }

  /** Counts, min, max, mean, std dev of every column, then their distinct counts; returns the row count. */
  long statistics(List<ScannedColumn> cols) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT count(*)");
    for (ScannedColumn c : cols) {
      String q = c.quoted;
      sql.append(", count(").append(q).append(')');
      switch (c.kind) {
        case INTEGER, DECIMAL, DATE, TIMESTAMP, TIME, STRING ->
            sql.append(", CAST(min(").append(q).append(") AS VARCHAR), CAST(max(").append(q)
                .append(") AS VARCHAR)");
        case FLOAT -> sql.append(", CAST(min(").append(q).append(") AS DOUBLE), CAST(max(").append(q)
            .append(") AS DOUBLE)");
        case BOOLEAN -> sql.append(", min(").append(q).append("), max(").append(q).append(')');
        case OTHER -> sql.append(", NULL, NULL");
      }
      if (c.kind.numeric()) {
        sql.append(", CAST(avg(").append(q).append(") AS DOUBLE), stddev_samp(CAST(").append(q)
            .append(" AS DOUBLE))");
      }
    }
    sql.append(" FROM read_parquet(?)");
    long rows;
    try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
      ps.setString(1, path);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        rows = rs.getLong(1);
        int i = 2;
        for (ScannedColumn c : cols) {
          c.nonNull = rs.getLong(i++);
          Object min = rs.getObject(i++);
          Object max = rs.getObject(i++);
          c.min = ProfileValues.jsonValue(c.kind, min);
          c.max = ProfileValues.jsonValue(c.kind, max);
          if (c.kind.numeric()) {
            c.mean = ProfileValues.finite(rs.getObject(i++));
            c.stdDev = ProfileValues.finite(rs.getObject(i++));
          }
        }
      }
    }
    distinctCounts(cols);
    return rows;
  }

  /** Exact distinct counts of the columns the caller did not count, one query per column. */
  private void distinctCounts(List<ScannedColumn> cols) throws SQLException {
    for (ScannedColumn c : cols) {
      if (c.knownDistinct != null) {
        c.distinct = c.knownDistinct;
      } else if (c.nonNull == 0) {
        c.distinct = 0;
      } else {
        // DISTINCT keeps one NULL; count(c) leaves it out
        c.distinct = single("SELECT count(" + c.quoted + ") FROM (SELECT DISTINCT " + c.quoted
            + " FROM read_parquet(?))");
      }
    }
  }

  /** Rows that repeat an earlier row exactly ({@code count(*) − count(DISTINCT whole row)}). */
  long duplicateRows(List<ScannedColumn> cols, long rows) throws SQLException {
    if (rows < 2 || cols.isEmpty()) {
      return 0;
    }
    for (ScannedColumn c : cols) {
      if (c.nonNull == rows && c.distinct == rows) {
        return 0; // a key column: every row is distinct
      }
    }
    StringBuilder sql = new StringBuilder("SELECT count(*) FROM (SELECT DISTINCT ");
    for (int i = 0; i < cols.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(cols.get(i).quoted);
    }
    sql.append(" FROM read_parquet(?))");
    return rows - single(sql.toString());
  }

  /**
   * Quartiles, fences and outlier counts of the numeric columns with enough values. Exact quantiles keep every
   * value in memory, so columns are batched such that {@code rows × 8 bytes × columns in a batch} stays within a
   * quarter of the memory limit.
   */
  void outliers(List<ScannedColumn> cols, long rows) throws SQLException {
    List<ScannedColumn> candidates = new ArrayList<>();
    for (ScannedColumn c : cols) {
      if (c.kind.numeric() && c.nonNull >= QualityReport.MIN_VALUES_FOR_OUTLIERS) {
        candidates.add(c);
      }
    }
    if (candidates.isEmpty()) {
      return;
    }
    long budget = Math.max(1, memoryLimitBytes / 4);
    long perColumn = Math.max(1, rows * 8L);
    int batchSize = (int) Math.max(1, Math.min(candidates.size(), budget / perColumn));
    for (int from = 0; from < candidates.size(); from += batchSize) {
      outlierBatch(candidates.subList(from, Math.min(candidates.size(), from + batchSize)));
    }
  }

  private void outlierBatch(List<ScannedColumn> batch) throws SQLException {
    // SELECT q0[1], q0[2], ... FROM (SELECT quantile_cont(CAST(c AS DOUBLE), [0.25, 0.75]) AS q0, ...)
    StringBuilder inner = new StringBuilder("SELECT ");
    StringBuilder outer = new StringBuilder("SELECT ");
    for (int i = 0; i < batch.size(); i++) {
      inner.append(i == 0 ? "" : ", ").append("quantile_cont(CAST(").append(batch.get(i).quoted)
          .append(" AS DOUBLE), [0.25, 0.75]) AS q").append(i);
      outer.append(i == 0 ? "" : ", ").append('q').append(i).append("[1], q").append(i).append("[2]");
    }
    List<ScannedColumn> withFences = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement(outer + " FROM (" + inner + " FROM read_parquet(?))")) {
      ps.setString(1, path);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        for (int i = 0; i < batch.size(); i++) {
          ScannedColumn c = batch.get(i);
          c.fences = QualityReport.Fences.of(ProfileValues.finite(rs.getObject(2 * i + 1)),
              ProfileValues.finite(rs.getObject(2 * i + 2)));
          if (c.fences != null) {
            withFences.add(c);
          }
        }
      }
    }
    if (withFences.isEmpty()) {
      return;
    }
    StringBuilder count = new StringBuilder("SELECT ");
    for (int i = 0; i < withFences.size(); i++) {
      String v = "CAST(" + withFences.get(i).quoted + " AS DOUBLE)";
      count.append(i == 0 ? "" : ", ").append("count_if(").append(v).append(" < ? OR ").append(v).append(" > ?)");
    }
    count.append(" FROM read_parquet(?)");
    try (PreparedStatement ps = conn.prepareStatement(count.toString())) {
      int p = 1;
      for (ScannedColumn c : withFences) {
        ps.setDouble(p++, c.fences.low());
        ps.setDouble(p++, c.fences.high());
      }
      ps.setString(p, path);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        for (int i = 0; i < withFences.size(); i++) {
          withFences.get(i).outliers = rs.getLong(i + 1);
        }
      }
    }
  }

  /** The single number a query over the file answers. */
  private long single(String sql) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      ps.setString(1, path);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
