package io.tributary.insight;

import org.apache.commons.math3.distribution.FDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The distribution functions DuckDB lacks (commons-math3): two-sided p-values of t, z and F statistics, the
 * Mann–Kendall test and Welch's t-test from summaries. Every input is a figure computed in SQL.
 */
final class Stats {

  private static final NormalDistribution NORMAL = new NormalDistribution();

  private Stats() {
  }

  /** Two-sided p-value of a t statistic with {@code df} degrees of freedom (1 when df is not positive). */
  static double tPValue(double t, double df) {
    if (Double.isNaN(t) || df <= 0) {
      return 1.0;
    }
    if (Double.isInfinite(t)) {
      return 0.0;
    }
    return 2 * new TDistribution(df).cumulativeProbability(-Math.abs(t));
  }

  /** Two-sided p-value of a standard normal statistic. */
  static double zPValue(double z) {
    if (Double.isNaN(z)) {
      return 1.0;
    }
    return 2 * NORMAL.cumulativeProbability(-Math.abs(z));
  }

  /** Upper-tail p-value of an F statistic. */
  static double fPValue(double f, double df1, double df2) {
    if (Double.isNaN(f) || df1 <= 0 || df2 <= 0) {
      return 1.0;
    }
    if (Double.isInfinite(f)) {
      return 0.0;
    }
    return 1 - new FDistribution(df1, df2).cumulativeProbability(Math.max(0, f));
  }

  /** The t statistic of a regression slope: slope / its standard error, from DuckDB's regr_* aggregates. */
  static double slopeT(double slope, double sxx, double syy, double r2, long n) {
    if (n < 3 || sxx <= 0) {
      return Double.NaN;
    }
    double sse = Math.max(0, syy * (1 - r2));
    if (sse == 0) {
      return slope == 0 ? 0 : Double.POSITIVE_INFINITY * Math.signum(slope);
    }
    return slope / Math.sqrt(sse / (n - 2) / sxx);
  }

  /** Mann–Kendall: {@code {s, z, p}} of a series in time order (ties corrected). */
  static double[] mannKendall(double[] x) {
    int n = x.length;
    long s = 0;
    for (int i = 0; i < n - 1; i++) {
      for (int j = i + 1; j < n; j++) {
        s += Double.compare(x[j], x[i]) > 0 ? 1 : Double.compare(x[j], x[i]) < 0 ? -1 : 0;
      }
    }
    double[] sorted = x.clone();
    java.util.Arrays.sort(sorted);
    double ties = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j < n && sorted[j] == sorted[i]) {
        j++;
      }
      long t = j - i;
      ties += t * (t - 1) * (2 * t + 5);
      i = j;
    }
    double var = (n * (n - 1.0) * (2 * n + 5) - ties) / 18.0;
    double z = var <= 0 ? 0 : s > 0 ? (s - 1) / Math.sqrt(var) : s < 0 ? (s + 1) / Math.sqrt(var) : 0;
    return new double[] {s, z, zPValue(z)};
  }

  /** Welch's t-test from two summaries: {@code {t, df, p}}. */
  static double[] welch(double mean1, double var1, long n1, double mean2, double var2, long n2) {
    if (n1 < 2 || n2 < 2) {
      return new double[] {Double.NaN, 0, 1.0};
    }
    double a = var1 / n1;
    double b = var2 / n2;
    if (a + b == 0) {
      double t = mean1 == mean2 ? 0 : Double.POSITIVE_INFINITY;
      return new double[] {t, n1 + n2 - 2, mean1 == mean2 ? 1.0 : 0.0};
    }
    double t = (mean2 - mean1) / Math.sqrt(a + b);
    double df = (a + b) * (a + b) / (a * a / (n1 - 1) + b * b / (n2 - 1));
    return new double[] {t, df, tPValue(t, df)};
  }

  /** A figure rounded to {@code digits} significant digits (NaN and infinities become null in JSON). */
  static Double round(double v, int digits) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return null;
    }
    if (v == 0) {
      return 0.0;
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(digits)).doubleValue();
  }

  /** A p-value for JSON: 4 significant digits. */
  static Double p(double v) {
    return round(v, 4);
  }
}
