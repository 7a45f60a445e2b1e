package io.tributary.ml;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

import java.util.function.IntConsumer;

/**
 * The AutoML search: splits the rows into training and holdout parts, fits the linear or logistic baseline, then
 * XGBoost candidates over {@link #DEPTHS} × {@link #ETAS} (rounds by early stopping), and keeps the one with the best
 * holdout {@link ModelMetrics#selectionScore} (the baseline included). Blocking: runs on a worker.
 */
final class Trainer {

  static final int[] DEPTHS = {3, 6};
  static final double[] ETAS = {0.1, 0.3};
  static final int ROWS_PER_THREAD = 100_000;

  /** The chosen model, its holdout metrics (with the baseline's under {@code baseline}), and every candidate. */
  record Result(Scorer model, JsonObject metrics, JsonObject params, JsonArray candidates) {
  }

  private Trainer() {
  }

  /** @param progress told 0-100 as the search goes */
  static Result train(TrainingData data, TrainSpec spec, Stop stop, IntConsumer progress) throws XGBoostError {
    TrainingData[] parts = data.split(spec.holdoutFraction(), spec.seed());
    TrainingData train = parts[0];
    TrainingData holdout = parts[1];
    stop.check();
    LinearBaseline baseline = LinearBaseline.train(train, stop);
    JsonObject baselineMetrics = ModelMetrics.of(baseline, holdout);
    JsonArray candidates = new JsonArray().add(candidate(baseline, baselineMetrics));
    progress.accept(10);

    Scorer best = baseline;
    JsonObject bestMetrics = baselineMetrics;
    DMatrix dtrain = BoostedModel.matrix(train);
    DMatrix dholdout = BoostedModel.matrix(holdout);
    try {
      int total = DEPTHS.length * ETAS.length;
      int done = 0;
      for (int depth : DEPTHS) {
        for (double eta : ETAS) {
          BoostedModel model = BoostedModel.train(data.schema(), dtrain, dholdout, depth, eta, spec.maxRounds(),
            threads(spec, data.rows()), spec.seed(), stop);
          JsonObject metrics = ModelMetrics.of(model, holdout);
          candidates.add(candidate(model, metrics));
          if (ModelMetrics.selectionScore(metrics) < ModelMetrics.selectionScore(bestMetrics)) {
            dispose(best);
            best = model;
            bestMetrics = metrics;
          } else {
            model.dispose();
          }
          progress.accept(10 + 85 * ++done / total);
        }
      }
    } catch (RuntimeException | XGBoostError e) {
      dispose(best);
      throw e;
    } finally {
      dtrain.dispose();
      dholdout.dispose();
    }
    JsonObject params = best.params().copy().put("model_type", best.kind())
      .put("selection_metric", ModelMetrics.selectionMetric(data.schema().classification()))
      .put("threads", threads(spec, data.rows())).put("rows_train", train.rows()).put("rows_holdout", holdout.rows()).put("encoded_width", data.width());
    JsonObject metrics = bestMetrics.copy().put("baseline", baselineMetrics.copy().put("model_type", baseline.kind()));
    return new Result(best, metrics, params, candidates);
  }

  /**
   * XGBoost threads: {@code ml.threads}, or with 0 one per {@value #ROWS_PER_THREAD} rows up to the cores. On small
   * data more threads only add synchronization, and on a busy machine OpenMP's waiting threads made a 20k-row run
   * take over 200 s where one thread took 15 s.
   */
  static int threads(TrainSpec spec, int rows) {
    if (spec.threads() > 0) {
      return spec.threads();
    }
    return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), rows / ROWS_PER_THREAD));
  }

  private static JsonObject candidate(Scorer model, JsonObject metrics) {
    boolean classification = metrics.containsKey("log_loss");
    String name = ModelMetrics.selectionMetric(classification);
    return new JsonObject().put("model_type", model.kind()).put("params", model.params()).put(name, metrics.getValue(name));
  }

  private static void dispose(Scorer model) {
    if (model instanceof BoostedModel boosted) {
      boosted.dispose();
    }
  }
}
