package io.tributary.ml;

/**
 * A run that cannot produce a model, with the reason its owner reads on the run and the job: a bad target, too few
 * rows, one class only, an unusable feature, or the run stopped (timeout, time budget, cancellation).
 */
final class TrainingFailed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TrainingFailed(String reason) {
    super(reason, null, false, false);
  }
}
