package io.tributary.insight;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tributary.insight.InsightDuck.count;
import static io.tributary.insight.InsightDuck.num;

/**
 * Each numeric column against the time column: the least-squares slope ({@code regr_slope}, {@code regr_r2}, its t
 * statistic and p-value), Mann–Kendall on the series of bucket means, points off the fitted line (robust z of the
 * residuals), and weekday and hour-of-day seasonality (one-way ANOVA of the group means).
 */
final class TimeSeries {

  /** Time buckets the series is averaged into for Mann–Kendall and level shifts. */
  static final int BUCKETS = 100;

  /** A least-squares fit {@code y = intercept + slope * x}, x in {@link #unit}s since {@link #tmin}. */
  record Fit(double slope, double intercept, double r2, long n, double t, double p) {
  }

  final double tmin;
  final double tmax;
  final double unit;
  final String unitName;
  final Map<String, Fit> fits = new LinkedHashMap<>();
  /** Bucket start times (epoch seconds) and, per column, each bucket's mean (NaN when empty). */
  double[] bucketStart = new double[0];
  final Map<String, double[]> bucketMeans = new LinkedHashMap<>();

  private TimeSeries(double tmin, double tmax) {
    this.tmin = tmin;
    this.tmax = tmax;
    double span = tmax - tmin;
    this.unit = span >= 7 * 86_400 ? 86_400 : span >= 2 * 3_600 ? 3_600 : 60;
    this.unitName = unit == 86_400 ? "day" : unit == 3_600 ? "hour" : "minute";
  }

  /** The series of the analysis, or null when the time column has fewer than 3 distinct instants. */
  static TimeSeries of(Analysis a, InsightDuck duck) throws SQLException {
    Object[] r = duck.row("SELECT min(" + Analysis.TS + "), max(" + Analysis.TS + "), approx_count_distinct("
      + Analysis.TS + "), count(" + Analysis.TS + ") FROM t");
    if (r.length == 0 || r[0] == null || count(r[2]) < 3 || num(r[1]) <= num(r[0])) {
      return null;
    }
    TimeSeries ts = new TimeSeries(num(r[0]), num(r[1]));
    ts.fit(a, duck, count(r[3]) < a.rows);
    ts.bucket(a, duck);
    return ts;
  }

  /** x of a row: time units since the first instant. */
  String x() {
    return "((" + Analysis.TS + " - " + tmin + ") / " + unit + ")";
  }

  static String iso(double epochSeconds) {
    return Instant.ofEpochMilli(Math.round(epochSeconds * 1000)).toString();
  }

  private void fit(Analysis a, InsightDuck duck, boolean timeNulls) throws SQLException {
    List<Analysis.Column> cols = a.numericColumns();
    if (cols.isEmpty()) {
      return;
    }
    Regression sql = new Regression(a.rows, true);
    Regression.Var x = new Regression.Var(x(), timeNulls);
    List<Regression.Pair> pairs = new ArrayList<>();
    for (Analysis.Column c : cols) {
      pairs.add(sql.pair(new Regression.Var(c.sql(), a.nulls(c) > 0), x));
    }
    Object[] r = duck.row(sql.select("t"));
    for (int i = 0; i < cols.size(); i++) {
      Regression.Fit f = sql.fit(pairs.get(i), r);
      double r2 = Double.isNaN(f.r2()) ? 0 : f.r2();
      double t = Stats.slopeT(f.slope(), f.sxx(), f.syy(), r2, f.n());
      fits.put(cols.get(i).name(), new Fit(f.slope(), f.intercept(), r2, f.n(), t, Stats.tPValue(t, f.n() - 2)));
    }
  }

  private void bucket(Analysis a, InsightDuck duck) throws SQLException {
    List<Analysis.Column> cols = a.numericColumns();
    double width = (tmax - tmin) / BUCKETS;
    StringBuilder sql = new StringBuilder("SELECT least(floor((" + Analysis.TS + " - " + tmin + ") / " + width
      + "), " + (BUCKETS - 1) + ")::INTEGER AS __bucket, min(" + Analysis.TS + ")");
    for (Analysis.Column c : cols) {
      sql.append(", avg(").append(c.sql()).append(")");
    }
    List<Object[]> rows = duck.rows(sql.append(" FROM t WHERE ").append(Analysis.TS)
      .append(" IS NOT NULL GROUP BY 1 ORDER BY 1").toString());
    bucketStart = new double[rows.size()];
    for (Analysis.Column c : cols) {
      bucketMeans.put(c.name(), new double[rows.size()]);
    }
    for (int i = 0; i < rows.size(); i++) {
      bucketStart[i] = num(rows.get(i)[1]);
      for (int j = 0; j < cols.size(); j++) {
        bucketMeans.get(cols.get(j).name())[i] = num(rows.get(i)[2 + j]);
      }
    }
  }

  /** The bucket means of a column without its empty buckets, in time order. */
  double[] series(String column) {
    return java.util.Arrays.stream(bucketMeans.get(column)).filter(v -> !Double.isNaN(v)).toArray();
  }

  /** A linear-trend finding per column: slope, its test, r², n and the Mann–Kendall direction of the bucket means. */
  List<JsonObject> trends(String timeColumn) {
    List<JsonObject> out = new ArrayList<>();
    fits.forEach((column, f) -> {
      if (f.n() < 3 || Double.isNaN(f.slope())) {
        return;
      }
      double[] s = series(column);
      double[] mk = s.length >= 3 ? Stats.mannKendall(s) : new double[] {0, 0, 1};
      out.add(Trends.trend("linear_trend", column, f.slope(), f.p(), f.r2(), f.n())
        .put("time_column", timeColumn).put("slope_unit", "per_" + unitName)
        .put("intercept", Stats.round(f.intercept(), 6)).put("t_statistic", Stats.round(f.t(), 4))
        .put("direction", f.slope() > 0 ? "increasing" : f.slope() < 0 ? "decreasing" : "flat")
        .put("mann_kendall", new JsonObject().put("s", (long) mk[0]).put("z", Stats.round(mk[1], 4))
          .put("p_value", Stats.p(mk[2])).put("n", s.length)
          .put("direction", mk[1] > 0 ? "increasing" : mk[1] < 0 ? "decreasing" : "none")));
    });
    return out;
  }

  /** Points off each column's line: robust z of the residuals above 3.5, the expected range around the line. */
  Map<String, JsonArray> offTrend(InsightDuck duck, List<String> columns) throws SQLException {
    Map<String, JsonArray> out = new LinkedHashMap<>();
    for (String column : columns) {
      JsonArray points = new JsonArray();
      out.put(column, points);
      Fit f = fits.get(column);
      String residual = "(" + InsightDuck.identifier(column) + " - (" + f.intercept() + " + " + f.slope() + " * " + x()
        + "))";
      // the fit's rows are those with a residual
      double[] spread = Analysis.spread(duck, residual, f.n(), 0.5);
      double med = spread[0];
      double mad = spread[1];
      if (!(mad > 0)) {
        continue;
      }
      double w = Severity.ROBUST_Z * mad / Severity.MAD_SCALE;
      String z = "(" + Severity.MAD_SCALE + " * (" + residual + " - " + med + ") / " + mad + ")";
      for (Object[] row : duck.rows("SELECT " + InsightDuck.ROW + ", " + InsightDuck.identifier(column) + ", "
        + x() + ", " + z + ", " + Analysis.TS + " FROM t WHERE abs(" + z + ") > " + Severity.ROBUST_Z + " ORDER BY abs("
        + z + ") DESC, " + InsightDuck.ROW + " LIMIT " + PointAnomalies.PER_COLUMN)) {
        double expected = f.intercept() + f.slope() * num(row[2]) + med;
        double score = num(row[3]);
        points.add(PointAnomalies.anomaly(column, num(row[1]), count(row[0]), expected - w, expected + w, score,
          "off_trend", Severity.robustZ(score)).put("time", iso(num(row[4]))));
      }
    }
    return out;
  }

  /**
   * The seasonal periods this series is tested for: weekday over at least 14 days, hour of day for timestamps over at
   * least 2 days.
   */
  List<String> periods(Analysis a) {
    List<String> out = new ArrayList<>();
    double span = tmax - tmin;
    if (span >= 14 * 86_400) {
      out.add(WEEKDAY);
    }
    if (span >= 2 * 86_400 && a.time.type().toUpperCase(java.util.Locale.ROOT).startsWith("TIMESTAMP")) {
      out.add(HOUR_OF_DAY);
    }
    return out;
  }

  /** Seasonality of every numeric column over one of {@link #periods}. */
  List<JsonObject> seasonality(Analysis a, InsightDuck duck, String period) throws SQLException {
    return groups(a, duck, period, WEEKDAY.equals(period) ? weekday(Analysis.TS) : hourOfDay(Analysis.TS));
  }

  /**
   * The UTC weekday (0 = Sunday, as DuckDB's {@code dayofweek}) of epoch seconds, by integer arithmetic: the same
   * groups as {@code dayofweek(to_timestamp(s))} in UTC at a fraction of its cost (1970-01-01 was a Thursday).
   */
  static String weekday(String epochSeconds) {
    return "((floor(" + epochSeconds + " / 86400)::BIGINT % 7 + 11) % 7)";
  }

  /** The UTC hour of day of epoch seconds, as {@code hour(to_timestamp(s))} in UTC. */
  static String hourOfDay(String epochSeconds) {
    return "((floor(" + epochSeconds + " / 3600)::BIGINT % 24 + 24) % 24)";
  }

  static final String WEEKDAY = "weekday";
  static final String HOUR_OF_DAY = "hour_of_day";

  private static final String[] DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

  private List<JsonObject> groups(Analysis a, InsightDuck duck, String kind, String key) throws SQLException {
    List<Analysis.Column> cols = a.numericColumns();
    List<JsonObject> out = new ArrayList<>();
    if (cols.isEmpty()) {
      return out;
    }
    StringBuilder sql = new StringBuilder("SELECT " + key + " AS __group");
    for (Analysis.Column c : cols) {
      sql.append(", count(").append(c.sql()).append("), avg(").append(c.sql()).append("), var_samp(").append(c.sql())
        .append(")");
    }
    List<Object[]> rows = duck.rows(sql.append(" FROM t WHERE ").append(Analysis.TS)
      .append(" IS NOT NULL GROUP BY 1 ORDER BY 1").toString());
    if (rows.size() < 2) {
      return out;
    }
    for (int j = 0; j < cols.size(); j++) {
      Anova anova = Anova.of(rows, 1 + j * 3);
      if (anova == null) {
        continue;
      }
      int peak = (int) count(rows.get(anova.peak())[0]);
      out.add(Trends.trend("seasonality", cols.get(j).name(), Double.NaN, anova.p(), anova.eta2(), anova.n())
        .put("period", kind).put("f_statistic", Stats.round(anova.f(), 4)).put("groups", anova.k())
        .put("peak", "weekday".equals(kind) ? DAYS[peak] : String.valueOf(peak))
        .put("peak_mean", Stats.round(anova.peakMean(), 6)).put("range_of_means", Stats.round(anova.range(), 6)));
    }
    return out;
  }

  /** One-way ANOVA from group counts, means and variances (columns {@code o, o+1, o+2} of each row). */
  record Anova(double f, double p, double eta2, long n, int k, int peak, double peakMean, double range) {
    static Anova of(List<Object[]> rows, int o) {
      long n = 0;
      double sum = 0;
      int k = 0;
      for (Object[] r : rows) {
        long c = count(r[o]);
        if (c > 0) {
          n += c;
          sum += c * num(r[o + 1]);
          k++;
        }
      }
      if (k < 2 || n <= k) {
        return null;
      }
      double grand = sum / n;
      double between = 0;
      double within = 0;
      int peak = -1;
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < rows.size(); i++) {
        Object[] r = rows.get(i);
        long c = count(r[o]);
        if (c == 0) {
          continue;
        }
        double m = num(r[o + 1]);
        between += c * (m - grand) * (m - grand);
        within += c > 1 ? (c - 1) * num(r[o + 2]) : 0;
        if (m > hi) {
          hi = m;
          peak = i;
        }
        lo = Math.min(lo, m);
      }
      double f = within == 0 ? (between == 0 ? 0 : Double.POSITIVE_INFINITY) : (between / (k - 1)) / (within / (n - k));
      double total = between + within;
      return new Anova(f, Stats.fPValue(f, k - 1, n - k), total == 0 ? 0 : between / total, n, k, peak, hi, hi - lo);
    }
  }
}
