package io.tributary.profile;

import static io.tributary.profile.ParquetQueries.FILE;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact distinct counts, quartiles and outlier counts of numeric columns from their value histograms: one
 * {@code GROUP BY GROUPING SETS ((c0), (c1), ...)} scan per batch counts the rows of each distinct value of each
 * column, within the {@link ScanBudget}. A column with at most {@value #MAX_VALUES} distinct values gets all three
 * figures from its histogram ({@code quantile_cont}'s ranks and interpolation over the values as DOUBLE, NaN last, and
 * the values outside the fences); a column with more gets its exact distinct count only (the number of its groups)
 * and is left to {@link Quartiles}. Columns of dates, times, timestamps and booleans get their exact distinct counts
 * from the same scan (their groups are counted, their values not read). This replaces a {@code count(DISTINCT)}, a {@code quantile_cont} that holds every
 * value, and an outlier scan with one hash aggregate over few groups.
 */
final class Histograms {

  /** Distinct values of a column whose histogram is read into the JVM (16 bytes each). */
  static final long MAX_VALUES = 1 << 18;
  /** Grouping sets per query ({@code grouping()} is a 64-bit mask). */
  private static final int BATCH_COLUMNS = 60;
  /** A histogram entry's value as DOUBLE and its count, on top of the DISTINCT entry. */
  private static final long ENTRY_EXTRA_BYTES = 16;

  private final ParquetQueries q;
  private final ScanBudget budget;

  Histograms(ParquetQueries q, ScanBudget budget) {
    this.q = q;
    this.budget = budget;
  }

  /** Sets {@code distinct} (unless known), and when the histogram is small also the fences and outliers. */
  void count(List<ScannedColumn> cols) throws SQLException {
    List<ScannedColumn> small = new ArrayList<>();
    for (ScannedColumn c : cols) {
      // a column of many values is left to DistinctCounts and Quartiles
      if (c.kind.numeric() && c.nonNull > 0 && !many(c) && bytes(c) <= budget.bytes()) {
        small.add(c);
      } else if (countOnly(c) && c.knownDistinct == null && c.nonNull > 0 && bytes(c) <= budget.bytes()) {
        small.add(c);
      }
    }
    budget.inBatches(small, Histograms::bytes, BATCH_COLUMNS, this::batch);
  }

  /** A column of fixed width whose values are only counted (no quartiles): its groups ride along in the same scan. */
  private static boolean countOnly(ScannedColumn c) {
    return !c.kind.numeric() && ScanBudget.fixedWidth(c);
  }

  /** Whether the caller's count or the estimate says the column has many more values than a histogram holds. */
  private static boolean many(ScannedColumn c) {
    return c.knownDistinct != null ? c.knownDistinct > MAX_VALUES : c.approxDistinct > 2 * MAX_VALUES;
  }

  /** The distinct values expected: the caller's count, else the estimate, else every value. */
  private static long expected(ScannedColumn c) {
    return c.knownDistinct != null ? c.knownDistinct : c.approxDistinct >= 0 ? c.approxDistinct : c.nonNull;
  }

  private static long bytes(ScannedColumn c) {
    return ScanBudget.distinctBytes(c) + Math.min(c.nonNull, expected(c)) * ENTRY_EXTRA_BYTES;
  }

  private void batch(List<ScannedColumn> batch) throws SQLException {
    int k = batch.size();
    // grouping(c0, ..., ck-1) has a 1 bit for each column not in the set; c0 is the highest bit
    StringBuilder list = new StringBuilder();
    StringBuilder values = new StringBuilder();
    StringBuilder sets = new StringBuilder();
    StringBuilder own = new StringBuilder("CASE g");
    StringBuilder counted = new StringBuilder("-1");
    Map<Long, Integer> setOf = new HashMap<>();
    long all = (1L << k) - 1;
    for (int i = 0; i < k; i++) {
      String x = batch.get(i).quoted;
      String sep = i == 0 ? "" : ", ";
      list.append(sep).append(x);
      long mask = all & ~(1L << (k - 1 - i));
      if (countOnly(batch.get(i))) { // 0 for each group of a value, NULL for the group of nulls; no values read
        values.append(", CASE WHEN ").append(x).append(" IS NOT NULL THEN 0.0 END AS x").append(i);
        counted.append(", ").append(mask);
      } else {
        values.append(", CAST(").append(x).append(" AS DOUBLE) AS x").append(i);
      }
      sets.append(sep).append('(').append(x).append(')');
      own.append(" WHEN ").append(mask).append(" THEN x").append(i);
      setOf.put(mask, i);
    }
    own.append(" END");
    String sql = "WITH h AS MATERIALIZED (SELECT g, " + own + " AS x, n FROM (SELECT grouping(" + list + ") AS g" + values
        + ", count(*) AS n FROM read_parquet(?) GROUP BY GROUPING SETS (" + sets + "))), "
        + "v AS (SELECT * FROM h WHERE x IS NOT NULL), s AS (SELECT g, count(*) AS groups FROM v GROUP BY g) "
        + "SELECT g, x, n, groups FROM v JOIN s USING (g) WHERE s.groups <= " + MAX_VALUES + " AND g NOT IN (" + counted
        + ") UNION ALL SELECT g, NULL, NULL, groups FROM s WHERE groups > " + MAX_VALUES + " OR g IN (" + counted + ")";
    double[][] xs = new double[k][];
    long[][] ns = new long[k][];
    int[] filled = new int[k];
    q.query(sql, rs -> {
      while (rs.next()) {
        int i = setOf.get(rs.getLong(1));
        long groups = rs.getLong(4);
        if (xs[i] == null) {
          batch.get(i).distinct = groups;
          xs[i] = new double[rs.getObject(3) == null ? 0 : (int) groups];
          ns[i] = new long[xs[i].length];
        }
        if (xs[i].length > 0) {
          xs[i][filled[i]] = rs.getDouble(2);
          ns[i][filled[i]++] = rs.getLong(3);
        }
      }
      return null;
    }, FILE);
    for (int i = 0; i < k; i++) {
      ScannedColumn c = batch.get(i);
      c.counted = true;
      if (c.knownDistinct != null) {
        c.distinct = c.knownDistinct;
      }
      if (xs[i] != null && xs[i].length > 0) {
        quartiles(c, xs[i], ns[i]);
      }
    }
  }

  /** Q1, Q3 and outliers of a column from its histogram, as {@link Quartiles} would find them. */
  static void quartiles(ScannedColumn c, double[] x, long[] n) {
    c.quartilesKnown = true;
    if (c.nonNull < QualityReport.MIN_VALUES_FOR_OUTLIERS) {
      return;
    }
    double[] sorted = x.clone();
    Arrays.sort(sorted); // Double.compare's order, without boxing: NaN last, as DuckDB sorts it
    long[] ends = new long[x.length]; // the rank after each value's last row
    for (int i = 0; i < x.length; i++) {
      ends[Arrays.binarySearch(sorted, x[i])] += n[i]; // a value's rows at its place (a repeated value at one of them)
    }
    long total = 0;
    for (int i = 0; i < ends.length; i++) {
      total += ends[i];
      ends[i] = total;
    }
    double q1 = quantile(sorted, ends, total, 0.25);
    double q3 = quantile(sorted, ends, total, 0.75);
    c.fences = QualityReport.Fences.of(ProfileValues.finite(q1), ProfileValues.finite(q3));
    if (c.fences == null) {
      return;
    }
    long outliers = 0;
    for (int i = 0; i < x.length; i++) {
      // DuckDB orders NaN above every number: it lies beyond the high fence
      if (Double.isNaN(x[i]) || x[i] < c.fences.low() || x[i] > c.fences.high()) {
        outliers += n[i];
      }
    }
    c.outliers = outliers;
  }

  /** {@code quantile_cont(x, p)} over the values (ascending) whose ranks end before {@code ends}. */
  private static double quantile(double[] sorted, long[] ends, long total, double p) {
    double rn = (total - 1) * p;
    long lo = (long) Math.floor(rn);
    long hi = (long) Math.ceil(rn);
    double vlo = valueAt(sorted, ends, lo);
    return lo == hi ? vlo : QuartileSelection.interpolate(vlo, rn - lo, valueAt(sorted, ends, hi));
  }

  private static double valueAt(double[] sorted, long[] ends, long rank) {
    int i = Arrays.binarySearch(ends, rank + 1);
    return sorted[i >= 0 ? i : -i - 1];
  }
}
