package io.tributary.ml;

import io.tributary.bus.LocalCodec;
import io.tributary.ingest.JobContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

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
   * Request/reply: score rows with a stored model. Request a {@link PredictRequest}; reply a {@link Predictions}.
   * Both travel by reference ({@link LocalCodec}: a 1,000-row request is not deep-copied twice). A missing or
   * mistyped feature fails with {@code VALIDATION_FAILED} naming it.
   */
  public static final String PREDICT = "ml.predict";

  /**
   * Rows to score ({@code [{feature: value}]}) with the model file at lake path {@code path}, of {@code kind}, whose
   * feature schema is {@code schema}. Read-only once sent.
   */
  record PredictRequest(String path, String kind, JsonObject schema, JsonArray rows) {
  }

  /** One {@code {prediction, confidence?, probabilities?}} per row, in order. Read-only once sent. */
  record Predictions(JsonArray rows) {
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
    LocalCodec.register(bus, PredictRequest.class);
    LocalCodec.register(bus, Predictions.class);
  }

  /** Sends {@link #PREDICT}, waiting at most {@code timeoutMs}; answers the predictions. */
  static Future<JsonArray> predict(Vertx vertx, PredictRequest request, long timeoutMs) {
    return vertx.eventBus().<Predictions>request(PREDICT, request, new DeliveryOptions().setSendTimeout(timeoutMs))
      .map(reply -> reply.body().rows());
  }
}
