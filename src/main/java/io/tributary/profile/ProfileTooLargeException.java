package io.tributary.profile;

/** The file cannot be profiled within the profiler's memory; the message names the setting to raise. */
public final class ProfileTooLargeException extends Exception {

  public ProfileTooLargeException(String message, Throwable cause) {
    super(message, cause);
  }
}
