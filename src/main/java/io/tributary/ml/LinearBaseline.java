package io.tributary.ml;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * The baseline every run is compared with: ridge linear regression (normal equations, Cholesky) or multinomial
 * logistic regression (softmax, full-batch gradient descent on at most {@value #LOGISTIC_ROWS} rows), both on
 * standardized features with missing values at the training mean.
 */
final class LinearBaseline implements Scorer {

  static final int LOGISTIC_ROWS = 50_000;
  private static final int LOGISTIC_ITERATIONS = 300;
  private static final double LEARNING_RATE = 0.5;
  private static final double L2 = 1e-4;

  private final String kind;
  private final double[] means;
  private final double[] scales;
  /** One row of weights per output (one for regression, one per class). */
  private final double[][] weights;
  private final double[] bias;

  private LinearBaseline(String kind, double[] means, double[] scales, double[][] weights, double[] bias) {
    this.kind = kind;
    this.means = means;
    this.scales = scales;
    this.weights = weights;
    this.bias = bias;
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public JsonObject params() {
    return kind.equals("linear") ? new JsonObject().put("l2", "1e-4 * rows")
      : new JsonObject().put("l2", L2).put("iterations", LOGISTIC_ITERATIONS).put("learning_rate", LEARNING_RATE);
  }

  static LinearBaseline train(TrainingData data, Stop stop) {
    return train(data, stop, true);
  }

  /** @param twoClassShortcut false: two classes take the general softmax descent too (which the shortcut equals) */
  static LinearBaseline train(TrainingData data, Stop stop, boolean twoClassShortcut) {
    int w = data.width();
    double[] means = new double[w];
    double[] scales = new double[w];
    standardization(data, means, scales);
    if (data.schema().classification()) {
      return logistic(data, means, scales, stop, twoClassShortcut);
    }
    int n = data.rows();
    double yMean = 0;
    for (int i = 0; i < n; i++) {
      yMean += data.y()[i];
    }
    yMean /= n;
    double[][] a = new double[w][w];
    double[] b = new double[w];
    double[] z = new double[w];
    for (int i = 0; i < n; i++) {
      standardize(data.x(), i * w, means, scales, z, 0);
      double dy = data.y()[i] - yMean;
      for (int j = 0; j < w; j++) {
        b[j] += z[j] * dy;
        for (int k = 0; k <= j; k++) {
          a[j][k] += z[j] * z[k];
        }
      }
      if ((i & 0xFFFF) == 0) {
        stop.check();
      }
    }
    for (int j = 0; j < w; j++) {
      for (int k = 0; k < j; k++) {
        a[k][j] = a[j][k];
      }
      a[j][j] += 1e-4 * n + 1e-9;
    }
    return new LinearBaseline("linear", means, scales, new double[][] {solve(a, b)}, new double[] {yMean});
  }

  private static LinearBaseline logistic(TrainingData data, double[] means, double[] scales, Stop stop,
                                         boolean twoClassShortcut) {
    int w = data.width();
    int k = data.schema().classes().size();
    int n = Math.min(data.rows(), LOGISTIC_ROWS); // rows are already shuffled
    double[] z = new double[n * w];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      standardize(data.x(), i * w, means, scales, z, i * w);
      labels[i] = (int) data.y()[i];
    }
    double[][] weights = new double[k][w];
    double[] bias = new double[k];
    if (k == 2 && twoClassShortcut) {
      binary(z, labels, n, w, weights, bias, stop);
    } else {
      multinomial(z, labels, n, w, weights, bias, stop);
    }
    return new LinearBaseline("logistic", means, scales, weights, bias);
  }

  /**
   * Two classes: gradient descent on the softmax of two weight rows keeps them opposite ({@code w0 = -w1}, from zero),
   * so it is the same descent on one row with {@code p1 = sigmoid(2 (b1 + w1·z))}, at half the work.
   */
  private static void binary(double[] z, int[] labels, int n, int w, double[][] weights, double[] bias, Stop stop) {
    double[] v = weights[1];
    double b = 0;
    double[] gw = new double[w];
    for (int it = 0; it < LOGISTIC_ITERATIONS; it++) {
      java.util.Arrays.fill(gw, 0);
      double gb = 0;
      for (int i = 0, off = 0; i < n; i++, off += w) {
        double g = 1 / (1 + Math.exp(-2 * (b + dot(v, z, off)))) - labels[i];
        gb += g;
        axpy(gw, g, z, off);
      }
      b -= LEARNING_RATE * gb / n;
      for (int j = 0; j < w; j++) {
        v[j] -= LEARNING_RATE * (gw[j] / n + L2 * v[j]);
      }
      if (it % 20 == 0) {
        stop.check();
      }
    }
    for (int j = 0; j < w; j++) {
      weights[0][j] = -v[j];
    }
    bias[0] = -b;
    bias[1] = b;
  }

  private static void multinomial(double[] z, int[] labels, int n, int w, double[][] weights, double[] bias,
                                  Stop stop) {
    int k = bias.length;
    double[] p = new double[k];
    double[][] gw = new double[k][w];
    double[] gb = new double[k];
    for (int it = 0; it < LOGISTIC_ITERATIONS; it++) {
      for (int c = 0; c < k; c++) {
        java.util.Arrays.fill(gw[c], 0);
      }
      java.util.Arrays.fill(gb, 0);
      for (int i = 0, off = 0; i < n; i++, off += w) {
        softmax(weights, bias, z, off, p);
        for (int c = 0; c < k; c++) {
          double g = p[c] - (c == labels[i] ? 1 : 0);
          gb[c] += g;
          axpy(gw[c], g, z, off);
        }
      }
      for (int c = 0; c < k; c++) {
        bias[c] -= LEARNING_RATE * gb[c] / n;
        for (int j = 0; j < w; j++) {
          weights[c][j] -= LEARNING_RATE * (gw[c][j] / n + L2 * weights[c][j]);
        }
      }
      if (it % 20 == 0) {
        stop.check();
      }
    }
  }

  @Override
  public float[][] predict(float[] x, int rows, int width) {
    float[][] out = new float[rows][];
    double[] z = new double[width];
    double[] p = new double[weights.length];
    for (int i = 0; i < rows; i++) {
      standardize(x, i * width, means, scales, z, 0);
      if (kind.equals("linear")) {
        out[i] = new float[] {(float) (bias[0] + dot(weights[0], z, 0))};
      } else {
        softmax(weights, bias, z, 0, p);
        out[i] = new float[p.length];
        for (int c = 0; c < p.length; c++) {
          out[i][c] = (float) p[c];
        }
      }
    }
    return out;
  }

  private static void standardization(TrainingData data, double[] means, double[] scales) {
    int w = data.width();
    long[] counts = new long[w];
    double[] sq = new double[w];
    for (int i = 0; i < data.rows(); i++) {
      for (int j = 0; j < w; j++) {
        float v = data.x()[i * w + j];
        if (!Float.isNaN(v)) {
          counts[j]++;
          means[j] += v;
          sq[j] += (double) v * v;
        }
      }
    }
    for (int j = 0; j < w; j++) {
      means[j] = counts[j] == 0 ? 0 : means[j] / counts[j];
      double variance = counts[j] == 0 ? 0 : sq[j] / counts[j] - means[j] * means[j];
      scales[j] = variance > 1e-12 ? Math.sqrt(variance) : 1;
    }
  }

  /** Row {@code offset} of {@code x}, standardized, into {@code z} from {@code at}. */
  private static void standardize(float[] x, int offset, double[] means, double[] scales, double[] z, int at) {
    for (int j = 0; j < means.length; j++) {
      float v = x[offset + j];
      z[at + j] = Float.isNaN(v) ? 0 : (v - means[j]) / scales[j];
    }
  }

  private static void softmax(double[][] weights, double[] bias, double[] z, int off, double[] p) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < p.length; c++) {
      p[c] = bias[c] + dot(weights[c], z, off);
      max = Math.max(max, p[c]);
    }
    double sum = 0;
    for (int c = 0; c < p.length; c++) {
      p[c] = Math.exp(p[c] - max);
      sum += p[c];
    }
    for (int c = 0; c < p.length; c++) {
      p[c] /= sum;
    }
  }

  /** {@code a · z[off, off + a.length)}, in four independent sums (the additions overlap). */
  private static double dot(double[] a, double[] z, int off) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = 0;
    for (; j + 3 < a.length; j += 4) {
      s0 += a[j] * z[off + j];
      s1 += a[j + 1] * z[off + j + 1];
      s2 += a[j + 2] * z[off + j + 2];
      s3 += a[j + 3] * z[off + j + 3];
    }
    for (; j < a.length; j++) {
      s0 += a[j] * z[off + j];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** {@code g += a * z[off, off + g.length)}. */
  private static void axpy(double[] g, double a, double[] z, int off) {
    for (int j = 0; j < g.length; j++) {
      g[j] += a * z[off + j];
    }
  }

  /** Solves {@code a x = b} for a symmetric positive definite {@code a} (Cholesky). */
  static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        l[i][j] = i == j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j][j];
      }
    }
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) {
        s -= l[i][k] * y[k];
      }
      y[i] = s / l[i][i];
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = y[i];
      for (int k = i + 1; k < n; k++) {
        s -= l[k][i] * x[k];
      }
      x[i] = s / l[i][i];
    }
    return x;
  }

  @Override
  public byte[] bytes() {
    JsonArray w = new JsonArray();
    for (double[] row : weights) {
      w.add(array(row));
    }
    return new JsonObject().put("kind", kind).put("means", array(means)).put("scales", array(scales)).put("weights", w)
      .put("bias", array(bias)).encode().getBytes(StandardCharsets.UTF_8);
  }

  static LinearBaseline fromBytes(byte[] bytes) {
    JsonObject json = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    JsonArray w = json.getJsonArray("weights");
    double[][] weights = new double[w.size()][];
    for (int c = 0; c < w.size(); c++) {
      weights[c] = doubles(w.getJsonArray(c));
    }
    return new LinearBaseline(json.getString("kind"), doubles(json.getJsonArray("means")),
      doubles(json.getJsonArray("scales")), weights, doubles(json.getJsonArray("bias")));
  }

  private static JsonArray array(double[] values) {
    JsonArray out = new JsonArray();
    for (double v : values) {
      out.add(v);
    }
    return out;
  }

  private static double[] doubles(JsonArray values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.getDouble(i);
    }
    return out;
  }
}
