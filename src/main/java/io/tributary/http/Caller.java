package io.tributary.http;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;
import java.util.UUID;

/** The authenticated caller of a request, read from the verified token's claims. */
public record Caller(UUID id, String email, String role, String tier) {

  public static final String ADMIN = "admin";
  public static final String ANALYST = "analyst";
  public static final String VIEWER = "viewer";
  /** Every role a user can have. */
  public static final Set<String> ROLES = Set.of(VIEWER, ANALYST, ADMIN);
  /** Every tier a user can be on. */
  public static final Set<String> TIERS = Set.of("free", "premium");

  private static final String KEY = "tributary.caller";

  /** The caller of an authenticated request (set by {@link BearerAuth}). */
  public static Caller of(RoutingContext ctx) {
    Caller caller = ctx.get(KEY);
    if (caller == null) {
      throw new ApiException(ErrorCode.UNAUTHORIZED, "A valid bearer token is required");
    }
    return caller;
  }

  static void set(RoutingContext ctx, Caller caller) {
    ctx.put(KEY, caller);
  }

  public static Caller of(User user) {
    JsonObject p = user.principal();
    return new Caller(UUID.fromString(p.getString("sub")), p.getString("email"), p.getString("role"),
      p.getString("tier"));
  }

  /** A route handler that lets only the given roles through (403 otherwise). */
  public static Handler<RoutingContext> requireRole(String... roles) {
    Set<String> allowed = Set.of(roles);
    return ctx -> {
      if (allowed.contains(of(ctx).role())) {
        ctx.next();
      } else {
        ctx.fail(new ApiException(ErrorCode.FORBIDDEN, "Role '" + of(ctx).role() + "' may not do this"));
      }
    };
  }
}
