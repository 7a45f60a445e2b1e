package io.tributary.dashboard;

import io.tributary.audit.AuditEvent;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.ContractValidation;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Read-only share links of a dashboard: {@code POST/GET .../{id}/shares}, {@code DELETE .../shares/{share_id}}
 * (owner only), and {@code GET /api/v1/shared/{token}} (no login): that one dashboard and its data. A revoked,
 * expired or unknown token answers 404, and so does (FEATURE_DISABLED) a link whose owner has the dashboards module
 * off.
 */
final class ShareRoutes {

  /** The longest a share link may live (a year); without {@code expires_in} it lives until revoked. */
  static final long MAX_EXPIRES_IN = 365L * 24 * 3600;

  private final DashboardRepository repository;
  private final DashboardData data;
  private final DashboardChecks.Lookups lookups;

  ShareRoutes(DashboardRepository repository, DashboardData data, DashboardChecks.Lookups lookups) {
    this.repository = repository;
    this.data = data;
    this.lookups = lookups;
  }

  /** Routes that need no login (mounted before the token check). */
  void mountPublic(Router router) {
    router.get("/api/v1/shared/:token").handler(this::shared);
  }

  void mount(Router router, ContractValidation contract) {
    router.post("/api/v1/dashboards/:dashboard_id/shares").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN))
      .handler(contract.jsonBody("shareDashboard")).handler(this::create);
    router.get("/api/v1/dashboards/:dashboard_id/shares").handler(this::list);
    router.delete("/api/v1/dashboards/:dashboard_id/shares/:share_id")
      .handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN)).handler(this::revoke);
  }

  private void create(RoutingContext ctx) {
    Long expiresIn = Json.body(ctx).getLong("expires_in");
    if (expiresIn != null && (expiresIn < 60 || expiresIn > MAX_EXPIRES_IN)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "expires_in must be from 60 to " + MAX_EXPIRES_IN
        + " seconds", new JsonObject().put("field", "expires_in"));
    }
    OffsetDateTime expiresAt = expiresIn == null ? null : OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(expiresIn);
    String token = ShareTokens.create();
    UUID shareId = UUID.randomUUID();
    own(ctx).compose(d -> repository.share(shareId, UUID.fromString(d.getString("dashboard_id")),
        ShareTokens.hash(token), expiresAt, AuditEvent.by(ctx, "share.granted", "dashboard", null, null, null)))
      .onSuccess(created -> Json.created(ctx, new JsonObject().put("share_id", shareId.toString())
        .put("share_token", token).put("url", "/shared/" + token)
        .put("created_at", created.toInstant().toString())
        .put("expires_at", expiresAt == null ? null : expiresAt.toInstant().toString())))
      .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    own(ctx).compose(d -> repository.shares(UUID.fromString(d.getString("dashboard_id"))))
      .onSuccess(items -> Json.ok(ctx, new JsonObject().put("items", items).put("next_offset", null)))
      .onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    UUID shareId = Params.pathId(ctx, "share_id", "Share");
    own(ctx).compose(d -> repository.revoke(shareId, UUID.fromString(d.getString("dashboard_id")),
        AuditEvent.by(ctx, "share.revoked", "dashboard", null, null, null)))
      .onSuccess(revoked -> {
        if (revoked) {
          ctx.response().setStatusCode(204).end();
        } else {
          ctx.fail(ApiException.notFound("Share"));
        }
      }).onFailure(ctx::fail);
  }

  private void shared(RoutingContext ctx) {
    int width = Params.intQuery(ctx, "width", DashboardRoutes.DEFAULT_WIDTH, 1, DashboardRoutes.MAX_WIDTH);
    resolve(repository, lookups, ctx.pathParam("token"))
      .compose(d -> data.of(d, width).map(reply -> Buffer.buffer("{\"dashboard\":")
        .appendBuffer(DashboardRoutes.visible(d).toBuffer()).appendString(",\"data\":").appendBuffer(reply)
        .appendString("}")))
      .onSuccess(reply -> {
        ctx.response().putHeader("Cache-Control", "no-store");
        Json.ok(ctx, reply);
      })
      .onFailure(ctx::fail);
  }

  /**
   * The dashboard a live share token opens, or 404; 404 FEATURE_DISABLED while the dashboards module is off for the
   * dashboard's owner (the viewer is anonymous, so the owner's flag evaluation decides).
   */
  static Future<JsonObject> resolve(DashboardRepository repository, DashboardChecks.Lookups lookups, String token) {
    if (!ShareTokens.wellFormed(token)) {
      return Future.failedFuture(ApiException.notFound("Shared dashboard"));
    }
    return repository.shared(ShareTokens.hash(token)).compose(found -> found == null
      ? Future.failedFuture(ApiException.notFound("Shared dashboard"))
      : lookups.dashboardsOn(UUID.fromString(found.getString("owner_id")), found.getString("owner_tier"))
        .compose(on -> repository.findAny(UUID.fromString(found.getString("dashboard_id")))))
      .compose(d -> d == null ? Future.failedFuture(ApiException.notFound("Shared dashboard")) : Future.succeededFuture(d));
  }

  private Future<JsonObject> own(RoutingContext ctx) {
    return repository.find(Params.pathId(ctx, "dashboard_id", "Dashboard"), Caller.of(ctx).id())
      .compose(DashboardRoutes::found);
  }
}
