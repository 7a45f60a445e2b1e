package io.tributary.embedded;

/** An embedded service could not start; the message names the service, the reason and how to avoid it. */
public final class EmbeddedServiceException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  EmbeddedServiceException(String message, Throwable cause) {
    super(message, cause);
  }
}
