package io.tributary.bench;

import io.tributary.ml.OfflineTrainer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Training overhead: the whole AutoML pipeline (read Parquet with DuckDB, encode, split, baseline, four XGBoost
 * candidates with early stopping, holdout metrics) against XGBoost4J called directly, in the same JVM, on the same
 * matrix, for the same candidates and rounds the pipeline ran (with the same holdout watch). Rows:
 * {@code -Dbench.train.rows=100000,1000000}; 20 numeric features, a binary target with a nonlinear signal.
 * Registration (one PostgreSQL transaction) is not included.
 */
public final class TrainBench {

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/bench");
    Files.createDirectories(dir);
    String sizes = System.getProperty("bench.train.rows", "100000,1000000");
    int threads = Integer.getInteger("bench.train.threads", 0);
    for (String size : sizes.split(",")) {
      if (!size.isBlank()) {
        run(dir, Integer.parseInt(size.trim()), threads);
      }
    }
  }

  static void run(Path dir, int rows, int threads) throws Exception {
    Path file = dir.resolve("train-" + rows + ".parquet");
    StringBuilder cols = new StringBuilder();
    for (int j = 0; j < 20; j++) {
      cols.append("random() AS f").append(j).append(", ");
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SELECT setseed(0.25)");
      s.execute("COPY (SELECT *, CASE WHEN (f0 - 0.5) * (f1 - 0.5) + 0.1 * f2 > 0.05 THEN 1 ELSE 0 END AS label FROM ("
        + "SELECT " + cols + "i FROM range(" + rows + ") t(i))) TO '" + file + "' (FORMAT parquet)");
    }
    List<String> features = new java.util.ArrayList<>();
    for (int j = 0; j < 20; j++) {
      features.add("f" + j);
    }
    JsonObject ml = new JsonObject().put("threads", threads).put("max_rows", 10_000_000L);
    long t0 = System.nanoTime();
    JsonObject pipeline = OfflineTrainer.train(List.of(file.toString()), new JsonObject().put("target_column", "label")
      .put("problem_type", "classification").put("features", new JsonArray(features)), ml);
    double pipelineS = (System.nanoTime() - t0) / 1e9;

    // the same matrix, read directly, split the same way (sizes only matter for the library's work)
    float[] x = new float[rows * 20];
    float[] y = new float[rows];
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT " + String.join(", ", features) + ", label FROM '" + file + "'")) {
      int i = 0;
      while (rs.next()) {
        for (int j = 0; j < 20; j++) {
          x[i * 20 + j] = rs.getFloat(j + 1);
        }
        y[i++] = rs.getFloat(21);
      }
    }
    int holdout = (int) Math.round(rows * 0.2);
    int train = rows - holdout;
    float[] xt = new float[train * 20];
    float[] xh = new float[holdout * 20];
    System.arraycopy(x, 0, xh, 0, holdout * 20);
    System.arraycopy(x, holdout * 20, xt, 0, train * 20);
    float[] yt = new float[train];
    float[] yh = new float[holdout];
    System.arraycopy(y, 0, yh, 0, holdout);
    System.arraycopy(y, holdout, yt, 0, train);
    double directS = 0;
    for (Object o : pipeline.getJsonArray("candidates")) {
      JsonObject cand = (JsonObject) o;
      if (!"xgboost".equals(cand.getString("model_type"))) {
        continue;
      }
      JsonObject p = cand.getJsonObject("params");
      long d0 = System.nanoTime();
      DMatrix dt = new DMatrix(xt, train, 20, Float.NaN);
      dt.setLabel(yt);
      DMatrix dh = new DMatrix(xh, holdout, 20, Float.NaN);
      dh.setLabel(yh);
      Map<String, Object> params = new HashMap<>();
      params.put("tree_method", "hist");
      params.put("max_depth", p.getInteger("max_depth"));
      params.put("eta", p.getDouble("eta"));
      params.put("objective", "binary:logistic");
      params.put("eval_metric", "logloss");
      params.put("seed", 42);
      params.put("nthread", pipeline.getJsonObject("params").getInteger("threads")); // as the pipeline ran
      Booster b = XGBoost.train(dt, params, p.getInteger("rounds"), Map.of("holdout", dh), null, null);
      b.dispose();
      dt.dispose();
      dh.dispose();
      directS += (System.nanoTime() - d0) / 1e9;
    }
    System.out.printf("TrainBench rows=%d threads=%d: pipeline %.2f s (read %d ms, search %d ms), XGBoost direct "
        + "%.2f s for the same candidates and rounds, overhead %.2fx; chosen %s, accuracy %.4f (baseline %.4f)%n",
      rows, threads, pipelineS, pipeline.getLong("read_ms"), pipeline.getLong("train_ms"), directS, pipelineS / directS,
      pipeline.getString("model_type"), pipeline.getJsonObject("metrics").getDouble("accuracy"),
      pipeline.getJsonObject("metrics").getJsonObject("baseline").getDouble("accuracy"));
    System.out.println("  candidates: " + pipeline.getJsonArray("candidates").encode());
  }
}
