package io.tributary.dashboard;

import io.tributary.db.OwnerCache;
import io.tributary.fanout.StreamSockets;
import io.tributary.http.BearerAuth;
import io.tributary.http.ContractValidation;
import io.tributary.lake.Lake;
import io.tributary.query.QueryService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

import java.nio.file.Path;
import java.util.UUID;

/**
 * The dashboard feature on one HttpServerVerticle instance: its routes, share links, exports and
 * {@code /ws/analytics}. Configured by the {@code dashboard} section ({@code max_rows}, {@code export_ttl_seconds},
 * {@code export_timeout_ms}); what it needs of datasets, streams and flags comes through
 * {@link DashboardChecks.Lookups}.
 */
public final class Dashboards {

  /** How often expired exports are removed. */
  static final long SWEEP_EVERY_MS = 300_000;

  private final DashboardRoutes routes;
  private final ShareRoutes shares;
  private final ExportRoutes exports;
  private final AnalyticsSockets sockets;

  public Dashboards(Vertx vertx, Pool pool, QueryService queries, DashboardChecks.Lookups lookups, BearerAuth auth,
                    StreamSockets streams, JsonObject config, Path dataDir, OwnerCache<JsonObject> readable) {
    DashboardRepository repository = new DashboardRepository(pool, readable);
    DashboardData data = new DashboardData(vertx, queries, config.getInteger("max_rows", 100_000),
      config.getLong("reply_cache_bytes", 33_554_432L));
    this.routes = new DashboardRoutes(repository, new DashboardChecks(queries, lookups), data);
    this.shares = new ShareRoutes(repository, data, lookups);
    this.exports = new ExportRoutes(vertx, repository, data, Lake.of(vertx, dataDir), config, lookups);
    this.sockets = new AnalyticsSockets(vertx, repository, data, lookups, auth, streams);
    vertx.setPeriodic(SWEEP_EVERY_MS, id -> exports.sweep());
  }

  /** Routes that need no login: shared dashboards and export downloads (before the token check). */
  public void mountPublic(Router router) {
    shares.mountPublic(router);
    exports.mountPublic(router);
  }

  public void mount(Router router, ContractValidation contract) {
    routes.mount(router, contract);
    shares.mount(router, contract);
    exports.mount(router, contract);
  }

  public void mountSockets(Router router) {
    sockets.mount(router);
  }

  /** A dataset of this owner (null: of anyone) changed. */
  public void changed(UUID owner) {
    sockets.changed(owner);
  }
}
