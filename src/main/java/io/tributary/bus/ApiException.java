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

  public static ApiException notFound(String what) {
    return new ApiException(ErrorCode.NOT_FOUND, what + " not found");
  }

  public static ApiException badRequest(String message) {
    return new ApiException(ErrorCode.BAD_REQUEST, message);
  }
}
