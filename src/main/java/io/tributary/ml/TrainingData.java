package io.tributary.ml;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Encoded rows, row-major ({@code x[row * width + column]}, NaN for missing), and their targets ({@code y}: the class
 * index, or the value). {@link #split} shuffles them with a fixed seed into a training part and a holdout part;
 * {@link #fold} cuts a part into cross-validation folds.
 */
record TrainingData(FeatureSchema schema, float[] x, float[] y, int rows, int width) {

  /** Encodes the columns read from the dataset (numbers, or strings for categorical features) through the schema. */
  static TrainingData of(FeatureSchema schema, float[][] numbers, String[][] strings, String[] labels, float[] values,
                         int n) {
    int width = schema.width();
    float[] x = new float[n * width];
    int raw = 0;
    int at = 0;
    for (Feature f : schema.features()) {
      if (f.kind() == Feature.Kind.CATEGORICAL) {
        Map<String, Integer> index = new HashMap<>();
        for (int k = 0; k < f.categories().size(); k++) {
          index.put(f.categories().get(k), k);
        }
        String[] column = strings[raw];
        for (int i = 0; i < n; i++) {
          Integer k = column[i] == null ? null : index.get(column[i]);
          if (k != null) {
            x[i * width + at + k] = 1f;
          }
        }
        raw++;
      } else {
        for (int k = 0; k < f.width(); k++, raw++) {
          float[] column = numbers[raw];
          for (int i = 0; i < n; i++) {
            x[i * width + at + k] = column[i];
          }
        }
      }
      at += f.width();
    }
    float[] y = new float[n];
    if (labels != null) {
      Map<String, Integer> classIndex = new HashMap<>();
      for (int k = 0; k < schema.classes().size(); k++) {
        classIndex.put(schema.classes().get(k), k);
      }
      for (int i = 0; i < n; i++) {
        y[i] = classIndex.get(labels[i]);
      }
    } else {
      System.arraycopy(values, 0, y, 0, n);
    }
    return new TrainingData(schema, x, y, n, width);
  }

  /** The rows at {@code indexes}, in that order. */
  TrainingData subset(int[] indexes, int from, int to) {
    int n = to - from;
    float[] sx = new float[n * width];
    float[] sy = new float[n];
    for (int i = 0; i < n; i++) {
      int row = indexes[from + i];
      System.arraycopy(x, row * width, sx, i * width, width);
      sy[i] = y[row];
    }
    return new TrainingData(schema, sx, sy, n, width);
  }

  /** A training part and a holdout part of about {@code fraction} of the rows (at least one row each). */
  TrainingData[] split(double fraction, long seed) {
    int[] order = new int[rows];
    for (int i = 0; i < rows; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    for (int i = rows - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int holdout = Math.max(1, Math.min(rows - 1, (int) Math.round(rows * fraction)));
    return new TrainingData[] {subset(order, holdout, rows), subset(order, 0, holdout)};
  }

  /** Fold {@code f} of {@code k} contiguous folds (the rows are already shuffled): {the other rows, the fold's}. */
  TrainingData[] fold(int k, int f) {
    int from = (int) ((long) rows * f / k);
    int to = (int) ((long) rows * (f + 1) / k);
    int[] fit = new int[rows - (to - from)];
    int[] valid = new int[to - from];
    for (int i = 0, a = 0, b = 0; i < rows; i++) {
      if (i >= from && i < to) {
        valid[b++] = i;
      } else {
        fit[a++] = i;
      }
    }
    return new TrainingData[] {subset(fit, 0, fit.length), subset(valid, 0, valid.length)};
  }
}
