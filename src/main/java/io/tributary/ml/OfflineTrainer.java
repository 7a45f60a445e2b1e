package io.tributary.ml;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The training pipeline without the server (no job, no registry): for benchmarks and tools. Blocking.
 */
public final class OfflineTrainer {

  private OfflineTrainer() {
  }

  /**
   * Reads the Parquet files and runs the AutoML search as a run would.
   *
   * @param params {@code {target_column, problem_type, features?}}
   * @param ml     settings as in the {@code ml} config section (defaults for absent keys)
   * @return {@code {read_ms, train_ms, timings_ms, rows, model_type, params, metrics, candidates}} ({@code timings_ms}:
   *     the search's steps)
   */
  public static JsonObject train(List<String> files, JsonObject params, JsonObject ml) throws Exception {
    TrainSpec spec = TrainSpec.of(params, ml);
    long t0 = System.nanoTime();
    TrainingData data = new DatasetReader(ml.getString("memory_limit", "1GB")).read(files, spec, Stop.never());
    long t1 = System.nanoTime();
    Trainer.Result result = Trainer.train(data, spec, Stop.never(), p -> { });
    long t2 = System.nanoTime();
    if (result.model() instanceof BoostedModel boosted) {
      boosted.dispose();
    }
    return new JsonObject().put("read_ms", (t1 - t0) / 1_000_000).put("train_ms", (t2 - t1) / 1_000_000)
      .put("timings_ms", result.timings())
      .put("rows", data.rows()).put("model_type", result.model().kind()).put("params", result.params())
      .put("metrics", result.metrics()).put("candidates", result.candidates());
  }
}
