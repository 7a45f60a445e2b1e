package io.tributary.lake;

import java.io.IOException;

/** The object store did not answer within {@code lake.retry_ms}: nothing was lost, the caller may retry later. */
public final class LakeUnavailableException extends IOException {

  private static final long serialVersionUID = 1L;

  LakeUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
