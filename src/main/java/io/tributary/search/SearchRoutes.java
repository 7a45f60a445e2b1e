package io.tributary.search;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.db.ChangeFeed;
import io.tributary.http.Caller;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.tributary.llm.EmbeddingsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code GET /api/v1/search?q=&type=&limit=&mode=}: the catalog (names, descriptions, tags, column names and profile
 * facts such as "high nulls") of everything the caller can see, own and shared. Keyword search in PostgreSQL;
 * {@code mode=hybrid} fuses it with the nearest documents by embedding ({@code search.embeddings.url}) by
 * reciprocal-rank fusion, and without an endpoint, or when it fails, answers the keyword search and says why. The
 * keyword ranking comes from {@link SearchCache} when it holds it, else from the in-memory catalog
 * ({@link SearchIndex}), else from the SQL.
 */
public final class SearchRoutes {

  /** Announces, with a user's id, that their search results may have changed (migration V20). */
  public static final String CHANGES_CHANNEL = "tributary_search_changes";
  static final Set<String> TYPES = Set.of("dataset", "column", "collection", "dashboard");
  static final int MAX_QUERY = 500;
  /** How many of each ranking are fused. */
  static final int FUSION_DEPTH = 50;

  private final SearchRepository repository;
  private final SearchCache keywords;
  private final EmbeddingsClient embeddings;
  private final double minSimilarity;
  private final int maxCandidates;

  /**
   * @param changes the feed of {@link #CHANGES_CHANNEL} that keeps the keyword cache ({@code search.cache}) current;
   *                null: no cache
   * @param index   the in-memory catalog that answers what the cache does not hold; null: the SQL
   */
  public SearchRoutes(Vertx vertx, Pool pool, JsonObject config, ChangeFeed changes, SearchIndex index) {
    JsonObject search = config == null ? new JsonObject() : config;
    JsonObject cfg = search.getJsonObject("embeddings", new JsonObject());
    this.repository = new SearchRepository(vertx, pool);
    this.keywords = new SearchCache(vertx, pool, repository, index, changes,
      search.getJsonObject("cache", new JsonObject()));
    this.embeddings = new EmbeddingsClient(vertx, cfg);
    this.minSimilarity = cfg.getDouble("min_similarity", 0.25);
    this.maxCandidates = cfg.getInteger("max_candidates", 5_000);
  }

  public void mount(Router router) {
    router.get("/api/v1/search").handler(this::search);
  }

  private void search(RoutingContext ctx) {
    String q = ctx.queryParams().get("q");
    if (q == null || q.isBlank()) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "q is required: the words to look for",
        new JsonObject().put("field", "q"));
    }
    if (q.length() > MAX_QUERY) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "q is longer than " + MAX_QUERY + " characters",
        new JsonObject().put("field", "q"));
    }
    String type = ctx.queryParams().get("type");
    if (type != null && !type.isBlank() && !TYPES.contains(type)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "type must be one of dataset, column, collection, dashboard",
        new JsonObject().put("field", "type"));
    }
    String mode = ctx.queryParams().get("mode") == null ? "keyword" : ctx.queryParams().get("mode");
    if (!mode.equals("keyword") && !mode.equals("hybrid")) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "mode must be keyword or hybrid",
        new JsonObject().put("field", "mode"));
    }
    int limit = Params.intQuery(ctx, "limit", 20, 1, 100);
    UUID user = Caller.of(ctx).id();
    String kind = type == null || type.isBlank() ? null : type;
    String words = q.trim();
    Future<JsonObject> reply = mode.equals("keyword")
      ? keywords.search(user, words, kind, limit).map(items -> keyword(items))
      : hybrid(user, words, kind, limit);
    reply.onSuccess(r -> Json.ok(ctx, r.put("query", q))).onFailure(ctx::fail);
  }

  private static JsonObject keyword(JsonArray items) {
    return new JsonObject().put("mode", "keyword").put("items", items);
  }

  /** Both rankings fused; the keyword search alone, saying why, when there is no embedding of the query. */
  private Future<JsonObject> hybrid(UUID user, String q, String kind, int limit) {
    int depth = Math.max(limit, FUSION_DEPTH);
    Future<JsonArray> ranked = keywords.search(user, q, kind, depth);
    if (!embeddings.configured()) {
      return ranked.map(items -> fellBack(items, limit,
        "no embeddings endpoint is configured (search.embeddings.url)"));
    }
    Future<JsonArray> semantic = embeddings.embed(List.of(q))
      .compose(v -> repository.semantic(user, kind, embeddings.model(), v[0], minSimilarity, maxCandidates, depth));
    return Future.join(ranked, semantic).transform(done -> {
      if (ranked.failed()) {
        return Future.failedFuture(ranked.cause());
      }
      if (semantic.failed()) {
        return Future.succeededFuture(fellBack(ranked.result(), limit, reason(semantic.cause())));
      }
      return Future.succeededFuture(new JsonObject().put("mode", "hybrid")
        .put("items", Fusion.fuse(ranked.result(), semantic.result(), limit)));
    });
  }

  private static String reason(Throwable err) {
    return err instanceof io.tributary.llm.OpenAiEndpoint.EndpointFailure
      ? "the embeddings endpoint " + err.getMessage()
      : "the semantic search failed (" + err.getMessage() + ")";
  }

  private static JsonObject fellBack(JsonArray items, int limit, String why) {
    JsonArray top = new JsonArray(items.getList().subList(0, Math.min(limit, items.size())));
    return keyword(top).put("requested_mode", "hybrid").put("fallback", "fell back to keywords: " + why);
  }
}
