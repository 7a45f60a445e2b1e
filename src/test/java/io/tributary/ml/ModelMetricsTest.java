package io.tributary.ml;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("Holdout metrics")
class ModelMetricsTest {

  @Test
  @DisplayName("AUC is the share of (positive, negative) pairs ranked right, ties counting half")
  void aucCountsPairs() {
    Random r = new Random(11);
    int n = 3000;
    float[][] p = new float[n][];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(3) == 0 ? 1 : 0;
      float score = Math.round((y[i] + r.nextGaussian()) * 20) / 40f; // coarse: many ties
      float sigmoid = (float) (1 / (1 + Math.exp(-score)));
      p[i] = new float[] {1 - sigmoid, sigmoid};
    }
    double right = 0;
    long pairs = 0;
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        if (y[a] == 1 && y[b] == 0) {
          pairs++;
          right += p[a][1] > p[b][1] ? 1 : p[a][1] == p[b][1] ? 0.5 : 0;
        }
      }
    }
    assertThat(ModelMetrics.auc(p, y)).isCloseTo(right / pairs, within(1e-12));
    assertThat(ModelMetrics.auc(new float[][] {{1, 0}, {0, 1}}, new float[] {0, 1})).isEqualTo(1.0);
    assertThat(ModelMetrics.auc(new float[][] {{0.5f, 0.5f}, {0.5f, 0.5f}}, new float[] {0, 1})).isEqualTo(0.5);
    assertThat(ModelMetrics.auc(new float[][] {{0, 1}, {1, 0}}, new float[] {0, 0})).isNaN();
  }
}
