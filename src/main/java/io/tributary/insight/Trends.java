package io.tributary.insight;

import io.vertx.core.json.JsonObject;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static io.tributary.insight.InsightDuck.count;
import static io.tributary.insight.InsightDuck.num;

/**
 * Findings that need no time column: the strongest correlations between numeric columns, dominant categories
 * (chi-square against equal shares), skew (its z test), and concentration (the share of a column's total held by
 * its top 10% of rows). Every finding carries {@code slope, p_value, r2, n} (null where a figure does not apply).
 */
final class Trends {

  /** Numeric columns paired for correlations, at most. */
  static final int MAX_CORRELATED = 12;
  /** Correlations reported, at most. */
  static final int TOP_CORRELATIONS = 3;
  /** Categories counted for a text column with at most this many distinct values. */
  static final int MAX_CATEGORIES = 100;

  private Trends() {
  }

  static JsonObject trend(String type, String column, double slope, double p, double r2, long n) {
    return new JsonObject().put("type", type).put("column", column).put("slope", Stats.round(slope, 6))
      .put("p_value", Stats.p(p)).put("r2", Stats.round(r2, 4)).put("n", n);
  }

  static List<JsonObject> correlations(Analysis a, InsightDuck duck) throws SQLException {
    List<Analysis.Numeric> cols = a.numeric.values().stream().filter(s -> s.sd() > 0).limit(MAX_CORRELATED).toList();
    List<JsonObject> out = new ArrayList<>();
    if (cols.size() < 2) {
      return out;
    }
    Regression sql = new Regression(a.rows, false);
    List<Regression.Pair> pairs = new ArrayList<>();
    List<String[]> names = new ArrayList<>();
    for (int i = 0; i < cols.size(); i++) {
      for (int j = i + 1; j < cols.size(); j++) {
        pairs.add(sql.pair(var(a, cols.get(j)), var(a, cols.get(i))));
        names.add(new String[] {cols.get(i).column().name(), cols.get(j).column().name()});
      }
    }
    Object[] r = duck.row(sql.select("t"));
    for (int k = 0; k < pairs.size(); k++) {
      Regression.Fit f = sql.fit(pairs.get(k), r);
      double rho = f.corr();
      long n = f.n();
      if (Double.isNaN(rho) || n < 3) {
        continue;
      }
      double t = Math.abs(rho) >= 1 ? Double.POSITIVE_INFINITY : rho * Math.sqrt((n - 2) / (1 - rho * rho));
      out.add(trend("correlation", names.get(k)[1], f.slope(), Stats.tPValue(t, n - 2), rho * rho, n)
        .put("with", names.get(k)[0]).put("correlation", Stats.round(rho, 4))
        .put("direction", rho > 0 ? "positive" : "negative"));
    }
    out.sort((x, y) -> Double.compare(y.getDouble("r2", 0.0), x.getDouble("r2", 0.0)));
    return out.subList(0, Math.min(TOP_CORRELATIONS, out.size()));
  }

  private static Regression.Var var(Analysis a, Analysis.Numeric s) {
    return new Regression.Var(s.column().sql(), s.n() < a.rows);
  }

  static List<JsonObject> categories(Analysis a, InsightDuck duck) throws SQLException {
    List<JsonObject> out = new ArrayList<>();
    for (Analysis.Category c : a.categories.values()) {
      if (c.n() < 10 || c.distinct() < 2 || c.distinct() > MAX_CATEGORIES) {
        continue;
      }
      List<Object[]> counts = duck.rows("SELECT " + c.column().sql() + ", count(*) FROM t WHERE "
        + c.column().sql() + " IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT " + (MAX_CATEGORIES + 1));
      int k = counts.size();
      if (k < 2 || k > MAX_CATEGORIES) {
        continue;
      }
      double expected = (double) c.n() / k;
      double chi2 = 0;
      for (Object[] row : counts) {
        double d = count(row[1]) - expected;
        chi2 += d * d / expected;
      }
      double p = 1 - new ChiSquaredDistribution(k - 1).cumulativeProbability(chi2);
      long top = count(counts.get(0)[1]);
      out.add(trend("dominant_category", c.column().name(), Double.NaN, p, Double.NaN, c.n())
        .put("value", String.valueOf(counts.get(0)[0])).put("share", Stats.round((double) top / c.n(), 4))
        .put("categories", k).put("expected_share", Stats.round(1.0 / k, 4)).put("chi_square", Stats.round(chi2, 4)));
    }
    return out;
  }

  /** Skewness per numeric column, tested with its standard error under normality. */
  static List<JsonObject> skew(Analysis a) {
    List<JsonObject> out = new ArrayList<>();
    for (Analysis.Numeric s : a.numeric.values()) {
      long n = s.n();
      if (n < 8 || Double.isNaN(s.skew())) {
        continue;
      }
      double se = Math.sqrt(6.0 * n * (n - 1) / ((n - 2.0) * (n + 1) * (n + 3)));
      out.add(trend("skew", s.column().name(), Double.NaN, Stats.zPValue(s.skew() / se), Double.NaN, n)
        .put("skewness", Stats.round(s.skew(), 4))
        .put("direction", s.skew() > 0 ? "right" : s.skew() < 0 ? "left" : "none"));
    }
    return out;
  }

  /** Non-negative columns whose top 10% of rows hold at least 30% of the total. */
  static List<JsonObject> concentration(Analysis a, InsightDuck duck) throws SQLException {
    List<Analysis.Numeric> cols = a.numeric.values().stream()
      .filter(s -> s.n() >= 10 && s.min() >= 0 && s.sum() > 0 && !Double.isNaN(s.q90())).toList();
    List<JsonObject> out = new ArrayList<>();
    if (cols.isEmpty()) {
      return out;
    }
    StringBuilder sql = new StringBuilder("SELECT ");
    for (Analysis.Numeric s : cols) {
      String x = s.column().sql();
      sql.append(sql.length() > 7 ? ", " : "").append("sum(").append(x).append(") FILTER (WHERE ").append(x)
        .append(" > ").append(s.q90()).append("), count(").append(x).append(") FILTER (WHERE ").append(x)
        .append(" > ").append(s.q90()).append(")");
    }
    Object[] r = duck.row(sql.append(" FROM t").toString());
    for (int i = 0; i < cols.size(); i++) {
      Analysis.Numeric s = cols.get(i);
      double share = (Double.isNaN(num(r[i * 2])) ? 0 : num(r[i * 2])) / s.sum();
      double rowShare = (double) count(r[i * 2 + 1]) / s.n();
      if (share >= 0.3 && rowShare > 0) {
        out.add(trend("concentration", s.column().name(), Double.NaN, Double.NaN, Double.NaN, s.n())
          .put("top_rows_share", Stats.round(rowShare, 4)).put("share_of_total", Stats.round(share, 4)));
      }
    }
    return out;
  }
}
