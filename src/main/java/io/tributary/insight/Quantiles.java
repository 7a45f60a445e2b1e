package io.tributary.insight;

import java.util.Arrays;

/**
 * DuckDB's {@code quantile_cont} over values held in Java: the same order statistics (NaN above every number, as
 * DuckDB orders doubles), found by selection rather than a sort, and the same interpolation {@code lo * (1 - d) +
 * hi * d}, {@code d = RN - FRN}, at {@code RN = (n - 1) * q}, so each figure has every bit of the aggregate's
 * (AnalysisTest compares them). Reorders the values.
 */
final class Quantiles {

  /** Ranges this short are finished by insertion sort. */
  private static final int SHORT = 24;

  private final double[] v;
  private final int n;
  /** The values before this index are numbers, the rest NaN. */
  private final int numbers;

  /** The first {@code n} entries of {@code values}. */
  Quantiles(double[] values, int n) {
    this.v = values;
    this.n = n;
    this.numbers = nanLast(values, n);
  }

  /** {@code quantile_cont(x, q)} of each {@code q}, in the order given (NaN without values). */
  double[] of(double... qs) {
    double[] out = new double[qs.length];
    if (n == 0) {
      Arrays.fill(out, Double.NaN);
      return out;
    }
    // the ranks in ascending order, each selected among the values from the one before it on
    Integer[] order = new Integer[qs.length];
    for (int i = 0; i < qs.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(qs[a], qs[b]));
    int from = 0;
    for (int i : order) {
      double rn = (double) (n - 1) * qs[i];
      int lo = (int) Math.floor(rn);
      int hi = (int) Math.ceil(rn);
      double low = select(Math.min(from, lo), lo);
      if (hi == lo) {
        out[i] = low;
      } else {
        // no value after lo is less than its value: the next order statistic is the least of them
        double high = least(lo + 1);
        double d = rn - lo;
        out[i] = low * (1.0 - d) + high * d;
      }
      from = lo + 1;
    }
    return out;
  }

  /** The least value from {@code from} on (NaN when only NaN are left). */
  private double least(int from) {
    if (from >= numbers) {
      return Double.NaN;
    }
    double min = v[from];
    for (int i = from + 1; i < numbers; i++) {
      min = v[i] < min ? v[i] : min;
    }
    return min;
  }

  /**
   * The unscaled median absolute deviation given the median: {@code quantile_cont(abs(x - median), 0.5)}, as
   * {@link Analysis#mad} asks DuckDB. Overwrites the values with their absolute deviations.
   */
  double mad(double median) {
    for (int i = 0; i < n; i++) {
      v[i] = Math.abs(v[i] - median);
    }
    return new Quantiles(v, n).of(0.5)[0];
  }

  /** Moves the NaNs after the numbers; returns how many numbers there are. */
  private static int nanLast(double[] a, int n) {
    int end = n;
    int i = 0;
    while (i < end) {
      if (Double.isNaN(a[i])) {
        a[i] = a[--end];
        a[end] = Double.NaN;
      } else {
        i++;
      }
    }
    return end;
  }

  /**
   * The {@code k}-th least value, given that {@code [from, numbers)} holds the order statistics from {@code from}
   * on; afterwards no value after {@code k} is less than it and none before it (from {@code from}) is greater.
   */
  private double select(int from, int k) {
    if (k >= numbers) {
      return Double.NaN;
    }
    int lo = from;
    int hi = numbers - 1;
    int budget = 2 * (64 - Long.numberOfLeadingZeros(numbers)) + 8;
    while (hi - lo >= SHORT) {
      if (budget-- == 0) {
        Arrays.sort(v, lo, hi + 1);
        return v[k];
      }
      double p = medianOf3(v[lo], v[(lo + hi) >>> 1], v[hi]);
      // three ways: below p, equal to p, above p
      int lt = lo;
      int i = lo;
      int gt = hi;
      while (i <= gt) {
        double x = v[i];
        if (x < p) {
          v[i++] = v[lt];
          v[lt++] = x;
        } else if (x > p) {
          v[i] = v[gt];
          v[gt--] = x;
        } else {
          i++;
        }
      }
      if (k < lt) {
        hi = lt - 1;
      } else if (k > gt) {
        lo = gt + 1;
      } else {
        return p;
      }
    }
    for (int i = lo + 1; i <= hi; i++) {
      double x = v[i];
      int j = i - 1;
      while (j >= lo && v[j] > x) {
        v[j + 1] = v[j];
        j--;
      }
      v[j + 1] = x;
    }
    return v[k];
  }

  private static double medianOf3(double a, double b, double c) {
    return a < b ? (b < c ? b : Math.max(a, c)) : (a < c ? a : Math.max(b, c));
  }
}
