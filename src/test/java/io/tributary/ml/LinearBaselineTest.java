package io.tributary.ml;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("The logistic baseline")
class LinearBaselineTest {

  /** {@code rows} rows of {@code width} features, every tenth value missing, and a noisy linear two-class target. */
  static TrainingData twoClasses(int rows, int width, long seed) {
    Random r = new Random(seed);
    float[] x = new float[rows * width];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      double s = 0;
      for (int j = 0; j < width; j++) {
        float v = (float) (r.nextGaussian() * (j + 1) + j);
        x[i * width + j] = r.nextInt(10) == 0 ? Float.NaN : v;
        s += (j % 3 - 1) * (v - j) / (j + 1);
      }
      y[i] = s + r.nextGaussian() > 0 ? 1 : 0;
    }
    List<Feature> features = new java.util.ArrayList<>();
    for (int j = 0; j < width; j++) {
      features.add(new Feature("f" + j, Feature.Kind.NUMERIC, List.of()));
    }
    FeatureSchema schema = new FeatureSchema(features, "label", FeatureSchema.STRING, true, List.of("no", "yes"));
    return new TrainingData(schema, x, y, rows, width);
  }

  @Test
  @DisplayName("with two classes gives the probabilities of the general softmax descent")
  void twoClassShortcut() {
    TrainingData data = twoClasses(50_000, 20, 3);
    LinearBaseline.train(data, Stop.never(), false); // warm-up, so the printed timings compare compiled code
    LinearBaseline.train(data, Stop.never(), true);
    long t0 = System.nanoTime();
    LinearBaseline general = LinearBaseline.train(data, Stop.never(), false);
    long t1 = System.nanoTime();
    LinearBaseline shortcut = LinearBaseline.train(data, Stop.never(), true);
    long t2 = System.nanoTime();
    System.out.printf("logistic baseline, 50,000 rows x 20: softmax %d ms, two-class shortcut %d ms%n",
      (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    float[][] a = general.predict(data.x(), 1000, data.width());
    float[][] b = shortcut.predict(data.x(), 1000, data.width());
    for (int i = 0; i < a.length; i++) {
      assertThat(b[i][1]).isCloseTo(a[i][1], within(1e-5f));
      assertThat(b[i][0] + b[i][1]).isCloseTo(1f, within(1e-5f));
    }
    assertThat(ModelMetrics.of(shortcut, data).getDouble("accuracy")).isGreaterThan(0.8);
  }
}
