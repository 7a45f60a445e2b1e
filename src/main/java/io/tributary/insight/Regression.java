package io.tributary.insight;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.tributary.insight.InsightDuck.count;
import static io.tributary.insight.InsightDuck.num;

/**
 * Least-squares figures of pairs of variables {@code (y, x)} from the fewest DuckDB aggregates of one query: per pair
 * {@code covar_pop}, and over the pair's rows each variable's {@code var_pop} (and, for the intercept, its mean by
 * {@code regr_avgx}) and the rows ({@code regr_count}); those of a variable are one aggregate for every pair with the
 * same rows, as when the other variable has no nulls, and a pair without nulls has every row. They are finished as
 * DuckDB finishes {@code regr_slope}, {@code regr_intercept}, {@code regr_r2}, {@code regr_sxx}, {@code regr_syy} and
 * {@code corr}, whose states are these very states updated by the same code, so every figure has each bit of the
 * aggregate it stands for (RegressionTest compares them on one thread) for about half the work.
 */
final class Regression {

  /** A variable: its SQL expression and whether it has nulls. */
  record Var(String sql, boolean nullable) {
  }

  /** A pair's aggregates: their positions in the query's row ({@code n} -1 for every row, the means -1 for none). */
  record Pair(int n, int cov, int varX, int varY, int avgX, int avgY) {
  }

  /** A pair's figures, each as DuckDB's aggregate of that name computes it (NaN where it answers NULL). */
  record Fit(long n, double slope, double intercept, double r2, double sxx, double syy, double corr) {
  }

  private final Map<String, Integer> aggregates = new LinkedHashMap<>();
  private final long rows;
  private final boolean intercepts;

  /** A query over {@code rows} rows; with {@code intercepts}, the pairs' intercepts too. */
  Regression(long rows, boolean intercepts) {
    this.rows = rows;
    this.intercepts = intercepts;
  }

  /** Adds the aggregates of {@code (y, x)} to the query. */
  Pair pair(Var y, Var x) {
    String args = "(" + y.sql() + ", " + x.sql() + ")";
    int n = y.nullable() || x.nullable() ? add("regr_count" + args) : -1;
    // regr_avgx(y, x) adds up x over the rows where both have a value: with y never null, those of regr_avgx(x, x)
    int avgX = intercepts ? add("regr_avgx(" + (y.nullable() ? y : x).sql() + ", " + x.sql() + ")") : -1;
    int avgY = intercepts ? add("regr_avgy(" + y.sql() + ", " + (x.nullable() ? x : y).sql() + ")") : -1;
    return new Pair(n, add("covar_pop" + args), add(varPop(x, y)), add(varPop(y, x)), avgX, avgY);
  }

  /** {@code var_pop(v)} over the rows where {@code other} has a value too. */
  private static String varPop(Var v, Var other) {
    return "var_pop(" + v.sql() + ")" + (other.nullable() ? " FILTER (WHERE " + other.sql() + " IS NOT NULL)" : "");
  }

  private int add(String aggregate) {
    return aggregates.computeIfAbsent(aggregate, k -> aggregates.size());
  }

  /** The query of every aggregate added. */
  String select(String from) {
    return "SELECT " + String.join(", ", aggregates.keySet()) + " FROM " + from;
  }

  /** The figures of a pair from the query's row (its intercept NaN without {@code intercepts}). */
  Fit fit(Pair p, Object[] row) {
    double cov = num(row[p.cov()]);
    double varX = num(row[p.varX()]);
    double varY = num(row[p.varY()]);
    long n = p.n() < 0 ? rows : count(row[p.n()]);
    double slope = varX != 0 ? cov / varX : Double.NaN;
    double intercept = Double.isNaN(slope) || p.avgX() < 0 ? Double.NaN
      : num(row[p.avgY()]) - slope * num(row[p.avgX()]);
    double sx = Math.sqrt(varX);
    double sy = Math.sqrt(varY);
    double corr = sx * sy != 0 ? cov / (sx * sy) : Double.NaN;
    double r2 = Double.isNaN(varX) || varX == 0 ? Double.NaN : varY == 0 ? 1 : corr * corr;
    return new Fit(n, slope, intercept, r2, n * varX, n * varY, corr);
  }
}
