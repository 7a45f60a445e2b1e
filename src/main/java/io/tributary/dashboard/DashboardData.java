package io.tributary.dashboard;

import io.tributary.bus.ApiException;
import io.tributary.dashboard.render.RowDownsampler;
import io.tributary.http.Gzip;
import io.tributary.query.QueryCache;
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

  private static final String UNCACHED = "uncached:";
  private static final int DERIVED_PREFIX = QueryCache.derivedKey(List.of()).lastIndexOf(':') + 1;

  private final Vertx vertx;
  private final QueryService queries;
  private final int maxRows;
  private final ReplyCache near;

  /** @param nearBytes bytes of compressed warm replies kept in this process (0: none, every load asks Redis) */
  DashboardData(Vertx vertx, QueryService queries, int maxRows, long nearBytes) {
    this.vertx = vertx;
    this.queries = queries;
    this.maxRows = maxRows;
    this.near = new ReplyCache(nearBytes);
  }

  /** A reply of {@code GET .../data}: {@code body} null when the client's copy is current ({@code etag} matched). */
  record Reply(String etag, Buffer body, boolean gzip) {
  }

  /**
   * The data of every visualization for a chart area {@code width} pixels wide (the dashboard's 12 columns), encoded:
   * a cached reply is sent as Redis holds it, never parsed.
   */
  Future<Buffer> of(JsonObject dashboard, int width) {
    return parts(dashboard, width).compose(parts -> queries.derived(parts).compose(hit -> hit != null
      ? Future.succeededFuture(hit) : load(dashboard, width, parts, false)));
  }

  /**
   * {@link #of} for a client: nothing but the ETag when {@code ifNoneMatch} names the current data (the ETag is made
   * of the dashboard's version, the width and every query's result key, so it changes exactly when the data may),
   * else the body; a warm reply is kept gzip-compressed and sent so to clients that accept it (browsers do), which
   * moves a tenth of the bytes and compresses nothing per request.
   */
  Future<Reply> reply(JsonObject dashboard, int width, boolean acceptsGzip, String ifNoneMatch) {
    return parts(dashboard, width).compose(parts -> {
      boolean cacheable = parts.stream().noneMatch(p -> p.startsWith(UNCACHED));
      String etag = cacheable ? "\"" + QueryCache.derivedKey(parts).substring(DERIVED_PREFIX) + "\"" : null;
      if (etag != null && etag.equals(ifNoneMatch)) {
        return Future.succeededFuture(new Reply(etag, null, false));
      }
      Buffer local = etag == null ? null : near.get(etag);
      if (local != null) {
        return compressed(etag, local, acceptsGzip);
      }
      List<String> gzipped = new ArrayList<>(parts);
      gzipped.add("gzip");
      return queries.derived(gzipped).compose(hit -> {
        if (hit == null) {
          return load(dashboard, width, parts, true).map(body -> new Reply(etag, body, false));
        }
        near.put(etag, hit);
        return compressed(etag, hit, acceptsGzip);
      });
    });
  }

  private Future<Reply> compressed(String etag, Buffer gzip, boolean acceptsGzip) {
    return acceptsGzip ? Future.succeededFuture(new Reply(etag, gzip, true))
      : vertx.executeBlocking(() -> new Reply(etag, Gzip.decode(gzip), false), false);
  }

  /** The cache key parts of a dashboard's data at a width: its version and every query's result key. */
  private Future<List<String>> parts(JsonObject dashboard, int width) {
    UUID owner = UUID.fromString(dashboard.getString("owner_id"));
    List<String> sqls = new ArrayList<>();
    dashboard.getJsonArray("visualizations").forEach(v -> sqls.add(((JsonObject) v).getString("query")));
    return queries.cacheKeys(owner, sqls, maxRows).otherwise(err -> {
      List<String> uncached = new ArrayList<>();
      sqls.forEach(sql -> uncached.add(UNCACHED + UUID.randomUUID()));
      return uncached;
    }).map(keys -> {
      List<String> parts = new ArrayList<>(List.of("dashboard", dashboard.getString("dashboard_id"),
        String.valueOf(dashboard.getInteger("version")), Integer.toString(width)));
      parts.addAll(keys);
      return parts;
    });
  }

  /**
   * Computes the data and answers it; when every query answered, also caches it as later loads will see it, under
   * {@code parts} (plain) or, for {@code gzip}, under {@code parts + "gzip"} compressed.
   */
  private Future<Buffer> load(JsonObject dashboard, int width, List<String> parts, boolean gzip) {
    UUID owner = UUID.fromString(dashboard.getString("owner_id"));
    return compute(dashboard, owner, width).compose(reply -> vertx.executeBlocking(() -> {
      boolean whole = reply.getJsonArray("visualizations").stream()
        .noneMatch(v -> ((JsonObject) v).containsKey("error"));
      Buffer later = null;
      if (whole) {
        later = cached(reply.copy()).toBuffer();
        if (gzip) {
          later = Gzip.encode(later);
        }
      }
      return new Buffer[] {reply.toBuffer(), later};
    }, false)).map(encoded -> {
      if (encoded[1] != null) {
        List<String> key = new ArrayList<>(parts);
        if (gzip) {
          key.add("gzip");
        }
        queries.derived(key, encoded[1]);
      }
      return encoded[0];
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
