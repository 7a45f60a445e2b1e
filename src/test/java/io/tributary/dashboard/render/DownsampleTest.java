package io.tributary.dashboard.render;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DownsampleTest {

  /** A noisy wave of n points with x = 0..n-1 and one spike of 100 at {@code spike}. */
  private static double[][] wave(int n, int spike) {
    Random random = new Random(42);
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
      y[i] = Math.sin(i / 50.0) + random.nextDouble() * 0.2;
    }
    y[spike] = 100;
    return new double[][] {x, y};
  }

  @Test
  @DisplayName("LTTB keeps exactly the threshold, in ascending order, with the first and last point")
  void lttbSizeAndEnds() {
    double[][] w = wave(10_000, 5_000);
    int[] kept = Downsample.lttb(w[0], w[1], 500);
    assertThat(kept).hasSize(500);
    assertThat(kept[0]).isZero();
    assertThat(kept[kept.length - 1]).isEqualTo(9_999);
    for (int i = 1; i < kept.length; i++) {
      assertThat(kept[i]).isGreaterThan(kept[i - 1]);
    }
  }

  @Test
  @DisplayName("LTTB returns every point of a series not longer than the threshold")
  void lttbExactBelowThreshold() {
    double[][] w = wave(300, 10);
    assertThat(Downsample.lttb(w[0], w[1], 300)).containsExactly(range(300));
    assertThat(Downsample.lttb(w[0], w[1], 1_000)).containsExactly(range(300));
  }

  @Test
  @DisplayName("LTTB keeps a planted spike wherever it lies")
  void lttbKeepsSpike() {
    for (int spike : new int[] {1, 1_234, 50_001, 99_998}) {
      double[][] w = wave(100_000, spike);
      assertThat(Downsample.lttb(w[0], w[1], 1_000)).contains(spike);
    }
  }

  @Test
  @DisplayName("LTTB refuses a threshold below 3 and arrays of different lengths")
  void lttbRejectsBadInput() {
    assertThatThrownBy(() -> Downsample.lttb(new double[10], new double[10], 2))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 3");
    assertThatThrownBy(() -> Downsample.lttb(new double[10], new double[9], 5))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ");
  }

  @Test
  @DisplayName("min/max keeps the lowest and highest point of every pixel bucket, the ends, and nothing more")
  void minMaxKeepsEveryBucketsExtremes() {
    Random random = new Random(3);
    int n = 50_000;
    double[] x = new double[n];
    double[] y = new double[n];
    double t = 0;
    for (int i = 0; i < n; i++) {
      t += random.nextDouble() * 2;
      x[i] = t;
      y[i] = random.nextGaussian();
    }
    int buckets = 400;
    int[] kept = Downsample.minMax(x, y, buckets);
    assertThat(kept.length).isLessThanOrEqualTo(2 * buckets + 2);
    assertThat(kept[0]).isZero();
    assertThat(kept[kept.length - 1]).isEqualTo(n - 1);
    Set<Integer> keptSet = new HashSet<>();
    Arrays.stream(kept).forEach(keptSet::add);
    double span = x[n - 1] - x[0];
    int[] lo = new int[buckets];
    int[] hi = new int[buckets];
    Arrays.fill(lo, -1);
    Arrays.fill(hi, -1);
    for (int i = 1; i < n - 1; i++) {
      int b = Math.min((int) ((x[i] - x[0]) / span * buckets), buckets - 1);
      if (lo[b] < 0 || y[i] < y[lo[b]]) {
        lo[b] = i;
      }
      if (hi[b] < 0 || y[i] > y[hi[b]]) {
        hi[b] = i;
      }
    }
    for (int b = 0; b < buckets; b++) {
      if (lo[b] >= 0) {
        assertThat(keptSet).contains(lo[b], hi[b]);
      }
    }
  }

  @Test
  @DisplayName("min/max keeps a planted spike and dip and returns a short series whole")
  void minMaxSpikeAndShort() {
    double[][] w = wave(200_000, 77_777);
    w[1][123_456] = -100;
    int[] kept = Downsample.minMax(w[0], w[1], 800);
    assertThat(kept).contains(77_777, 123_456);
    double[][] shortWave = wave(1_600, 5);
    assertThat(Downsample.minMax(shortWave[0], shortWave[1], 800)).containsExactly(range(1_600));
  }

  @Test
  @DisplayName("the grid keeps one point per occupied cell, and a lone outlier")
  void gridOnePerCell() {
    Random random = new Random(5);
    int n = 100_000;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextGaussian();
      y[i] = random.nextGaussian();
    }
    x[4_242] = 40;
    y[4_242] = -40;
    int[] kept = Downsample.grid(x, y, 200, 100);
    assertThat(kept).contains(4_242, n - 1);
    Set<Long> cells = new HashSet<>();
    double minX = Arrays.stream(x).min().orElseThrow(), maxX = Arrays.stream(x).max().orElseThrow();
    double minY = Arrays.stream(y).min().orElseThrow(), maxY = Arrays.stream(y).max().orElseThrow();
    for (int i = 0; i < n; i++) {
      long cx = Math.min((long) ((x[i] - minX) * 200 / (maxX - minX)), 199);
      long cy = Math.min((long) ((y[i] - minY) * 100 / (maxY - minY)), 99);
      cells.add(cy * 200 + cx);
    }
    assertThat(kept.length).isBetween(cells.size(), cells.size() + 1);
  }

  @Test
  @DisplayName("sortedOrder sorts by key, keeps equal keys in their order, and is null for sorted keys")
  void sortedOrderIsStable() {
    double[] keys = {3, 1, 2, 1, 0, 3};
    assertThat(Downsample.sortedOrder(keys)).containsExactly(4, 1, 3, 2, 0, 5);
    assertThat(Downsample.sortedOrder(new double[] {1, 2, 2, 5})).isNull();
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }
}
