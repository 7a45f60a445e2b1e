package io.tributary.insight;

import io.vertx.core.json.JsonObject;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;

import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;

import static io.tributary.insight.InsightDuck.count;
import static io.tributary.insight.InsightDuck.num;

/**
 * Shifts in distribution without a time column: each numeric column across the groups of the top category column
 * (the text column with {@value #MIN_GROUPS}–{@value #MAX_GROUPS} values that most rows fill), tested with
 * Kruskal–Wallis H (ranks, so outliers and skew do not decide; average ranks for ties, with the tie correction) on
 * one seeded sample of at most {@value #SAMPLE_ROWS} rows with a group, which every column shares (without its own
 * nulls). The p-value is the χ² tail with groups − 1 degrees of freedom; the effect size is ε² = H / (n − 1);
 * and the group that moved most is named with its mean against the
 * other rows' in pooled within-group standard deviations ({@code shift_sd}). A shift with ε² under
 * {@value #MIN_EFFECT} is marked negligible: it is never significant, however many rows there are.
 */
final class DistributionShifts {

  static final int MIN_GROUPS = 2;
  static final int MAX_GROUPS = 20;
  static final int SAMPLE_ROWS = 100_000;
  /** The table of the sample every column is tested on. */
  private static final String SAMPLE = "__shift_sample";
  static final double MIN_EFFECT = 0.01;
  /** Numeric columns tested, at most. */
  static final int MAX_COLUMNS = 12;

  private DistributionShifts() {
  }

  /** The grouping column and the numeric columns tested across its groups. */
  record Plan(Analysis.Column by, List<Analysis.Column> columns) {
  }

  /** What to test, or null when no text column groups the rows or no numeric column varies. */
  static Plan plan(Analysis a) {
    Analysis.Category by = a.categories.values().stream()
      .filter(c -> c.distinct() >= MIN_GROUPS && c.distinct() <= MAX_GROUPS && c.n() >= 20)
      .max(Comparator.comparingLong(Analysis.Category::n).thenComparingLong(c -> -c.distinct())).orElse(null);
    List<Analysis.Column> cols = a.numeric.values().stream().filter(s -> s.sd() > 0).limit(MAX_COLUMNS)
      .map(Analysis.Numeric::column).toList();
    return by == null || cols.isEmpty() ? null : new Plan(by.column(), cols);
  }

  /**
   * Draws the shared sample into table {@value #SAMPLE}, visible to every connection of the run: the seeded reservoir
   * picks row numbers only (which rows it keeps depends on the rows' order and count, not their values), and the
   * columns of those rows are joined back, which costs less than carrying them through the reservoir.
   */
  static void sample(Plan p, InsightDuck duck) throws SQLException {
    StringBuilder sql = new StringBuilder("CREATE TABLE " + SAMPLE + " AS SELECT CAST(" + p.by().sql()
      + " AS VARCHAR) AS g");
    p.columns().forEach(c -> sql.append(", ").append(c.sql()));
    duck.execute(sql.append(" FROM t SEMI JOIN (").append(sampledRows(p.by())).append(") s USING (")
      .append(InsightDuck.ROW).append(')').toString());
  }

  /** The row numbers of the sample. */
  static String sampledRows(Analysis.Column by) {
    return "SELECT " + InsightDuck.ROW + " FROM t WHERE " + by.sql() + " IS NOT NULL USING SAMPLE reservoir("
      + SAMPLE_ROWS + " ROWS) REPEATABLE (42)";
  }

  /**
   * Kruskal–Wallis of {@code x} across the groups of the sample, or null when there are too few rows or groups. Per
   * group of the sample's rows with a value of {@code x}: rows, rank sum, sum, sum of squares, tie term.
   */
  static JsonObject test(InsightDuck duck, Analysis.Column by, Analysis.Column x) throws SQLException {
    String v = x.sql();
    // mid-ranks from the distinct values' running counts: one sort of the distinct values
    List<Object[]> groups = duck.rows("WITH s AS (SELECT g, " + v + " AS x FROM " + SAMPLE + " WHERE " + v
      + " IS NOT NULL), d AS (SELECT x, count(*) AS c FROM s GROUP BY x), "
      + "r AS (SELECT x, c, sum(c) OVER (ORDER BY x ROWS UNBOUNDED PRECEDING) - (c - 1) / 2.0 AS rk FROM d) "
      + "SELECT g, count(*), sum(rk), sum(s.x), sum(s.x * s.x), sum(c * c - 1) FROM s JOIN r USING (x) "
      + "GROUP BY g ORDER BY g");
    int k = groups.size();
    if (k < MIN_GROUPS) {
      return null;
    }
    long n = 0;
    double rankTerm = 0;
    double tieTerm = 0;
    double sum = 0;
    double within = 0;
    for (Object[] row : groups) {
      long ni = count(row[1]);
      n += ni;
      rankTerm += num(row[2]) * num(row[2]) / ni;
      sum += num(row[3]);
      within += num(row[4]) - num(row[3]) * num(row[3]) / ni;
      tieTerm += num(row[5]);
    }
    if (n <= k || n < 20) {
      return null;
    }
    double correction = 1 - tieTerm / ((double) n * n * n - n);
    if (correction <= 0) {
      return null;
    }
    double h = (12.0 / (n * (n + 1.0)) * rankTerm - 3.0 * (n + 1)) / correction;
    double p = 1 - new ChiSquaredDistribution(k - 1).cumulativeProbability(Math.max(0, h));
    double effect = Math.max(0, h) / (n - 1);
    double pooledSd = Math.sqrt(Math.max(0, within) / (n - k));
    // the group whose mean is farthest from the other rows' mean
    String moved = null;
    double groupMean = Double.NaN;
    double restMean = Double.NaN;
    double shift = 0;
    for (Object[] row : groups) {
      long ni = count(row[1]);
      if (ni == n) {
        continue;
      }
      double mi = num(row[3]) / ni;
      double rest = (sum - num(row[3])) / (n - ni);
      double d = pooledSd > 0 ? (mi - rest) / pooledSd : 0;
      if (moved == null || Math.abs(d) > Math.abs(shift)) {
        moved = String.valueOf(row[0]);
        groupMean = mi;
        restMean = rest;
        shift = d;
      }
    }
    return Trends.trend("distribution_shift", x.name(), Double.NaN, p, Double.NaN, n).put("by", by.name())
      .put("test", "kruskal_wallis").put("statistic", Stats.round(h, 4)).put("df", k - 1).put("groups", k)
      .put("effect_size", Stats.round(effect, 4)).put("effect_measure", "epsilon_squared")
      .put("negligible", effect < MIN_EFFECT).put("category", moved).put("category_mean", Stats.round(groupMean, 6))
      .put("rest_mean", Stats.round(restMean, 6)).put("shift_sd", Stats.round(shift, 4))
      .put("direction", shift > 0 ? "higher" : shift < 0 ? "lower" : "none");
  }
}
