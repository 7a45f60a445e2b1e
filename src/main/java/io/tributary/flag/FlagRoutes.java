package io.tributary.flag;

import io.tributary.audit.AuditEvent;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Flag administration (admin only; every change audited; {@code PATCH} and {@code DELETE} need {@code If-Match}
 * with the flag's ETag: 428 without it, 412 when stale) and {@code GET /api/v1/features}, the flags the caller has
 * on. A change answers once this process evaluates with it; the others follow through their change feed.
 */
public final class FlagRoutes {

  private static final String ADMIN = "/api/v1/admin/flags";

  private final FlagRepository flags;
  private final FlagStore store;

  public FlagRoutes(FlagRepository flags, FlagStore store) {
    this.flags = flags;
    this.store = store;
  }

  public void mount(Router router) {
    router.get("/api/v1/features").handler(this::features);
    router.route(ADMIN + "*").handler(Caller.requireRole(Caller.ADMIN));
    router.get(ADMIN).handler(this::list);
    router.post(ADMIN).handler(this::create);
    router.get(ADMIN + "/:key").handler(this::get);
    router.patch(ADMIN + "/:key").handler(this::patch);
    router.delete(ADMIN + "/:key").handler(this::delete);
    router.post(ADMIN + "/:key/kill").handler(this::kill);
  }

  private void features(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String user = caller.id().toString();
    JsonArray on = new JsonArray();
    store.all().values().forEach(f -> {
      if (FlagRules.decide(f, user, caller.tier()).on) {
        on.add(f.key());
      }
    });
    Json.ok(ctx, new JsonObject().put("features", on));
  }

  private void list(RoutingContext ctx) {
    Params.Page page = Params.page(ctx);
    flags.list(page.fetch(), page.offset())
      .onSuccess(list -> Json.ok(ctx, page.reply(new JsonArray(list.stream().map(Flag::toJson).toList()))))
      .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    flags.find(ctx.pathParam("key")).onSuccess(f -> send(ctx, 200, f)).onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    FlagInput in = FlagInput.create(Json.body(ctx));
    flags.create(in, AuditEvent.by(ctx, "flag.created", "flag", in.key(), null, null))
      .compose(this::applied)
      .onSuccess(f -> send(ctx, 201, f)).onFailure(ctx::fail);
  }

  private void patch(RoutingContext ctx) {
    long version = ifMatch(ctx);
    JsonObject body = Json.body(ctx);
    flags.update(ctx.pathParam("key"), version, in -> in.merge(body), "flag.updated",
        AuditEvent.by(ctx, "flag.updated", "flag", null, null, null))
      .compose(this::applied)
      .onSuccess(f -> send(ctx, 200, f)).onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    String key = ctx.pathParam("key");
    if (key.startsWith(Flag.MODULE_PREFIX)) {
      throw new ApiException(ErrorCode.CONFLICT, "Module flags stay; switch '" + key + "' off with enabled=false, "
        + "rollout_percent=0 or POST .../kill");
    }
    long version = ifMatch(ctx);
    flags.delete(key, version, AuditEvent.by(ctx, "flag.deleted", "flag", key, null, null))
      .compose(v -> store.reload())
      .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  private void kill(RoutingContext ctx) {
    flags.update(ctx.pathParam("key"), null, FlagInput::killed, "flag.killed",
        AuditEvent.by(ctx, "flag.killed", "flag", null, null, null))
      .compose(this::applied)
      .onSuccess(f -> send(ctx, 200, f)).onFailure(ctx::fail);
  }

  /** The flag once this process evaluates with it. */
  private Future<Flag> applied(Flag flag) {
    return store.reload().map(flag);
  }

  private static void send(RoutingContext ctx, int status, Flag flag) {
    ctx.response().putHeader("ETag", flag.etag());
    Json.send(ctx, status, flag.toJson());
  }

  /** The version named by {@code If-Match}: 428 when absent, 412 when it names no version. */
  static long ifMatch(RoutingContext ctx) {
    String raw = ctx.request().getHeader("If-Match");
    if (raw == null || raw.isBlank()) {
      throw new ApiException(ErrorCode.PRECONDITION_REQUIRED, "Send If-Match with the flag's ETag (from GET)");
    }
    String tag = raw.trim();
    if (tag.startsWith("W/")) {
      tag = tag.substring(2);
    }
    tag = tag.replace("\"", "");
    try {
      return Long.parseLong(tag);
    } catch (NumberFormatException e) {
      throw new ApiException(ErrorCode.PRECONDITION_FAILED, "If-Match does not name a version of this flag");
    }
  }
}
