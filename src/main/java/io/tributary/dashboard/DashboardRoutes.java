package io.tributary.dashboard;

import io.tributary.bus.ApiException;
import io.tributary.http.Caller;
import io.tributary.http.ContractValidation;
import io.tributary.http.Gzip;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.UUID;

/**
 * {@code /api/v1/dashboards}: create, list, read, replace, change and delete the caller's dashboards, and
 * {@code GET .../{id}/data}, every visualization's data. Another user's dashboard answers 404, unless it is in a
 * collection shared with the caller, who may then open it (read and data).
 */
public final class DashboardRoutes {

  /** Default and largest chart width, in pixels, of {@code GET .../data}. */
  static final int DEFAULT_WIDTH = 1200;
  static final int MAX_WIDTH = 8_000;

  private final DashboardRepository repository;
  private final DashboardChecks checks;
  private final DashboardData data;

  DashboardRoutes(DashboardRepository repository, DashboardChecks checks, DashboardData data) {
    this.repository = repository;
    this.checks = checks;
    this.data = data;
  }

  void mount(Router router, ContractValidation contract) {
    String writers = Caller.ANALYST;
    router.post("/api/v1/dashboards").handler(Caller.requireRole(writers, Caller.ADMIN))
      .handler(contract.jsonBody("createDashboard")).handler(this::create);
    router.get("/api/v1/dashboards").handler(this::list);
    router.get("/api/v1/dashboards/:dashboard_id").handler(this::get);
    router.put("/api/v1/dashboards/:dashboard_id").handler(Caller.requireRole(writers, Caller.ADMIN))
      .handler(contract.jsonBody("replaceDashboard")).handler(this::replace);
    router.patch("/api/v1/dashboards/:dashboard_id").handler(Caller.requireRole(writers, Caller.ADMIN))
      .handler(contract.jsonBody("patchDashboard")).handler(this::patch);
    router.delete("/api/v1/dashboards/:dashboard_id").handler(Caller.requireRole(writers, Caller.ADMIN))
      .handler(this::delete);
    router.get("/api/v1/dashboards/:dashboard_id/data").handler(this::data);
  }

  private void create(RoutingContext ctx) {
    UUID owner = Caller.of(ctx).id();
    checks.check(owner, Json.body(ctx))
      .compose(d -> repository.insert(owner, d))
      .onSuccess(d -> {
        ctx.response().putHeader("Location", "/api/v1/dashboards/" + d.getString("dashboard_id"));
        Json.created(ctx, visible(d));
      })
      .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Params.Page page = Params.page(ctx);
    repository.list(Caller.of(ctx).id(), page.fetch(), page.offset())
      .onSuccess(rows -> Json.ok(ctx, page.reply(rows)))
      .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    readable(ctx).onSuccess(d -> Json.ok(ctx, visible(d))).onFailure(ctx::fail);
  }

  private void replace(RoutingContext ctx) {
    UUID owner = Caller.of(ctx).id();
    UUID id = Params.pathId(ctx, "dashboard_id", "Dashboard");
    own(ctx).compose(found -> checks.check(owner, Json.body(ctx)))
      .compose(d -> repository.update(id, owner, d))
      .compose(DashboardRoutes::found)
      .onSuccess(d -> Json.ok(ctx, visible(d)))
      .onFailure(ctx::fail);
  }

  /** Changes only the fields the body names (visualizations, when named, are replaced as a whole). */
  private void patch(RoutingContext ctx) {
    UUID owner = Caller.of(ctx).id();
    UUID id = Params.pathId(ctx, "dashboard_id", "Dashboard");
    JsonObject body = Json.body(ctx);
    own(ctx).compose(current -> {
      JsonObject merged = new JsonObject();
      for (String field : List.of("name", "description", "refresh_seconds", "layout", "visualizations")) {
        merged.put(field, body.containsKey(field) ? body.getValue(field) : current.getValue(field));
      }
      return checks.check(owner, merged);
    }).compose(d -> repository.update(id, owner, d))
      .compose(DashboardRoutes::found)
      .onSuccess(d -> Json.ok(ctx, visible(d)))
      .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    repository.delete(Params.pathId(ctx, "dashboard_id", "Dashboard"), Caller.of(ctx).id()).onSuccess(deleted -> {
      if (deleted) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.fail(ApiException.notFound("Dashboard"));
      }
    }).onFailure(ctx::fail);
  }

  private void data(RoutingContext ctx) {
    int width = Params.intQuery(ctx, "width", DEFAULT_WIDTH, 1, MAX_WIDTH);
    readable(ctx).compose(d -> data.reply(d, width, Gzip.accepted(ctx.request()), ctx.request().getHeader("If-None-Match")))
      .onSuccess(reply -> {
        var response = ctx.response().putHeader("Vary", "Accept-Encoding").putHeader("Cache-Control", "private, no-cache");
        if (reply.etag() != null) {
          response.putHeader("ETag", reply.etag());
        }
        if (reply.body() == null) {
          response.setStatusCode(304).end();
          return;
        }
        if (reply.gzip()) {
          response.putHeader("Content-Encoding", "gzip");
        }
        Json.ok(ctx, reply.body());
      }).onFailure(ctx::fail);
  }

  /** The caller's dashboard of the path, or 404. */
  private Future<JsonObject> own(RoutingContext ctx) {
    return repository.find(Params.pathId(ctx, "dashboard_id", "Dashboard"), Caller.of(ctx).id())
      .compose(DashboardRoutes::found);
  }

  /** The caller's dashboard of the path, or one shared with them through a collection (to open), or 404. */
  private Future<JsonObject> readable(RoutingContext ctx) {
    return repository.findReadable(Params.pathId(ctx, "dashboard_id", "Dashboard"), Caller.of(ctx).id())
      .compose(DashboardRoutes::found);
  }

  static Future<JsonObject> found(JsonObject dashboard) {
    return dashboard == null ? Future.failedFuture(ApiException.notFound("Dashboard")) : Future.succeededFuture(dashboard);
  }

  /** What clients see of a dashboard (not its owner's id). */
  static JsonObject visible(JsonObject dashboard) {
    JsonObject out = dashboard.copy();
    out.remove("owner_id");
    return out;
  }
}
