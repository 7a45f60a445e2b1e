package io.tributary.bus;

/**
 * Every failure a client can see: its code in the error envelope, its HTTP status, and the failure code it
 * travels with over the event bus ({@link io.vertx.core.eventbus.ReplyException#failureCode()}). The HTTP
 * layer maps codes to statuses here and nowhere else.
 */
public enum ErrorCode {
  BAD_REQUEST(400, 4000),
  VALIDATION_FAILED(400, 4001),
  INVALID_NAME(400, 4002),
  EMPTY_FILE(400, 4003),
  INVALID_FILE(400, 4004),
  INVALID_SQL(400, 4005),
  SQL_NOT_ALLOWED(400, 4006),
  UNKNOWN_TABLE(400, 4007),
  UNAUTHORIZED(401, 4010),
  INVALID_CREDENTIALS(401, 4011),
  FORBIDDEN(403, 4030),
  NOT_FOUND(404, 4040),
  FEATURE_DISABLED(404, 4041),
  METHOD_NOT_ALLOWED(405, 4050),
  CONFLICT(409, 4090),
  DATASET_EXISTS(409, 4091),
  EMAIL_EXISTS(409, 4092),
  NOT_READY(409, 4093),
  PROTECTED_NAME(409, 4094),
  COLLECTION_EXISTS(409, 4095),
  PRECONDITION_FAILED(412, 4120),
  PAYLOAD_TOO_LARGE(413, 4130),
  UNSUPPORTED_MEDIA_TYPE(415, 4150),
  NOT_ACCEPTABLE(406, 4060),
  QUERY_RESOURCE_LIMIT(422, 4220),
  PRECONDITION_REQUIRED(428, 4280),
  LLM_INVALID_SQL(422, 4221),
  SCHEMA_MISMATCH(422, 4225),
  RATE_LIMITED(429, 4290),
  INTERNAL_ERROR(500, 5000),
  SERVICE_UNAVAILABLE(503, 5030),
  LLM_UNAVAILABLE(503, 5031),
  TIMEOUT(504, 5040),
  QUERY_TIMEOUT(504, 5041),
  HOST_NOT_ALLOWED(403, 4035),
  SOURCE_UNREACHABLE(422, 4260),
  SOURCE_AUTH_FAILED(422, 4261),
  SOURCE_DATABASE_MISSING(422, 4262),
  SOURCE_TLS_REQUIRED(422, 4263),
  SOURCE_FAILED(422, 4264);

  private final int status;
  private final int busCode;

  ErrorCode(int status, int busCode) {
    this.status = status;
    this.busCode = busCode;
  }

  /** The HTTP status this failure answers with. */
  public int status() {
    return status;
  }

  /** The failure code used on the event bus. */
  public int busCode() {
    return busCode;
  }

  /** The code for an event-bus failure code, or {@code null} when it is not one of ours. */
  public static ErrorCode fromBusCode(int code) {
    for (ErrorCode c : values()) {
      if (c.busCode == code) {
        return c;
      }
    }
    return null;
  }

  /** A generic code for an HTTP status (used for failures raised by Vert.x Web itself). */
  public static ErrorCode forStatus(int status) {
    return switch (status) {
      case 400 -> BAD_REQUEST;
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 409 -> CONFLICT;
      case 412 -> PRECONDITION_FAILED;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 428 -> PRECONDITION_REQUIRED;
      case 429 -> RATE_LIMITED;
      case 503 -> SERVICE_UNAVAILABLE;
      case 504 -> TIMEOUT;
      default -> status >= 400 && status < 500 ? BAD_REQUEST : INTERNAL_ERROR;
    };
  }
}
