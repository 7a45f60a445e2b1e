package io.tributary.profile;

import static io.tributary.profile.ParquetQueries.FILE;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Exact quartiles of a column too large for an in-memory {@code quantile_cont}, with the same result: the values at
 * the ranks {@code quantile_cont} interpolates between are selected by narrowing histograms. Each pass groups the
 * values of the interval holding a rank into {@value #BUCKETS} buckets (count, min, max: a small hash table), and the
 * rank's bucket becomes the next interval, until it holds one value or few enough to take with
 * {@code ORDER BY ... LIMIT 1 OFFSET k}. Passes alternate between buckets of equal width and of equal width in
 * log2, so both evenly spread and heavily skewed values narrow in a few passes. Buckets whose value ranges overlap are
 * merged before ranks are located, so the counts stay exact whatever the bucket function's rounding.
 */
final class QuartileSelection {

  static final int BUCKETS = 1 << 16;
  /** An interval with at most this many values is read sorted instead of narrowed further. */
  static final long FETCH_MAX = 1 << 16;
  private static final int MAX_PASSES = 200;

  private final ParquetQueries q;
  private final String v;
  private final long fetchMax;

  /** @param quoted the column as a quoted identifier */
  QuartileSelection(ParquetQueries q, String quoted) {
    this(q, quoted, FETCH_MAX);
  }

  /** With another fetch threshold (tests narrow small files with it). */
  QuartileSelection(ParquetQueries q, String quoted, long fetchMax) {
    this.q = q;
    this.v = "CAST(" + quoted + " AS DOUBLE)";
    this.fetchMax = fetchMax;
  }

  /** Q1 and Q3 exactly as {@code quantile_cont(v, [0.25, 0.75])} gives them (NaN sorts last, as in DuckDB). */
  double[] quartiles() throws SQLException {
    double[] layout = q.query("SELECT count(" + v + "), count(*) FILTER (WHERE isnan(" + v + ")), count(*) FILTER (WHERE "
        + v + " = '-inf'::DOUBLE), count(*) FILTER (WHERE " + v + " = 'inf'::DOUBLE), min(" + v + ") FILTER (WHERE isfinite("
        + v + ")), max(" + v + ") FILTER (WHERE isfinite(" + v + ")) FROM read_parquet(?)", rs -> {
          rs.next();
          return new double[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5), rs.getDouble(6)};
        }, FILE);
    long n = (long) layout[0];
    long nan = (long) layout[1];
    long negInf = (long) layout[2];
    long posInf = (long) layout[3];
    long finite = n - nan - negInf - posInf;
    TreeSet<Long> ranks = new TreeSet<>();
    for (double p : new double[] {0.25, 0.75}) {
      double rn = (n - 1) * p;
      ranks.add((long) Math.floor(rn));
      ranks.add((long) Math.ceil(rn));
    }
    TreeSet<Long> finiteRanks = new TreeSet<>();
    for (long r : ranks) {
      if (r >= negInf && r < negInf + finite) {
        finiteRanks.add(r - negInf);
      }
    }
    Map<Long, Double> finiteValues = finiteRanks.isEmpty() ? Map.of()
        : select(new Interval(layout[4], layout[5], 0, finite), finiteRanks);
    double[] out = new double[2];
    double[] ps = {0.25, 0.75};
    for (int i = 0; i < 2; i++) {
      double rn = (n - 1) * ps[i];
      long lo = (long) Math.floor(rn);
      long hi = (long) Math.ceil(rn);
      double vlo = valueAt(lo, negInf, finite, posInf, finiteValues);
      out[i] = lo == hi ? vlo : interpolate(vlo, rn - lo, valueAt(hi, negInf, finite, posInf, finiteValues));
    }
    return out;
  }

  /** DuckDB's linear interpolation between two neighbouring values. */
  static double interpolate(double lo, double d, double hi) {
    return lo * (1.0 - d) + hi * d;
  }

  private static double valueAt(long rank, long negInf, long finite, long posInf, Map<Long, Double> finiteValues) {
    if (rank < negInf) {
      return Double.NEGATIVE_INFINITY;
    }
    if (rank < negInf + finite) {
      return finiteValues.get(rank - negInf);
    }
    return rank < negInf + finite + posInf ? Double.POSITIVE_INFINITY : Double.NaN;
  }

  /** Values in [lo, hi]: {@code below} finite values are smaller than lo, {@code count} lie inside. */
  private record Interval(double lo, double hi, long below, long count) {
  }

  /** The finite values at the given ranks (0-based, among the finite values in ascending order). */
  private Map<Long, Double> select(Interval root, TreeSet<Long> ranks) throws SQLException {
    Map<Long, Double> found = new HashMap<>();
    Map<Interval, List<Long>> work = new HashMap<>(Map.of(root, new ArrayList<>(ranks)));
    for (int pass = 0; !work.isEmpty(); pass++) {
      if (pass == MAX_PASSES) {
        throw new SQLException("quartiles not found in " + MAX_PASSES + " passes");
      }
      Map<Interval, List<Long>> next = new HashMap<>();
      for (Map.Entry<Interval, List<Long>> e : work.entrySet()) {
        Interval in = e.getKey();
        if (in.lo() == in.hi()) {
          e.getValue().forEach(r -> found.put(r, in.lo()));
        } else if (in.count() <= fetchMax) {
          for (long r : e.getValue()) {
            found.put(r, fetch(in, r - in.below()));
          }
        } else {
          narrow(in, e.getValue(), pass % 2 == 1, next);
        }
      }
      work = next;
    }
    return found;
  }

  private double fetch(Interval in, long offset) throws SQLException {
    return q.query("SELECT x FROM (SELECT " + v + " AS x FROM read_parquet(?)) WHERE x >= ? AND x <= ? ORDER BY x "
        + "LIMIT 1 OFFSET ?",
        rs -> {
          rs.next();
          return rs.getDouble(1);
        }, FILE, in.lo(), in.hi(), offset);
  }

  /** One histogram pass over the interval; each rank goes on with the (merged) bucket that holds it. */
  private void narrow(Interval in, List<Long> ranks, boolean log2, Map<Interval, List<Long>> next) throws SQLException {
    String key = "x * 0.5";
    double from = in.lo() * 0.5;
    double to = in.hi() * 0.5;
    if (log2) {
      double a = logKey(in.lo());
      double b = logKey(in.hi());
      if (b > a && Double.isFinite(b - a)) {
        key = "CASE WHEN x > 0 THEN 1100 + log2(x) WHEN x < 0 THEN -1100 - log2(-x) ELSE 0 END";
        from = a;
        to = b;
      }
    }
    String bucket = "least(" + (BUCKETS - 1) + ", greatest(0, floor((" + key + " - ?) / (? - ?) * " + BUCKETS + ")))::BIGINT";
    List<double[]> buckets = q.query("SELECT count(*), min(x), max(x) FROM (SELECT " + v + " AS x FROM read_parquet(?)) "
        + "WHERE x >= ? AND x <= ? GROUP BY " + bucket, rs -> {
          List<double[]> out = new ArrayList<>();
          while (rs.next()) {
            out.add(new double[] {rs.getLong(1), rs.getDouble(2), rs.getDouble(3)});
          }
          return out;
        }, FILE, in.lo(), in.hi(), from, to, from);
    buckets.sort(Comparator.comparingDouble(b -> b[1]));
    TreeMap<Long, Interval> byStart = new TreeMap<>();
    long below = in.below();
    double[] run = null;
    for (double[] b : buckets) {
      if (run != null && b[1] <= run[2]) {
        run[0] += b[0];
        run[2] = Math.max(run[2], b[2]);
        continue;
      }
      if (run != null) {
        byStart.put(below, new Interval(run[1], run[2], below, (long) run[0]));
        below += (long) run[0];
      }
      run = b.clone();
    }
    byStart.put(below, new Interval(run[1], run[2], below, (long) run[0]));
    for (long r : ranks) {
      Interval holder = byStart.floorEntry(r).getValue();
      next.computeIfAbsent(holder, k -> new ArrayList<>()).add(r);
    }
  }

  private static double logKey(double x) {
    return x > 0 ? 1100 + Math.log(x) / Math.log(2) : x < 0 ? -1100 - Math.log(-x) / Math.log(2) : 0;
  }
}
