package io.tributary.http;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * Renders every failure as the error envelope
 * {@code {"error":{"code","message","details","request_id","timestamp"}}}. Client errors are logged at
 * debug; anything unexpected is logged once with its stack trace and the request id, and the client gets
 * a generic message.
 */
public final class ErrorHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    ApiException error = toApiException(ctx);
    if (error.code() == ErrorCode.SERVICE_UNAVAILABLE && ctx.failure() != null && !(ctx.failure() instanceof ApiException)) {
      LOG.warn("Request {} {} answered 503: {}", ctx.request().method(), ctx.request().path(), ctx.failure().toString());
    } else if (error.code().status() >= 500 && ctx.failure() != null && !(ctx.failure() instanceof ApiException)) {
      LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
    }
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    boolean unreadBody = !ctx.request().isEnded();
    if (unreadBody) {
      // a refused upload: rather than read gigabytes to keep the connection, answer and close it
      response.putHeader("Connection", "close");
    }
    if (error.code() == ErrorCode.UNAUTHORIZED && !response.headers().contains("WWW-Authenticate")) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    Object retryAfter = error.details().getValue("retry_after_seconds");
    if (retryAfter != null && !response.headers().contains("Retry-After")) {
      response.putHeader("Retry-After", String.valueOf(retryAfter));
    }
    response.setStatusCode(error.code().status())
      .putHeader("Content-Type", "application/json")
      .end(envelope(error, RequestIdHandler.requestId(ctx)).encode())
      .onComplete(done -> {
        if (unreadBody) {
          ctx.request().connection().close();
        }
      });
  }

  /** The error envelope for a failure. */
  public static JsonObject envelope(ApiException error, String requestId) {
    return new JsonObject().put("error", new JsonObject()
      .put("code", error.code().name())
      .put("message", error.getMessage())
      .put("details", error.details())
      .put("request_id", requestId)
      .put("timestamp", Instant.now().toString()));
  }

  static ApiException toApiException(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof ReplyException reply) {
      return ApiException.fromReply(reply);
    }
    if (failure instanceof DecodeException) {
      return new ApiException(ErrorCode.BAD_REQUEST, "Request body is not valid JSON");
    }
    if (failure instanceof HttpException http) {
      return fromStatus(http.getStatusCode(), http.getPayload());
    }
    if (failure != null && Unavailable.is(failure)) {
      return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "A service Tributary depends on is unavailable right now; "
        + "try again shortly");
    }
    if (failure != null) {
      return new ApiException(ErrorCode.INTERNAL_ERROR, "Internal error; see the server log for request "
        + RequestIdHandler.requestId(ctx));
    }
    return fromStatus(ctx.statusCode(), null);
  }

  private static ApiException fromStatus(int status, String payload) {
    ErrorCode code = ErrorCode.forStatus(status <= 0 ? 500 : status);
    String message = switch (code) {
      case UNAUTHORIZED -> "A valid bearer token is required";
      case FORBIDDEN -> "Your role does not allow this";
      case NOT_FOUND -> "No such resource";
      case METHOD_NOT_ALLOWED -> "Method not allowed on this resource";
      case PAYLOAD_TOO_LARGE -> "Request body too large";
      case UNSUPPORTED_MEDIA_TYPE -> "Unsupported content type";
      case INTERNAL_ERROR -> "Internal error";
      default -> payload != null && !payload.isBlank() && payload.length() < 300 ? payload : "Bad request";
    };
    return new ApiException(code, message);
  }
}
