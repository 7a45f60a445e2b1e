package io.tributary.ml;

import io.vertx.core.json.JsonObject;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Gradient-boosted trees (XGBoost4J, {@code hist}): one candidate of the search, trained round by round on the
 * training part with early stopping on the holdout part ({@value #PATIENCE} rounds without improvement), checking
 * {@link Stop} after every round. Scores with {@code inplace_predict}, which is thread-safe.
 */
final class BoostedModel implements Scorer {

  static final int PATIENCE = 15;

  private final Booster booster;
  private final JsonObject params;
  private final int classes;

  private BoostedModel(Booster booster, JsonObject params, int classes) {
    this.booster = booster;
    this.params = params;
    this.classes = classes;
  }

  @Override
  public String kind() {
    return "xgboost";
  }

  @Override
  public JsonObject params() {
    return params;
  }

  /** The library's own parameters for a candidate (shared with the benchmark that calls XGBoost directly). */
  static Map<String, Object> libraryParams(FeatureSchema schema, int depth, double eta, int threads, long seed) {
    Map<String, Object> p = new HashMap<>();
    p.put("tree_method", "hist");
    p.put("max_depth", depth);
    p.put("eta", eta);
    p.put("seed", seed);
    p.put("verbosity", 0);
    if (threads > 0) {
      p.put("nthread", threads);
    }
    int k = schema.classes().size();
    if (!schema.classification()) {
      p.put("objective", "reg:squarederror");
      p.put("eval_metric", "rmse");
    } else if (k == 2) {
      p.put("objective", "binary:logistic");
      p.put("eval_metric", "logloss");
    } else {
      p.put("objective", "multi:softprob");
      p.put("num_class", k);
      p.put("eval_metric", "mlogloss");
    }
    return p;
  }

  static DMatrix matrix(TrainingData data) throws XGBoostError {
    DMatrix m = new DMatrix(data.x(), data.rows(), data.width(), Float.NaN);
    m.setLabel(data.y());
    return m;
  }

  /**
   * Trains one candidate; {@code train} and {@code holdout} are the parts as matrices (the caller disposes them).
   * Without a holdout (a refit on all training rows) it runs exactly {@code maxRounds} rounds.
   */
  static BoostedModel train(FeatureSchema schema, DMatrix train, DMatrix holdout, int depth, double eta, int maxRounds,
                            int threads, long seed, Stop stop) throws XGBoostError {
    Map<String, Object> p = libraryParams(schema, depth, eta, threads, seed);
    Map<String, DMatrix> watches = new HashMap<>();
    Booster booster = XGBoost.train(train, p, 0, watches, null, null);
    DMatrix[] evals = {holdout};
    String[] names = {"holdout"};
    double best = Double.POSITIVE_INFINITY;
    int bestRound = 0;
    int round = 0;
    try {
      for (; round < maxRounds && (holdout == null || round - bestRound <= PATIENCE); round++) {
        stop.check();
        booster.update(train, round);
        if (holdout == null) {
          bestRound = round;
          continue;
        }
        String eval = booster.evalSet(evals, names, round);
        double score = Double.parseDouble(eval.substring(eval.lastIndexOf(':') + 1).trim());
        if (score < best) {
          best = score;
          bestRound = round;
        }
      }
    } catch (RuntimeException | XGBoostError e) {
      booster.dispose();
      throw e;
    }
    JsonObject params = new JsonObject().put("max_depth", depth).put("eta", eta).put("rounds", round)
      .put("best_round", bestRound + 1).put("tree_method", "hist").put("objective", p.get("objective"));
    return new BoostedModel(booster, params, schema.classification() ? schema.classes().size() : 0);
  }

  /** @param threads the library's threads per prediction (0: its default, every core) */
  static BoostedModel load(byte[] bytes, FeatureSchema schema, int threads) throws XGBoostError, IOException {
    Booster booster = XGBoost.loadModel(bytes);
    if (threads > 0) {
      booster.setParam("nthread", threads);
    }
    return new BoostedModel(booster, new JsonObject(), schema.classification() ? schema.classes().size() : 0);
  }

  @Override
  public float[][] predict(float[] x, int rows, int width) {
    try {
      float[][] raw = booster.inplace_predict(x, rows, width, Float.NaN);
      if (classes != 2) {
        return raw;
      }
      float[][] out = new float[rows][];
      for (int i = 0; i < rows; i++) {
        out[i] = new float[] {1 - raw[i][0], raw[i][0]};
      }
      return out;
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost prediction failed: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] bytes() {
    try {
      return booster.toByteArray("ubj");
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost model not serialized: " + e.getMessage(), e);
    }
  }

  void dispose() {
    booster.dispose();
  }
}
