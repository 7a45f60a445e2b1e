package io.tributary.dashboard;

import io.tributary.bus.ApiException;
import io.tributary.dashboard.render.RowDownsampler;
import io.tributary.query.QueryService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Every visualization's data of a dashboard: its query run through the query engine and its cache (in parallel,
 * as the dashboard's owner), long line and scatter series downsampled to the requested width, a failing query
 * reported in its own entry without failing the others. The whole reply is cached under a key made of the
 * dashboard's version, the width and every query's result key, so it is computed again only when a dataset it
 * reads gets a new version or the dashboard changes.
 */
final class DashboardData {

  /** Pixel height a visualization row stands for (the web app's grid). */
  static final int ROW_PX = 80;

  private final Vertx vertx;
  private final QueryService queries;
  private final int maxRows;

  DashboardData(Vertx vertx, QueryService queries, int maxRows) {
    this.vertx = vertx;
    this.queries = queries;
    this.maxRows = maxRows;
  }

  /**
   * The data of every visualization for a chart area {@code width} pixels wide (the dashboard's 12 columns), encoded:
   * a cached reply is sent as Redis holds it, never parsed.
   */
  Future<Buffer> of(JsonObject dashboard, int width) {
    UUID owner = UUID.fromString(dashboard.getString("owner_id"));
    JsonArray vizzes = dashboard.getJsonArray("visualizations");
    List<Future<String>> keys = new ArrayList<>();
    vizzes.forEach(v -> keys.add(queries.cacheKey(owner, ((JsonObject) v).getString("query"), maxRows)
      .otherwise(err -> "uncached:" + UUID.randomUUID())));
    return Future.all(keys).compose(done -> {
      List<String> parts = new ArrayList<>(List.of("dashboard", dashboard.getString("dashboard_id"),
        String.valueOf(dashboard.getInteger("version")), Integer.toString(width)));
      keys.forEach(k -> parts.add(k.result()));
      return queries.derived(parts).compose(hit -> hit != null ? Future.succeededFuture(hit)
        : compute(dashboard, owner, width).compose(reply -> vertx.executeBlocking(() -> {
          boolean whole = reply.getJsonArray("visualizations").stream()
            .noneMatch(v -> ((JsonObject) v).containsKey("error"));
          // the reply now, and (when every query answered) as later loads will see it from the cache
          return new Buffer[] {reply.toBuffer(), whole ? cached(reply.copy()).toBuffer() : null};
        }, false)).map(encoded -> {
          if (encoded[1] != null) {
            queries.derived(parts, encoded[1]);
          }
          return encoded[0];
        }));
    });
  }

  /** Runs every query (no downsampling when {@code width} is 0); for exports and the cached reply. */
  Future<JsonObject> compute(JsonObject dashboard, UUID owner, int width) {
    JsonArray vizzes = dashboard.getJsonArray("visualizations");
    List<Future<JsonObject>> results = new ArrayList<>();
    for (Object o : vizzes) {
      JsonObject viz = (JsonObject) o;
      // decoding and downsampling up to max_rows rows is CPU work: off the event loop
      results.add(queries.run(owner, viz.getString("query"), maxRows)
        .compose(result -> vertx.executeBlocking(() -> shape(viz, result, width), false))
        .otherwise(err -> {
          ApiException failure = ApiException.of(err);
          return new JsonObject().put("viz_id", viz.getString("viz_id")).put("error", new JsonObject()
            .put("code", failure.code().name()).put("message", failure.getMessage()));
        }));
    }
    return Future.join(results).map(done -> {
      JsonArray out = new JsonArray();
      results.forEach(r -> out.add(r.result()));
      return new JsonObject().put("dashboard_id", dashboard.getString("dashboard_id"))
        .put("generated_at", Instant.now().toString()).put("width", width).put("visualizations", out);
    });
  }

  private static JsonObject shape(JsonObject viz, QueryService.Result result, int width) {
    JsonObject data = result.json().toJsonObject();
    data.remove("execution_time_ms");
    if (width > 0) {
      JsonObject position = viz.getJsonObject("position");
      int vizWidth = Math.max(1, width * position.getInteger("width", 12) / 12);
      int vizHeight = Math.max(1, position.getInteger("height", 4) * ROW_PX);
      data = RowDownsampler.apply(viz, data, vizWidth, vizHeight);
    }
    JsonObject out = new JsonObject().put("viz_id", viz.getString("viz_id"));
    out.mergeIn(data);
    if (!out.containsKey("downsampled")) {
      out.put("downsampled", null);
    }
    return out.put("cached", result.cached());
  }

  private static JsonObject cached(JsonObject reply) {
    reply.getJsonArray("visualizations").forEach(v -> ((JsonObject) v).put("cached", true));
    return reply;
  }
}
