package io.tributary.http;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/** Path ids, query parameters and pages of lists, read the same way by every route. */
public final class Params {

  /** Largest page a list route returns. */
  public static final int MAX_PAGE = 500;

  private Params() {
  }

  /** A resource id; a malformed one is simply not found (404 naming {@code what}). */
  public static UUID uuid(String value, String what) {
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw ApiException.notFound(what);
    }
  }

  /** The id in path parameter {@code name}; 404 naming {@code what} when malformed. */
  public static UUID pathId(RoutingContext ctx, String name, String what) {
    return uuid(ctx.pathParam(name), what);
  }

  /** A whole-number query parameter within [min, max], or {@code fallback} when absent; 400 otherwise. */
  public static int intQuery(RoutingContext ctx, String name, int fallback, int min, int max) {
    String raw = ctx.queryParams().get(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // fall through to the error
    }
    throw new ApiException(ErrorCode.VALIDATION_FAILED, name + " must be a whole number between " + min + " and " + max,
      new JsonObject().put("field", name));
  }

  /** The {@code limit} and {@code offset} of a list request (default 50 items, at most {@value #MAX_PAGE}). */
  public static Page page(RoutingContext ctx) {
    return new Page(intQuery(ctx, "limit", 50, 1, MAX_PAGE), intQuery(ctx, "offset", 0, 0, Integer.MAX_VALUE));
  }

  /** One page of a list: repositories fetch {@code limit + 1} rows so the page knows whether more exist. */
  public record Page(int limit, int offset) {

    /** Rows to fetch: one more than the page holds. */
    public int fetch() {
      return limit + 1;
    }

    /** The list reply {@code {items, next_offset}} for rows fetched with {@link #fetch()}. */
    public JsonObject reply(JsonArray rows) {
      boolean more = rows.size() > limit;
      JsonArray items = more ? new JsonArray(rows.getList().subList(0, limit)) : rows;
      return new JsonObject().put("items", items).put("next_offset", more ? offset + limit : null);
    }
  }
}
