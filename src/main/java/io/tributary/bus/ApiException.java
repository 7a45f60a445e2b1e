package io.tributary.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The one failure type of Tributary: a client-facing {@link ErrorCode}, a readable message and details.
 * Thrown or failed into futures anywhere; rendered by the HTTP error handler; sent over the event bus as a
 * {@link ReplyException} with {@link #toReply()}.
 */
public final class ApiException extends RuntimeException {

  private final ErrorCode code;
  private final JsonObject details;

  public ApiException(ErrorCode code, String message) {
    this(code, message, new JsonObject());
  }

  public ApiException(ErrorCode code, String message, JsonObject details) {
    super(message, null, false, false);
    this.code = code;
    this.details = details == null ? new JsonObject() : details;
  }

  public ErrorCode code() {
    return code;
  }

  public JsonObject details() {
    return details;
  }

  /** This failure as an event-bus reply failure. */
  public ReplyException toReply() {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code.busCode(), getMessage());
  }

  /** Maps an event-bus failure (our codes, timeouts, missing handlers) to a client-facing failure. */
  public static ApiException fromReply(ReplyException reply) {
    return switch (reply.failureType()) {
      case TIMEOUT -> new ApiException(ErrorCode.TIMEOUT, "The operation timed out");
      case NO_HANDLERS -> new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "The service is not available");
      default -> {
        ErrorCode code = ErrorCode.fromBusCode(reply.failureCode());
        yield code == null
          ? new ApiException(ErrorCode.INTERNAL_ERROR, "Internal error")
          : new ApiException(code, reply.getMessage());
      }
    };
  }

  /** Any failure as a client-facing one: ours as they are, event-bus failures mapped, anything else internal. */
  public static ApiException of(Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof ReplyException reply) {
      return fromReply(reply);
    }
    return new ApiException(ErrorCode.INTERNAL_ERROR, "Internal error");
  }

  public static ApiException notFound(String what) {
    return new ApiException(ErrorCode.NOT_FOUND, what + " not found");
  }

  public static ApiException badRequest(String message) {
    return new ApiException(ErrorCode.BAD_REQUEST, message);
  }
}
