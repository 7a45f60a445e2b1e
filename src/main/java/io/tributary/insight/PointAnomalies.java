package io.tributary.insight;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static io.tributary.insight.InsightDuck.count;
import static io.tributary.insight.InsightDuck.num;

/**
 * Values far from their column's centre: robust z-score {@code 0.6745*(x-median)/MAD}, flagged at |z| &gt; 3.5
 * (DuckDB's {@code mad()} is the unscaled MAD); when MAD is 0, Tukey's 1.5×IQR fences. Columns whose fences
 * collapse (IQR 0 too) flag nothing: their "typical" value is a single one.
 */
final class PointAnomalies {

  /** Flagged values listed per column, the most extreme first. */
  static final int PER_COLUMN = 10;

  private PointAnomalies() {
  }

  /** One column's rule: fences, and how a value is scored. */
  private record Rule(Analysis.Numeric s, String method, double lo, double hi) {
    String outside() {
      String x = s.column().sql();
      return x + " < " + lo + " OR " + x + " > " + hi;
    }

    double score(double v) {
      if ("robust_z".equals(method)) {
        return Severity.MAD_SCALE * (v - s.median()) / s.mad();
      }
      return v > s.q3() ? (v - s.q3()) / s.iqr() : -(s.q1() - v) / s.iqr();
    }
  }

  static JsonArray find(Analysis a, InsightDuck duck) throws SQLException {
    List<Rule> rules = new ArrayList<>();
    for (Analysis.Numeric s : a.numeric.values()) {
      if (s.n() < 10) {
        continue;
      }
      if (s.mad() > 0) {
        double w = Severity.ROBUST_Z * s.mad() / Severity.MAD_SCALE;
        rules.add(new Rule(s, "robust_z", s.median() - w, s.median() + w));
      } else if (s.iqr() > 0) {
        rules.add(new Rule(s, "iqr", s.q1() - Severity.IQR_FENCE * s.iqr(), s.q3() + Severity.IQR_FENCE * s.iqr()));
      }
    }
    JsonArray out = new JsonArray();
    if (rules.isEmpty()) {
      return out;
    }
    StringBuilder counts = new StringBuilder("SELECT ");
    for (Rule r : rules) {
      counts.append(counts.length() > 7 ? ", " : "").append("count(*) FILTER (WHERE ").append(r.outside()).append(')');
    }
    Object[] n = duck.row(counts.append(" FROM t").toString());
    for (int i = 0; i < rules.size(); i++) {
      Rule r = rules.get(i);
      long flagged = count(n[i]);
      a.outliers.put(r.s().column().name(), flagged);
      if (flagged == 0) {
        continue;
      }
      String x = r.s().column().sql();
      for (Object[] row : duck.rows("SELECT " + InsightDuck.ROW + ", " + x + " FROM t WHERE " + r.outside()
        + " ORDER BY abs(" + x + " - " + r.s().median() + ") DESC, " + InsightDuck.ROW + " LIMIT " + PER_COLUMN)) {
        double v = num(row[1]);
        double score = r.score(v);
        out.add(anomaly(r.s().column().name(), v, count(row[0]), r.lo(), r.hi(), score, r.method(),
          "robust_z".equals(r.method()) ? Severity.robustZ(score) : Severity.iqr(score)));
      }
    }
    return out;
  }

  static JsonObject anomaly(String column, double value, Long rowRef, double lo, double hi, double score,
                            String method, String severity) {
    return new JsonObject().put("column", column).put("value", Stats.round(value, 8)).put("row_ref", rowRef)
      .put("expected_range", new JsonArray().add(Stats.round(lo, 6)).add(Stats.round(hi, 6)))
      .put("score", Stats.round(score, 4)).put("method", method).put("severity", severity)
      .put("direction", value > hi ? "above" : "below");
  }
}
