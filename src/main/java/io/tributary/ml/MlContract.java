package io.tributary.ml;

import io.tributary.bus.LocalCodec;
import io.tributary.ingest.JobContract;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Event-bus contract of machine learning. Training is a job of kind {@link #JOB_TYPE} and batch scoring one of kind
 * {@link #SCORE_JOB_TYPE}: {@link TrainVerticle} answers
 * {@code jobs.run.ml_train} (request: the job, whose {@code params} hold {@code run_id} and the run's settings;
 * reply {@code {run_id, model_id, model_version, row_count}}; a run that cannot produce a model fails with
 * {@code VALIDATION_FAILED} and its reason). Predictions go to {@link PredictVerticle}.
 */
public final class MlContract {

  /** The job type of training runs. */
  public static final String JOB_TYPE = "ml_train";

  /**
   * The job type of batch scoring: its dataset is the new (scored) dataset; {@code params} hold
   * {@code input_dataset_id, model_id, model_version, model_path, model_kind, feature_schema}. Reply
   * {@code {dataset_id, row_count, model_id, model_version, input_dataset_id}}; a column that does not fit the model
   * fails with {@code VALIDATION_FAILED} naming it.
   */
  public static final String SCORE_JOB_TYPE = "ml_score";

  /**
   * Request/reply: score rows with stored models. Request a {@link PredictBatch} (several callers' requests, gathered
   * by {@link PredictBatches}); reply {@link Outcomes}, one per request in order. Both travel by reference
   * ({@link LocalCodec}: a 1,000-row request is not deep-copied twice). A missing or mistyped feature fails that
   * request alone with {@code VALIDATION_FAILED} naming it.
   */
  public static final String PREDICT = "ml.predict";

  /**
   * Rows to score ({@code [{feature: value}]}) with the model file at lake path {@code path}, of {@code kind}, whose
   * feature schema is {@code schema}. Read-only once sent.
   */
  record PredictRequest(String path, String kind, JsonObject schema, JsonArray rows) {
  }

  /** Requests scored by one worker in one go. Read-only once sent. */
  record PredictBatch(List<PredictRequest> requests) {
  }

  /**
   * What became of one request: its {@code rows} ({@code {prediction, confidence?, probabilities?}} per row, in
   * order) or its {@code failure} (a bus failure code of {@link io.tributary.bus.ErrorCode}).
   */
  record Outcome(JsonArray rows, ReplyException failure) {
  }

  /** One {@link Outcome} per request of a {@link PredictBatch}, in order. Read-only once sent. */
  record Outcomes(List<Outcome> outcomes) {
  }

  private MlContract() {
  }

  /** The address training runs are asked to run at. */
  public static String trainAddress() {
    return JobContract.runAddress(JOB_TYPE);
  }

  /** The address batch scoring jobs are asked to run at. */
  public static String scoreAddress() {
    return JobContract.runAddress(SCORE_JOB_TYPE);
  }

  /** Registers the codecs of {@link #PREDICT}'s bodies (once per Vert.x instance). */
  public static void registerCodecs(EventBus bus) {
    LocalCodec.register(bus, PredictBatch.class);
    LocalCodec.register(bus, Outcomes.class);
  }
}
