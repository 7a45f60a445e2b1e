package io.tributary.ml;

/**
 * A trained model that scores encoded rows: class probabilities in the schema's class order (classification), or
 * one value per row (regression). Thread-safe once built.
 */
interface Scorer {

  /** {@code xgboost}, {@code linear} or {@code logistic}. */
  String kind();

  /** {@code rows} rows of {@code width} encoded columns, row-major; returns one array per row. */
  float[][] predict(float[] x, int rows, int width);

  /** The model as bytes, to store in the lake ({@link Scorers#load} reads them back). */
  byte[] bytes();

  /** The hyperparameters that made it. */
  io.vertx.core.json.JsonObject params();
}
