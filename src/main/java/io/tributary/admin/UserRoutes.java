package io.tributary.admin;

import io.tributary.audit.AuditEvent;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.BearerAuth;
import io.tributary.http.Caller;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;
import java.util.UUID;

/**
 * User administration: list and filter users (admin), read one (admin, or the user themself; anyone else gets
 * 404), change role, tier and active (admin; audited). Deactivating a user or changing their role revokes every
 * token they hold at once; {@code POST /api/v1/auth/logout} revokes the caller's own token.
 */
public final class UserRoutes {


  private final UserAdminRepository users;
  private final Revocations revocations;
  private final UserEraser eraser;

  public UserRoutes(UserAdminRepository users, Revocations revocations, UserEraser eraser) {
    this.users = users;
    this.revocations = revocations;
    this.eraser = eraser;
  }

  public void mount(Router router) {
    router.post("/api/v1/auth/logout").handler(this::logout);
    router.get("/api/v1/users").handler(Caller.requireRole(Caller.ADMIN)).handler(this::list);
    router.get("/api/v1/users/:user_id").handler(this::get);
    router.patch("/api/v1/users/:user_id").handler(Caller.requireRole(Caller.ADMIN)).handler(this::patch);
    router.delete("/api/v1/users/:user_id").handler(Caller.requireRole(Caller.ADMIN)).handler(this::erase);
  }

  private void logout(RoutingContext ctx) {
    BearerAuth.Verified token = BearerAuth.verified(ctx);
    Future<Void> revoked = token.jti() == null
      ? revocations.revokeUser(token.caller().id().toString()) // a token from before jti: all of the user's
      : revocations.revokeToken(token.jti(), token.expiresAt());
    revoked.onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Params.Page page = Params.page(ctx);
    String q = blankToNull(ctx.queryParams().get("q"));
    String role = filter(ctx, "role", Caller.ROLES);
    String tier = filter(ctx, "tier", Caller.TIERS);
    String activeRaw = filter(ctx, "active", Set.of("true", "false"));
    users.list(q, role, tier, activeRaw == null ? null : Boolean.valueOf(activeRaw), page.fetch(), page.offset())
      .onSuccess(rows -> Json.ok(ctx, page.reply(rows)))
      .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    UUID id = Params.pathId(ctx, "user_id", "User");
    if (!Caller.ADMIN.equals(caller.role()) && !caller.id().equals(id)) {
      throw ApiException.notFound("User");
    }
    users.find(id).onSuccess(u -> Json.ok(ctx, u)).onFailure(ctx::fail);
  }

  private void patch(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    UUID id = Params.pathId(ctx, "user_id", "User");
    JsonObject body = Json.body(ctx);
    for (String field : body.fieldNames()) {
      if (!Set.of("role", "tier", "active").contains(field)) {
        throw new ApiException(ErrorCode.VALIDATION_FAILED, "Only role, tier and active can be changed here",
          new JsonObject().put("field", field));
      }
    }
    String role = Json.oneOf(body, "role", Caller.ROLES, null);
    String tier = Json.oneOf(body, "tier", Caller.TIERS, null);
    Object active = body.getValue("active");
    if (active != null && !(active instanceof Boolean)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "active must be true or false",
        new JsonObject().put("field", "active"));
    }
    if (caller.id().equals(id) && (Boolean.FALSE.equals(active) || role != null && !Caller.ADMIN.equals(role))) {
      throw new ApiException(ErrorCode.CONFLICT, "Admins cannot deactivate or demote themselves; ask another admin");
    }
    String user = id.toString();
    java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    users.update(id, before -> new JsonObject()
          .put("role", role == null ? before.getString("role") : role)
          .put("tier", tier == null ? before.getString("tier") : tier)
          .put("active", active == null ? before.getBoolean("active") : (Boolean) active),
        AuditEvent.by(ctx, "user.updated", "user", id, null, null),
        (before, after) -> {
          ended.set(endsSessions(before, after));
          return ended.get() ? revocations.revokeUser(user) : Future.succeededFuture();
        })
      // again after the commit: a login between the first revocation and the commit got the old role
      .compose(after -> ended.get() ? revocations.revokeUser(user).otherwiseEmpty().map(after)
        : Future.succeededFuture(after))
      .onSuccess(after -> Json.ok(ctx, after))
      .onFailure(ctx::fail);
  }

  private void erase(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "user_id", "User");
    if (!"true".equals(ctx.queryParams().get("erase"))) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "Deleting a user erases all their data: pass ?erase=true",
        new JsonObject().put("field", "erase"));
    }
    if (Caller.of(ctx).id().equals(id)) {
      throw new ApiException(ErrorCode.CONFLICT, "Admins cannot erase themselves; ask another admin");
    }
    eraser.erase(id, AuditEvent.by(ctx, "user.erased", "user", id, null, null))
      .onSuccess(counts -> ctx.response().setStatusCode(204).end())
      .onFailure(ctx::fail);
  }

  /** Whether the change ends the user's sessions: deactivated, or another role. */
  private static boolean endsSessions(JsonObject before, JsonObject after) {
    return !after.getBoolean("active") || !before.getString("role").equals(after.getString("role"));
  }

  private static String filter(RoutingContext ctx, String name, Set<String> allowed) {
    String value = blankToNull(ctx.queryParams().get(name));
    if (value != null && !allowed.contains(value)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, name + " must be one of " + allowed.stream().sorted().toList(),
        new JsonObject().put("field", name));
    }
    return value;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
