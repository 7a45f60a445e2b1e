package io.tributary.ml;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What a run trains: the target, the problem type, the feature columns (null: every other usable column) and the
 * limits of the {@code ml} configuration section that shape it. Candidates are chosen by {@code cvFolds}-fold
 * cross-validation on the training part when it has at most {@code cvMaxRows} rows (and {@code cvFolds} is at least 2),
 * by the holdout part otherwise.
 */
record TrainSpec(String target, boolean classification, List<String> features, int maxClasses, int maxCategories,
                 int minRows, long maxRows, double holdoutFraction, int maxRounds, int threads, long seed, int cvFolds,
                 int cvMaxRows) {

  /** @param params the run's parameters ({@code target_column, problem_type, features?}); @param ml the config section */
  static TrainSpec of(JsonObject params, JsonObject ml) {
    JsonArray features = params.getJsonArray("features");
    return new TrainSpec(params.getString("target_column"), "classification".equals(params.getString("problem_type")),
      features == null ? null : features.stream().map(String::valueOf).toList(),
      ml.getInteger("max_classes", 50), ml.getInteger("max_categories", 50), ml.getInteger("min_rows", 20),
      ml.getLong("max_rows", 2_000_000L), ml.getDouble("holdout_fraction", 0.2), ml.getInteger("max_rounds", 300),
      ml.getInteger("threads", 0), ml.getLong("seed", 42L), ml.getInteger("cv_folds", 5),
      ml.getInteger("cv_max_rows", 200_000));
  }
}
