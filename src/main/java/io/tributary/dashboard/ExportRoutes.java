package io.tributary.dashboard;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.ContractValidation;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.tributary.lake.Lake;
import io.tributary.lake.LakePaths;
import io.tributary.lake.LakeUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /api/v1/dashboards/{id}/export {format: png|pdf, width?, height?}}: the dashboard drawn on the server
 * from its data (every row: tables are never cut), answered with a download URL that needs no login and expires
 * after {@code dashboard.export_ttl_seconds}; {@code GET /api/v1/exports/{token}} sends the file. The file is a lake
 * object ({@code exports/dashboards/<owner>/<id>.<ext>}, published before its row is registered), so any node serves the
 * download: one that lacks the file fetches it into its data directory first.
 */
final class ExportRoutes {

  private final Vertx vertx;
  private final DashboardRepository repository;
  private final DashboardData data;
  private final Lake lake;
  private final long ttlSeconds;
  private final long renderTimeoutMs;
  private final DashboardChecks.Lookups lookups;

  ExportRoutes(Vertx vertx, DashboardRepository repository, DashboardData data, Lake lake, JsonObject config,
               DashboardChecks.Lookups lookups) {
    this.vertx = vertx;
    this.lookups = lookups;
    this.repository = repository;
    this.data = data;
    this.lake = lake;
    this.ttlSeconds = config.getLong("export_ttl_seconds", 3_600L);
    this.renderTimeoutMs = config.getLong("export_timeout_ms", 120_000L);
  }

  void mountPublic(Router router) {
    router.get("/api/v1/exports/:token").handler(this::download);
  }

  void mount(Router router, ContractValidation contract) {
    router.post("/api/v1/dashboards/:dashboard_id/export").handler(contract.jsonBody("exportDashboard"))
      .handler(this::export);
  }

  /**
   * Removes expired exports: their rows, then every export object (and local copy) older than the time to live,
   * which also takes those a crash left unregistered. Call periodically, on every node.
   */
  void sweep() {
    repository.expireExports().onComplete(done -> lake.expireLater(vertx, LakePaths.EXPORTS, ttlSeconds * 1000));
  }

  private void export(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    String format = body.getString("format");
    int width = body.getInteger("width", 1600);
    int height = body.getInteger("height", 0);
    UUID owner = Caller.of(ctx).id();
    UUID exportId = UUID.randomUUID();
    String file = LakePaths.exportFile(owner.toString(), exportId.toString(), format);
    String token = ShareTokens.create();
    OffsetDateTime expiresAt = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(ttlSeconds);
    repository.find(Params.pathId(ctx, "dashboard_id", "Dashboard"), owner).compose(DashboardRoutes::found)
      .compose(d -> data.compute(d, owner, "png".equals(format) ? width : 0)
        .compose(rows -> DashboardContract.render(vertx, DashboardContract.renderRequest(DashboardRoutes.visible(d),
          rows, format, width, height, lake.dataDir().resolve(file).toString()), renderTimeoutMs))
        .compose(rendered -> publish(file).map(rendered))
        .compose(rendered -> repository.export(exportId, UUID.fromString(d.getString("dashboard_id")), owner, format,
            file, rendered.getLong("size_bytes"), ShareTokens.hash(token), expiresAt)
          .map(rendered)))
      .onSuccess(rendered -> Json.created(ctx, new JsonObject().put("download_url", "/api/v1/exports/" + token)
        .put("expires_at", expiresAt.toInstant().toString()).put("format", format)
        .put("size_bytes", rendered.getLong("size_bytes")).put("render_ms", rendered.getLong("render_ms"))))
      .onFailure(err -> ctx.fail(err instanceof io.vertx.core.eventbus.ReplyException r ? ApiException.fromReply(r) : err));
  }

  /** Publishes the rendered file to the lake; an unreachable store is a 503 and the local file goes. */
  private Future<Void> publish(String file) {
    return lake.publishAsync(vertx, file).recover(err -> vertx.fileSystem().delete(lake.dataDir().resolve(file)
        .toString()).transform(deleted -> Future.failedFuture(err instanceof LakeUnavailableException
        ? new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "The object store is unavailable; export the dashboard again later")
        : err)));
  }

  private void download(RoutingContext ctx) {
    String token = ctx.pathParam("token");
    if (!ShareTokens.wellFormed(token)) {
      ctx.fail(ApiException.notFound("Export"));
      return;
    }
    // like a share link, a download follows its dashboard owner's dashboards module (the caller needs no login)
    repository.findExport(ShareTokens.hash(token)).compose(found -> found == null
      ? Future.<JsonObject>failedFuture(new ApiException(ErrorCode.NOT_FOUND,
        "Export not found or expired; export the dashboard again"))
      : lookups.dashboardsOn(UUID.fromString(found.getString("owner_id")), found.getString("owner_tier")).map(found))
      .onSuccess(found -> {
        String file = LakePaths.exportPath(found.getString("file_path"));
        lake.ensure(vertx, List.of(file)).onSuccess(v -> send(ctx, found, file)).onFailure(err -> ctx.fail(
          err instanceof LakeUnavailableException ? new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
            "The object store is unavailable; download the export again later") : err));
      }).onFailure(ctx::fail);
  }

  private void send(RoutingContext ctx, JsonObject found, String file) {
    String format = found.getString("format");
    String name = found.getString("name").replaceAll("[^A-Za-z0-9._-]+", "_");
    ctx.response()
      .putHeader("Content-Type", "png".equals(format) ? "image/png" : "application/pdf")
      .putHeader("Content-Disposition", "attachment; filename=\"" + name + "." + format + "\"")
      .putHeader("Cache-Control", "no-store")
      .sendFile(lake.dataDir().resolve(file).toString())
      .onFailure(ctx::fail);
  }
}
