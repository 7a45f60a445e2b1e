package io.tributary.dashboard.render;

import java.util.Arrays;

/**
 * Point reduction for long (x, y) series, as pure functions returning the kept indices in ascending order.
 * Every method keeps the first and last point and returns all indices when the series is not longer than
 * its target. Values are expected finite; LTTB and min/max expect x in ascending order.
 */
public final class Downsample {

  private Downsample() {
  }

  /**
   * Largest-triangle-three-buckets: exactly {@code threshold} points (at least 3) that keep the visual shape.
   */
  public static int[] lttb(double[] x, double[] y, int threshold) {
    check(x, y);
    if (threshold < 3) {
      throw new IllegalArgumentException("threshold must be at least 3, got " + threshold);
    }
    int n = x.length;
    if (n <= threshold) {
      return all(n);
    }
    int[] kept = new int[threshold];
    double every = (double) (n - 2) / (threshold - 2);
    int a = 0;
    for (int i = 0; i < threshold - 2; i++) {
      int avgStart = (int) Math.floor((i + 1) * every) + 1;
      int avgEnd = Math.min((int) Math.floor((i + 2) * every) + 1, n);
      double avgX = 0;
      double avgY = 0;
      for (int j = avgStart; j < avgEnd; j++) {
        avgX += x[j];
        avgY += y[j];
      }
      int count = avgEnd - avgStart;
      avgX /= count;
      avgY /= count;
      int from = (int) Math.floor(i * every) + 1;
      int to = (int) Math.floor((i + 1) * every) + 1;
      double best = -1;
      int chosen = from;
      for (int j = from; j < to; j++) {
        double area = Math.abs((x[a] - avgX) * (y[j] - y[a]) - (x[a] - x[j]) * (avgY - y[a]));
        if (area > best) {
          best = area;
          chosen = j;
        }
      }
      kept[i + 1] = chosen;
      a = chosen;
    }
    kept[threshold - 1] = n - 1;
    return kept;
  }

  /**
   * The lowest and highest point of each of {@code buckets} equal x ranges (pixel columns), plus the first and
   * last point: at most {@code 2 * buckets + 2} points, and every extreme survives. All points when
   * {@code n <= 2 * buckets}.
   */
  public static int[] minMax(double[] x, double[] y, int buckets) {
    check(x, y);
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be at least 1, got " + buckets);
    }
    int n = x.length;
    if (n <= 2L * buckets) {
      return all(n);
    }
    double x0 = x[0];
    double span = x[n - 1] - x0;
    double scale = span > 0 ? buckets / span : 0;
    int[] kept = new int[2 * buckets + 2];
    int size = 0;
    kept[size++] = 0;
    int i = 1;
    while (i < n - 1) {
      int bucket = bucket(x[i], x0, scale, buckets);
      int lo = i;
      int hi = i;
      int j = i + 1;
      while (j < n - 1 && bucket(x[j], x0, scale, buckets) == bucket) {
        if (y[j] < y[lo]) {
          lo = j;
        }
        if (y[j] > y[hi]) {
          hi = j;
        }
        j++;
      }
      if (size + 3 > kept.length) {
        kept = Arrays.copyOf(kept, kept.length * 2);
      }
      kept[size++] = Math.min(lo, hi);
      if (lo != hi) {
        kept[size++] = Math.max(lo, hi);
      }
      i = j;
    }
    kept[size++] = n - 1;
    return Arrays.copyOf(kept, size);
  }

  /**
   * One point per occupied cell of a {@code cols × rows} grid over the points' bounding box (the first in index
   * order): a scatter plot drawn at that resolution looks the same, and outliers survive. No x order needed.
   */
  public static int[] grid(double[] x, double[] y, int cols, int rows) {
    check(x, y);
    if (cols < 1 || rows < 1) {
      throw new IllegalArgumentException("grid must be at least 1 x 1, got " + cols + " x " + rows);
    }
    int n = x.length;
    if (n <= 2) {
      return all(n);
    }
    double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      minX = Math.min(minX, x[i]);
      maxX = Math.max(maxX, x[i]);
      minY = Math.min(minY, y[i]);
      maxY = Math.max(maxY, y[i]);
    }
    double sx = maxX > minX ? cols / (maxX - minX) : 0;
    double sy = maxY > minY ? rows / (maxY - minY) : 0;
    boolean[] seen = new boolean[cols * rows];
    int[] kept = new int[Math.min(n, cols * rows + 1)];
    int size = 0;
    for (int i = 0; i < n; i++) {
      int cell = bucket(y[i], minY, sy, rows) * cols + bucket(x[i], minX, sx, cols);
      if (!seen[cell] || i == n - 1) {
        seen[cell] = true;
        kept[size++] = i;
      }
    }
    return Arrays.copyOf(kept, size);
  }

  /** Indices that put {@code keys} in ascending order (stable), or null when they already are. */
  public static int[] sortedOrder(double[] keys) {
    int n = keys.length;
    boolean sorted = true;
    for (int i = 1; i < n && sorted; i++) {
      sorted = keys[i - 1] <= keys[i];
    }
    if (sorted) {
      return null;
    }
    int[] order = all(n);
    mergeSort(keys, order, new int[n], 0, n);
    return order;
  }

  private static void mergeSort(double[] keys, int[] a, int[] tmp, int from, int to) {
    if (to - from < 2) {
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(keys, a, tmp, from, mid);
    mergeSort(keys, a, tmp, mid, to);
    if (keys[a[mid - 1]] <= keys[a[mid]]) {
      return;
    }
    System.arraycopy(a, from, tmp, from, to - from);
    int i = from, j = mid, k = from;
    while (i < mid && j < to) {
      a[k++] = keys[tmp[j]] < keys[tmp[i]] ? tmp[j++] : tmp[i++];
    }
    while (i < mid) {
      a[k++] = tmp[i++];
    }
    while (j < to) {
      a[k++] = tmp[j++];
    }
  }

  private static int bucket(double v, double origin, double scale, int buckets) {
    return Math.min((int) ((v - origin) * scale), buckets - 1);
  }

  private static int[] all(int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    return idx;
  }

  private static void check(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("x and y differ in length: " + x.length + " vs " + y.length);
    }
  }
}
