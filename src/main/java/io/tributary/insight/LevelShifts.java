package io.tributary.insight;

import io.vertx.core.json.JsonObject;

import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static io.tributary.insight.InsightDuck.count;
import static io.tributary.insight.InsightDuck.num;

/**
 * Level shifts of each numeric column over time. The candidate is where the CUSUM of the bucket means (their
 * deviations from the overall mean) is furthest from 0. It is confirmed when (1) a step at that point explains the
 * bucket means beyond a straight line (F test, p &lt; 0.001), so a steady trend is not mistaken for a shift, (2) the
 * rows before and after differ by Welch's t-test (p &lt; 0.001), and (3) the difference is at least half a standard
 * deviation (Cohen's d &ge; 0.5).
 */
final class LevelShifts {

  static final double P_MAX = 0.001;
  static final double MIN_EFFECT = 0.5;
  static final int MIN_BUCKETS = 8;

  /** A confirmed shift: the trend finding and the anomaly that stand for it. */
  record Shift(JsonObject trend, JsonObject anomaly) {
  }

  private record Candidate(String column, double changeAt) {
  }

  private LevelShifts() {
  }

  static List<Shift> find(Analysis a, TimeSeries ts, InsightDuck duck) throws SQLException {
    List<Candidate> candidates = new ArrayList<>();
    for (String column : ts.bucketMeans.keySet()) {
      double[] means = ts.bucketMeans.get(column);
      List<double[]> points = new ArrayList<>();
      for (int i = 0; i < means.length; i++) {
        if (!Double.isNaN(means[i])) {
          points.add(new double[] {ts.bucketStart[i], means[i]});
        }
      }
      if (points.size() < MIN_BUCKETS) {
        continue;
      }
      int k = cusumSplit(points);
      if (stepP(points, k) < P_MAX) {
        candidates.add(new Candidate(column, points.get(k + 1)[0]));
      }
    }
    List<Shift> out = new ArrayList<>();
    if (candidates.isEmpty()) {
      return out;
    }
    StringBuilder sql = new StringBuilder("SELECT ");
    for (Candidate c : candidates) {
      String x = InsightDuck.identifier(c.column());
      String before = " FILTER (WHERE " + Analysis.TS + " < " + c.changeAt() + ")";
      String after = " FILTER (WHERE " + Analysis.TS + " >= " + c.changeAt() + ")";
      sql.append(sql.length() > 7 ? ", " : "")
        .append("count(").append(x).append(')').append(before).append(", avg(").append(x).append(')').append(before)
        .append(", var_samp(").append(x).append(')').append(before)
        .append(", count(").append(x).append(')').append(after).append(", avg(").append(x).append(')').append(after)
        .append(", var_samp(").append(x).append(')').append(after)
        .append(", arg_min(").append(InsightDuck.ROW).append(", ").append(Analysis.TS).append(')').append(after);
    }
    Object[] r = duck.row(sql.append(" FROM t").toString());
    for (int i = 0; i < candidates.size(); i++) {
      int o = i * 7;
      long n1 = count(r[o]);
      double m1 = num(r[o + 1]);
      double v1 = num(r[o + 2]);
      long n2 = count(r[o + 3]);
      double m2 = num(r[o + 4]);
      double v2 = num(r[o + 5]);
      double[] w = Stats.welch(m1, v1, n1, m2, v2, n2);
      double pooled = Math.sqrt((v1 + v2) / 2);
      double d = pooled > 0 ? (m2 - m1) / pooled : (m2 == m1 ? 0 : Double.POSITIVE_INFINITY * Math.signum(m2 - m1));
      if (!(w[2] < P_MAX) || !(Math.abs(d) >= MIN_EFFECT)) {
        continue;
      }
      Candidate c = candidates.get(i);
      String at = TimeSeries.iso(c.changeAt());
      JsonObject trend = Trends.trend("level_shift", c.column(), Double.NaN, w[2], Double.NaN, n1 + n2)
        .put("time_column", a.time.name()).put("change_at", at).put("before_mean", Stats.round(m1, 6))
        .put("after_mean", Stats.round(m2, 6)).put("magnitude", Stats.round(m2 - m1, 6))
        .put("t_statistic", Stats.round(w[0], 4)).put("cohens_d", Stats.round(d, 4))
        .put("n_before", n1).put("n_after", n2).put("direction", m2 > m1 ? "up" : "down");
      double sd1 = Math.sqrt(Math.max(0, v1));
      JsonObject anomaly = PointAnomalies.anomaly(c.column(), m2, r[o + 6] == null ? null : count(r[o + 6]),
          m1 - 2 * sd1, m1 + 2 * sd1, d, "level_shift", Severity.levelShift(d))
        .put("time", at).put("magnitude", Stats.round(m2 - m1, 6)).put("p_value", Stats.p(w[2]))
        .put("direction", m2 > m1 ? "above" : "below");
      out.add(new Shift(trend, anomaly));
    }
    return out;
  }

  /** The index k maximising |CUSUM| (the split falls between k and k + 1), in 1 .. size-3. */
  static int cusumSplit(List<double[]> points) {
    double mean = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
    double s = 0;
    double best = -1;
    int k = 1;
    for (int i = 0; i < points.size() - 2; i++) {
      s += points.get(i)[1] - mean;
      if (i >= 1 && Math.abs(s) > best) {
        best = Math.abs(s);
        k = i;
      }
    }
    return k;
  }

  /** p-value of the F test that a step after index k adds to a straight line through the points. */
  static double stepP(List<double[]> points, int k) {
    int m = points.size();
    double[][] line = new double[m][];
    double[][] stepped = new double[m][];
    double[] y = new double[m];
    double t0 = points.get(0)[0];
    double scale = Math.max(1e-9, points.get(m - 1)[0] - t0);
    for (int i = 0; i < m; i++) {
      double x = (points.get(i)[0] - t0) / scale;
      line[i] = new double[] {x};
      stepped[i] = new double[] {x, i > k ? 1 : 0};
      y[i] = points.get(i)[1];
    }
    double sseLine = sse(line, y);
    double sseStep = sse(stepped, y);
    if (Double.isNaN(sseLine) || Double.isNaN(sseStep)) {
      return 1;
    }
    if (sseStep <= 0) {
      return sseLine > 0 ? 0 : 1;
    }
    double f = (sseLine - sseStep) / (sseStep / (m - 3));
    return Stats.fPValue(f, 1, m - 3);
  }

  /** Residual sum of squares of the least-squares fit of y on x (with an intercept); NaN when x is singular. */
  static double sse(double[][] x, double[] y) {
    try {
      OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
      ols.newSampleData(y, x);
      return ols.calculateResidualSumOfSquares();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }
}
