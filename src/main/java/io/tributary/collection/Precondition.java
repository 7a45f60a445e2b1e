package io.tributary.collection;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Optimistic locking over HTTP: {@code ETag: "<version>"} on every reply, {@code If-Match} on every change. */
final class Precondition {

  private Precondition() {
  }

  /** The version of {@code If-Match}; 428 when absent, 412 when it is not a version this API ever sent. */
  static int expected(RoutingContext ctx) {
    String raw = ctx.request().getHeader("If-Match");
    if (raw == null || raw.isBlank()) {
      throw new ApiException(ErrorCode.PRECONDITION_REQUIRED, "Send If-Match: \"<version>\" with the collection's "
        + "current version (its ETag); every change to a collection is checked against it");
    }
    String v = raw.trim();
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ApiException(ErrorCode.PRECONDITION_FAILED, "If-Match must be the collection's ETag, such as \"3\"",
        new JsonObject().put("if_match", raw));
    }
  }

  /** 412 naming the current version. */
  static ApiException stale(int current, int expected) {
    return new ApiException(ErrorCode.PRECONDITION_FAILED, "The collection changed: it is at version " + current
      + ", not " + expected + "; read it again and retry", new JsonObject().put("current_version", current)
      .put("expected_version", expected));
  }

  static void etag(RoutingContext ctx, int version) {
    ctx.response().putHeader("ETag", "\"" + version + "\"");
  }
}
