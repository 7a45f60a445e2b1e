package io.tributary.transform;

/** Told how far a conversion is, 0 to 99, at most once per point. */
@FunctionalInterface
public interface ProgressListener {
  void progress(int percent);
}
