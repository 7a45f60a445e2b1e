package io.tributary.ml;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.List;

/**
 * Holdout metrics. Classification: accuracy, precision, recall and F1 (of the second class when binary, macro
 * averages otherwise), AUC (binary), log loss and the confusion matrix (rows: actual, columns: predicted).
 * Regression: RMSE, MAE and R². {@link #selectionScore} is what candidates are chosen by (lower is better).
 */
final class ModelMetrics {

  private ModelMetrics() {
  }

  static JsonObject of(Scorer model, TrainingData holdout) {
    float[][] out = model.predict(holdout.x(), holdout.rows(), holdout.width());
    return holdout.schema().classification() ? classification(out, holdout.y(), holdout.schema().classes())
      : regression(out, holdout.y());
  }

  /** log_loss for classification, rmse for regression. */
  static double selectionScore(JsonObject metrics) {
    return metrics.containsKey("log_loss") ? metrics.getDouble("log_loss") : metrics.getDouble("rmse");
  }

  static String selectionMetric(boolean classification) {
    return classification ? "log_loss" : "rmse";
  }

  static JsonObject classification(float[][] p, float[] y, List<String> classes) {
    int k = classes.size();
    int n = y.length;
    long[][] confusion = new long[k][k];
    double logLoss = 0;
    for (int i = 0; i < n; i++) {
      int actual = (int) y[i];
      confusion[actual][argmax(p[i])]++;
      logLoss -= Math.log(Math.max(1e-15, Math.min(1, p[i][actual])));
    }
    long correct = 0;
    double[] precision = new double[k];
    double[] recall = new double[k];
    double[] f1 = new double[k];
    for (int c = 0; c < k; c++) {
      correct += confusion[c][c];
      long predicted = 0;
      long actual = 0;
      for (int j = 0; j < k; j++) {
        predicted += confusion[j][c];
        actual += confusion[c][j];
      }
      precision[c] = predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
      recall[c] = actual == 0 ? 0 : (double) confusion[c][c] / actual;
      f1[c] = precision[c] + recall[c] == 0 ? 0 : 2 * precision[c] * recall[c] / (precision[c] + recall[c]);
    }
    JsonObject m = new JsonObject().put("accuracy", (double) correct / n);
    if (k == 2) {
      m.put("precision", precision[1]).put("recall", recall[1]).put("f1", f1[1]).put("auc", finite(auc(p, y)));
    } else {
      m.put("precision", mean(precision)).put("recall", mean(recall)).put("f1", mean(f1));
    }
    JsonArray matrix = new JsonArray();
    for (long[] row : confusion) {
      JsonArray r = new JsonArray();
      Arrays.stream(row).forEach(r::add);
      matrix.add(r);
    }
    return m.put("log_loss", logLoss / n)
      .put("confusion_matrix", new JsonObject().put("labels", new JsonArray(classes)).put("matrix", matrix));
  }

  static JsonObject regression(float[][] out, float[] y) {
    int n = y.length;
    double mean = 0;
    for (float v : y) {
      mean += v;
    }
    mean /= n;
    double se = 0;
    double ae = 0;
    double tss = 0;
    for (int i = 0; i < n; i++) {
      double e = out[i][0] - y[i];
      se += e * e;
      ae += Math.abs(e);
      tss += (y[i] - mean) * (y[i] - mean);
    }
    return new JsonObject().put("rmse", Math.sqrt(se / n)).put("mae", ae / n).put("r2", tss == 0 ? 0 : 1 - se / tss);
  }

  static int argmax(float[] p) {
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      if (p[c] > p[best]) {
        best = c;
      }
    }
    return best;
  }

  /** The area under the ROC curve of the second class's probability (ties count half: Mann-Whitney). */
  static double auc(float[][] p, float[] y) {
    int n = y.length;
    // (probability, row) packed in a long sort by probability without boxing: the probability's bits as a sortable int
    long[] order = new long[n];
    for (int i = 0; i < n; i++) {
      int bits = Float.floatToIntBits(p[i][1] + 0f); // + 0f: -0 counts as 0
      order[i] = ((long) (bits ^ ((bits >> 31) & 0x7fffffff)) << 32) | i;
    }
    Arrays.sort(order);
    double rankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && order[j + 1] >>> 32 == order[i] >>> 32) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int t = i; t <= j; t++) {
        if (y[(int) order[t]] == 1) {
          rankSum += rank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /** JSON (and jsonb) have no NaN. */
  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }

  private static double mean(double[] values) {
    return Arrays.stream(values).average().orElse(0);
  }
}
