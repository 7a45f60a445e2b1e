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
 * candidates with early stopping, 5-fold cross-validation up to {@code ml.cv_max_rows} training rows and a refit,
 * holdout metrics) against XGBoost4J called directly, in the same JVM, on matrices of the same sizes, for the same
 * candidates, folds and rounds the pipeline ran (with the same watches, and the refit), on matrices built once as the
 * pipeline builds them. Both sides are timed by the wall clock and by the process's CPU time, the figure that a busy
 * machine does not inflate. Rows:
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
    long c0 = cpuNanos();
    JsonObject pipeline = OfflineTrainer.train(List.of(file.toString()), new JsonObject().put("target_column", "label")
      .put("problem_type", "classification").put("features", new JsonArray(features)), ml);
    double pipelineS = (System.nanoTime() - t0) / 1e9;
    double pipelineCpuS = (cpuNanos() - c0) / 1e9;

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
    JsonObject chosen = pipeline.getJsonObject("params");
    int threadsRun = chosen.getInteger("threads");
    boolean cv = chosen.getString("selection", "").contains("cross-validation");
    // the matrices the pipeline builds, built once here too: the training and holdout parts, or each fold's two parts
    long m0 = System.nanoTime();
    long cpu0 = cpuNanos();
    DMatrix dt = matrix(xt, yt, train);
    DMatrix dh = cv ? null : matrix(xh, yh, holdout);
    List<DMatrix[]> foldMatrices = new java.util.ArrayList<>();
    JsonArray anyFolds = cv ? pipeline.getJsonArray("candidates").getJsonObject(1).getJsonObject("params")
      .getJsonArray("fold_rounds") : null;
    int k = anyFolds == null ? 0 : anyFolds.size();
    for (int f = 0; f < k; f++) {
      int from = (int) ((long) train * f / k);
      int to = (int) ((long) train * (f + 1) / k);
      int fit = train - (to - from);
      float[] xf = new float[fit * 20];
      float[] yf = new float[fit];
      System.arraycopy(xt, 0, xf, 0, from * 20);
      System.arraycopy(xt, to * 20, xf, from * 20, (train - to) * 20);
      System.arraycopy(yt, 0, yf, 0, from);
      System.arraycopy(yt, to, yf, from, train - to);
      foldMatrices.add(new DMatrix[] {matrix(xf, yf, fit), matrix(java.util.Arrays.copyOfRange(xt, from * 20, to * 20),
        java.util.Arrays.copyOfRange(yt, from, to), to - from)});
    }
    double directS = (System.nanoTime() - m0) / 1e9;
    for (Object o : pipeline.getJsonArray("candidates")) {
      JsonObject cand = (JsonObject) o;
      if (!"xgboost".equals(cand.getString("model_type"))) {
        continue;
      }
      JsonObject p = cand.getJsonObject("params");
      JsonArray folds = p.getJsonArray("fold_rounds");
      if (folds == null) {
        directS += direct(dt, dh, p.getInteger("max_depth"), p.getDouble("eta"), p.getInteger("rounds"), threadsRun);
        continue;
      }
      // cross-validation: each fold fits on the other folds and is watched, as the pipeline ran it (best + patience)
      for (int f = 0; f < k; f++) {
        int rounds = Math.min(300, folds.getInteger(f) + 15);
        directS += direct(foldMatrices.get(f)[0], foldMatrices.get(f)[1], p.getInteger("max_depth"), p.getDouble("eta"),
          rounds, threadsRun);
      }
    }
    if (chosen.containsKey("max_depth") && cv) {
      // the refit of the chosen candidate on the whole training part, without a watch
      directS += direct(dt, null, chosen.getInteger("max_depth"), chosen.getDouble("eta"), chosen.getInteger("rounds"),
        threadsRun);
    }
    double directCpuS = (cpuNanos() - cpu0) / 1e9;
    dt.dispose();
    if (dh != null) {
      dh.dispose();
    }
    foldMatrices.forEach(pair -> {
      pair[0].dispose();
      pair[1].dispose();
    });
    System.out.printf("TrainBench rows=%d threads=%d selection=%s: pipeline %.2f s (read %d ms, search %d ms: %s), "
        + "XGBoost direct %.2f s for the same candidates, folds and rounds: overhead %.2fx wall, %.2fx CPU (pipeline "
        + "%.2f s CPU, direct %.2f s CPU); chosen %s, accuracy %.4f (baseline %.4f)%n",
      rows, threadsRun, chosen.getString("selection"), pipelineS, pipeline.getLong("read_ms"),
      pipeline.getLong("train_ms"), pipeline.getJsonObject("timings_ms").encode(), directS, pipelineS / directS,
      pipelineCpuS / directCpuS, pipelineCpuS, directCpuS, pipeline.getString("model_type"),
      pipeline.getJsonObject("metrics").getDouble("accuracy"),
      pipeline.getJsonObject("metrics").getJsonObject("baseline").getDouble("accuracy"));
    System.out.println("  candidates: " + pipeline.getJsonArray("candidates").encode());
  }

  /** CPU time of the whole process (every thread: XGBoost's OpenMP threads too), which other processes do not inflate. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
      .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static DMatrix matrix(float[] x, float[] y, int rows) throws Exception {
    DMatrix m = new DMatrix(x, rows, 20, Float.NaN);
    m.setLabel(y);
    return m;
  }

  /** Seconds XGBoost4J takes to train {@code rounds} rounds on {@code train} (evaluating {@code watch} each round). */
  static double direct(DMatrix train, DMatrix watch, int depth, double eta, int rounds, int threads) throws Exception {
    long d0 = System.nanoTime();
    Map<String, DMatrix> watches = new HashMap<>();
    if (watch != null) {
      watches.put("holdout", watch);
    }
    Map<String, Object> params = new HashMap<>();
    params.put("tree_method", "hist");
    params.put("max_depth", depth);
    params.put("eta", eta);
    params.put("objective", "binary:logistic");
    params.put("eval_metric", "logloss");
    params.put("seed", 42);
    params.put("verbose_eval", "false"); // evaluated as the pipeline does, not printed (a string: XGBoost4J compares it as one)
    params.put("nthread", threads); // as the pipeline ran
    Booster b = XGBoost.train(train, params, rounds, watches, null, null);
    b.dispose();
    return (System.nanoTime() - d0) / 1e9;
  }
}
