package io.tributary.http;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/** JSON request reading and response writing shared by every route. */
public final class Json {

  /** The parsed body, kept in the routing context: validation and the route read it once. */
  private static final String PARSED = "tributary.json.body";

  private Json() {
  }

  /** The request body as a JSON object; 400 when absent or not an object; 415 when not sent as JSON. */
  public static JsonObject body(RoutingContext ctx) {
    JsonObject parsed = ctx.get(PARSED);
    if (parsed != null) {
      return parsed;
    }
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase().startsWith("application/json")) {
      throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the request body as application/json");
    }
    Object value;
    try {
      var buffer = ctx.body().buffer();
      value = buffer == null || buffer.length() == 0 ? null : io.vertx.core.json.Json.decodeValue(buffer);
    } catch (RuntimeException e) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "Request body is not valid JSON");
    }
    if (!(value instanceof JsonObject object)) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "Request body must be a JSON object");
    }
    ctx.put(PARSED, object);
    return object;
  }

  /** A required, non-blank string field of at most {@code maxLength} characters. */
  public static String requiredString(JsonObject body, String field, int maxLength) {
    Object value = body.getValue(field);
    if (!(value instanceof String s) || s.isBlank()) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, field + " is required and must be a non-empty string",
        new JsonObject().put("field", field));
    }
    if (s.length() > maxLength) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, field + " is longer than " + maxLength + " characters",
        new JsonObject().put("field", field));
    }
    return s;
  }

  /** An optional string field that must be one of {@code allowed}; {@code fallback} when absent; 400 otherwise. */
  public static String oneOf(JsonObject body, String field, Set<String> allowed, String fallback) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (value instanceof String s && allowed.contains(s)) {
      return s;
    }
    throw new ApiException(ErrorCode.VALIDATION_FAILED, field + " must be one of " + allowed.stream().sorted().toList(),
      new JsonObject().put("field", field));
  }

  public static void ok(RoutingContext ctx, JsonObject body) {
    send(ctx, 200, body);
  }

  /** A 200 with an already encoded JSON body. */
  public static void ok(RoutingContext ctx, Buffer encoded) {
    ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(encoded);
  }

  public static void created(RoutingContext ctx, JsonObject body) {
    send(ctx, 201, body);
  }

  public static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
