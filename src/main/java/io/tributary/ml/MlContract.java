package io.tributary.ml;

import io.tributary.ingest.JobContract;

/**
 * Event-bus contract of machine learning. Training is a job of kind {@link #JOB_TYPE} and batch scoring one of kind
 * {@link #SCORE_JOB_TYPE}: {@link TrainVerticle} answers
 * {@code jobs.run.ml_train} (request: the job, whose {@code params} hold {@code run_id} and the run's settings;
 * reply {@code {run_id, model_id, model_version, row_count}}; a run that cannot produce a model fails with
 * {@code VALIDATION_FAILED} and its reason). Predictions travel on no bus: the HTTP instances score them on the
 * predict threads of their process ({@link PredictBatches}).
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
}
