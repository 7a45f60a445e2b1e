package io.tributary.ml;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

import java.util.function.IntConsumer;

/**
 * The AutoML search: splits the rows into training and holdout parts, then scores the linear or logistic baseline
 * and XGBoost candidates over {@link #DEPTHS} × {@link #ETAS} (rounds by early stopping) by
 * {@link ModelMetrics#selectionScore}. With cross-validation ({@link TrainSpec#cvFolds} folds of the training part,
 * when it has at most {@link TrainSpec#cvMaxRows} rows) a candidate's score is its mean over the folds (each fold
 * early-stopped on itself), and the best is refit on the whole training part (XGBoost with the folds' mean best
 * round); otherwise each candidate is trained on the training part, early-stopped and scored on the holdout part.
 * Either way the reported metrics are the chosen model's on the holdout part, which no choice has seen when
 * cross-validating. Blocking: runs on a worker.
 */
final class Trainer {

  static final int[] DEPTHS = {3, 6};
  static final double[] ETAS = {0.1, 0.3};
  static final int ROWS_PER_THREAD = 100_000;

  /**
   * The chosen model, its holdout metrics (with the baseline's under {@code baseline}), every candidate, and where
   * the time went ({@code {split_ms, baseline_ms, matrices_ms, candidates_ms, refit_ms}}).
   */
  record Result(Scorer model, JsonObject metrics, JsonObject params, JsonArray candidates, JsonObject timings) {
  }

  /** A candidate's score: the holdout's, or the folds' mean and standard deviation (and best rounds). */
  private record Score(double mean, double sd, int[] rounds) {
  }

  private Trainer() {
  }

  /** @param progress told 0-100 as the search goes */
  static Result train(TrainingData data, TrainSpec spec, Stop stop, IntConsumer progress) throws XGBoostError {
    Lap lap = new Lap();
    TrainingData[] parts = data.split(spec.holdoutFraction(), spec.seed());
    TrainingData train = parts[0];
    TrainingData holdout = parts[1];
    int k = spec.cvFolds() >= 2 && train.rows() <= spec.cvMaxRows() && train.rows() >= 4 * spec.cvFolds()
      ? spec.cvFolds() : 0;
    boolean classification = data.schema().classification();
    int threads = threads(spec, data.rows());
    stop.check();
    lap.done("split_ms");
    LinearBaseline baseline = LinearBaseline.train(train, stop);
    JsonObject baselineMetrics = ModelMetrics.of(baseline, holdout);
    lap.done("baseline_ms");
    Folds folds = k > 0 ? Folds.of(train, k) : null;
    DMatrix dtrain = null;
    DMatrix dholdout = null;
    Scorer best = baseline;
    try {
      lap.done("matrices_ms");
      Score baselineScore = k > 0 ? folds.baseline(stop) : new Score(ModelMetrics.selectionScore(baselineMetrics), 0, null);
      JsonArray candidates = new JsonArray().add(candidate(baseline.kind(), baseline.params(), baselineScore, k,
        classification));
      lap.done("baseline_ms");
      progress.accept(10);
      dtrain = BoostedModel.matrix(train);
      dholdout = k > 0 ? null : BoostedModel.matrix(holdout);
      lap.done("matrices_ms");
      Score bestScore = baselineScore;
      JsonObject bestMetrics = baselineMetrics;
      int[] bestCandidate = null;
      int total = DEPTHS.length * ETAS.length;
      int done = 0;
      for (int d = 0; d < DEPTHS.length; d++) {
        for (int e = 0; e < ETAS.length; e++) {
          Score score;
          JsonObject params;
          if (k > 0) {
            score = folds.boosted(data.schema(), DEPTHS[d], ETAS[e], spec, threads, stop);
            params = new JsonObject().put("max_depth", DEPTHS[d]).put("eta", ETAS[e])
              .put("fold_rounds", new JsonArray(java.util.Arrays.stream(score.rounds()).boxed().toList()));
          } else {
            BoostedModel model = BoostedModel.train(data.schema(), dtrain, dholdout, DEPTHS[d], ETAS[e],
              spec.maxRounds(), threads, spec.seed(), stop);
            JsonObject metrics = ModelMetrics.of(model, holdout);
            score = new Score(ModelMetrics.selectionScore(metrics), 0, null);
            params = model.params();
            if (score.mean() < bestScore.mean()) {
              dispose(best);
              best = model;
              bestMetrics = metrics;
            } else {
              model.dispose();
            }
          }
          candidates.add(candidate("xgboost", params, score, k, classification));
          if (score.mean() < bestScore.mean()) {
            bestScore = score;
            bestCandidate = new int[] {d, e};
          }
          progress.accept(10 + 80 * ++done / total);
        }
      }
      lap.done("candidates_ms");
      if (k > 0 && bestCandidate != null) {
        int rounds = Math.max(1, (int) Math.round(java.util.Arrays.stream(bestScore.rounds()).average().orElse(1)));
        best = BoostedModel.train(data.schema(), dtrain, null, DEPTHS[bestCandidate[0]], ETAS[bestCandidate[1]], rounds,
          threads, spec.seed(), stop);
        bestMetrics = ModelMetrics.of(best, holdout);
      }
      lap.done("refit_ms");
      progress.accept(100);
      String metric = ModelMetrics.selectionMetric(classification);
      JsonObject params = best.params().copy().put("model_type", best.kind()).put("selection_metric", metric)
        .put("selection", k > 0 ? k + "-fold cross-validation" : "holdout")
        .put("threads", threads).put("rows_train", train.rows()).put("rows_holdout", holdout.rows())
        .put("encoded_width", data.width());
      JsonObject metrics = bestMetrics.copy().put("baseline", baselineMetrics.copy().put("model_type", baseline.kind()));
      if (k > 0) {
        metrics.put("cv", new JsonObject().put("metric", metric).put("folds", k).put("mean", bestScore.mean())
          .put("sd", bestScore.sd()));
      }
      return new Result(best, metrics, params, candidates, lap.json());
    } catch (RuntimeException | XGBoostError e) {
      dispose(best);
      throw e;
    } finally {
      if (dtrain != null) {
        dtrain.dispose();
      }
      if (dholdout != null) {
        dholdout.dispose();
      }
      if (folds != null) {
        folds.dispose();
      }
    }
  }

  /** Milliseconds per step of a search, added up when a step comes back. */
  private static final class Lap {
    final java.util.Map<String, Long> nanos = new java.util.LinkedHashMap<>();
    long last = System.nanoTime();

    void done(String step) {
      long now = System.nanoTime();
      nanos.merge(step, now - last, Long::sum);
      last = now;
    }

    JsonObject json() {
      JsonObject out = new JsonObject();
      nanos.forEach((step, ns) -> out.put(step, ns / 1_000_000));
      return out;
    }
  }

  /** The folds of the training part, as rows (to score) and as XGBoost matrices (to fit on and early-stop with). */
  private record Folds(TrainingData[][] parts, DMatrix[][] matrices) {

    static Folds of(TrainingData train, int k) throws XGBoostError {
      TrainingData[][] parts = new TrainingData[k][];
      DMatrix[][] matrices = new DMatrix[k][];
      try {
        for (int f = 0; f < k; f++) {
          parts[f] = train.fold(k, f);
          matrices[f] = new DMatrix[] {BoostedModel.matrix(parts[f][0]), BoostedModel.matrix(parts[f][1])};
        }
      } catch (XGBoostError e) {
        new Folds(parts, matrices).dispose();
        throw e;
      }
      return new Folds(parts, matrices);
    }

    Score baseline(Stop stop) {
      double[] scores = new double[parts.length];
      for (int f = 0; f < parts.length; f++) {
        scores[f] = ModelMetrics.selectionScore(ModelMetrics.of(LinearBaseline.train(parts[f][0], stop), parts[f][1]));
      }
      return new Score(mean(scores), sd(scores), null);
    }

    Score boosted(FeatureSchema schema, int depth, double eta, TrainSpec spec, int threads, Stop stop)
      throws XGBoostError {
      double[] scores = new double[parts.length];
      int[] rounds = new int[parts.length];
      for (int f = 0; f < parts.length; f++) {
        BoostedModel model = BoostedModel.train(schema, matrices[f][0], matrices[f][1], depth, eta, spec.maxRounds(),
          threads, spec.seed(), stop);
        try {
          scores[f] = ModelMetrics.selectionScore(ModelMetrics.of(model, parts[f][1]));
          rounds[f] = model.params().getInteger("best_round");
        } finally {
          model.dispose();
        }
      }
      return new Score(mean(scores), sd(scores), rounds);
    }

    void dispose() {
      for (DMatrix[] pair : matrices) {
        if (pair != null) {
          for (DMatrix m : pair) {
            if (m != null) {
              m.dispose();
            }
          }
        }
      }
    }

    private static double mean(double[] v) {
      return java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** The sample standard deviation. */
    private static double sd(double[] v) {
      double m = mean(v);
      double ss = 0;
      for (double x : v) {
        ss += (x - m) * (x - m);
      }
      return v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0;
    }
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

  /** A candidate as the run lists it: its selection score on the holdout, or its folds' mean and sd. */
  private static JsonObject candidate(String kind, JsonObject params, Score score, int folds, boolean classification) {
    JsonObject out = new JsonObject().put("model_type", kind).put("params", params);
    String name = ModelMetrics.selectionMetric(classification);
    if (folds > 0) {
      return out.put("cv_" + name + "_mean", score.mean()).put("cv_" + name + "_sd", score.sd());
    }
    return out.put(name, score.mean());
  }

  private static void dispose(Scorer model) {
    if (model instanceof BoostedModel boosted) {
      boosted.dispose();
    }
  }
}
