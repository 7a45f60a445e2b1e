package io.tributary.profile;

import static io.tributary.profile.ParquetQueries.FILE;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first queries of a profile: the file's columns ({@code DESCRIBE}, Parquet metadata only) and one aggregate
 * scan per batch of columns: {@code count(*)}, and per column {@code count}, {@code min}, {@code max}, for numeric
 * columns {@code avg} and {@code stddev_samp}, and for columns whose distinct values are still to be counted and
 * might not fit the {@link ScanBudget} in one hash table (strings, or more rows than it holds) an estimate of them
 * ({@code approx_count_distinct}) and of their average length, which size the exact counts; an integer column of a
 * narrow range is sized by its range instead ({@code max - min + 1} values at most), so that the histograms of several
 * such columns share one scan. Column names are always quoted identifiers.
 */
final class ColumnScans {

  /** Columns per statistics query: very wide files take several scans of a few columns each. */
  private static final int BATCH_COLUMNS = 256;

  private final ParquetQueries q;
  private final ScanBudget budget;

  ColumnScans(ParquetQueries q, ScanBudget budget) {
    this.q = q;
    this.budget = budget;
  }

  /** The requested columns (null or empty: all, with the types DuckDB reads), checked against the file. */
  List<ScannedColumn> columns(List<ProfileColumn> requested) throws SQLException {
    Map<String, String> fileTypes = q.query("DESCRIBE SELECT * FROM read_parquet(?)", rs -> {
      Map<String, String> types = new LinkedHashMap<>();
      while (rs.next()) {
        types.put(rs.getString("column_name"), rs.getString("column_type"));
      }
      return types;
    }, FILE);
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

  /** Counts, min, max, mean and std dev of every column (and the estimates for counting); returns the rows. */
  long statistics(List<ScannedColumn> cols) throws SQLException {
    long rows = q.single("SELECT count(*) FROM read_parquet(?)", FILE); // from the footer
    for (int from = 0; from < cols.size(); from += BATCH_COLUMNS) {
      statistics(cols.subList(from, Math.min(cols.size(), from + BATCH_COLUMNS)), rows);
    }
    return rows;
  }

  /** Whether the column's distinct values need an estimate to plan their count (strings, or too many rows). */
  private boolean estimate(ScannedColumn c, long rows) {
    return c.knownDistinct == null && !budget.holdsAll(c, rows);
  }

  private void statistics(List<ScannedColumn> cols, long rows) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT count(*)");
    for (ScannedColumn c : cols) {
      String x = c.quoted;
      sql.append(", count(").append(x).append(')');
      switch (c.kind) {
        case INTEGER, DECIMAL, DATE, TIMESTAMP, TIME, STRING ->
            sql.append(", CAST(min(").append(x).append(") AS VARCHAR), CAST(max(").append(x).append(") AS VARCHAR)");
        case FLOAT -> sql.append(", CAST(min(").append(x).append(") AS DOUBLE), CAST(max(").append(x).append(") AS DOUBLE)");
        case BOOLEAN -> sql.append(", min(").append(x).append("), max(").append(x).append(')');
        case OTHER -> sql.append(", NULL, NULL");
      }
      if (c.kind.numeric()) {
        sql.append(", CAST(avg(").append(x).append(") AS DOUBLE), stddev_samp(CAST(").append(x).append(" AS DOUBLE))");
      }
      if (estimate(c, rows)) {
        sql.append(", approx_count_distinct(").append(x).append(')');
        sql.append(c.kind == ProfileValues.Kind.STRING ? ", avg(strlen(CAST(" + x + " AS VARCHAR)))" : ", NULL");
      }
    }
    sql.append(" FROM read_parquet(?)");
    q.query(sql.toString(), rs -> {
      rs.next();
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
        if (estimate(c, rows)) {
          c.approxDistinct = rs.getLong(i++);
          c.avgLength = rs.getDouble(i++);
        } else if (c.min instanceof Long lo && c.max instanceof Long hi && hi - lo < 2 * Histograms.MAX_VALUES) {
          // an integer column holds at most max - min + 1 values: a bound that plans its histogram with others
          c.approxDistinct = Math.min(c.nonNull, hi - lo + 1);
        }
      }
      return null;
    }, FILE);
  }
}
