package io.tributary.search;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.Set;

/**
 * {@code GET /api/v1/search?q=&type=&limit=&mode=}: the catalog (names, descriptions, tags, column names and profile
 * facts such as "high nulls") of everything the caller can see, own and shared. Keyword search in PostgreSQL;
 * {@code mode=hybrid} needs an embeddings endpoint ({@code search.embeddings_url}) and otherwise says it fell back.
 */
public final class SearchRoutes {

  static final Set<String> TYPES = Set.of("dataset", "column", "collection", "dashboard");
  static final int MAX_QUERY = 500;

  private final SearchRepository repository;
  private final String embeddingsUrl;

  public SearchRoutes(Pool pool, JsonObject config) {
    this.repository = new SearchRepository(pool);
    this.embeddingsUrl = config == null ? null : config.getString("embeddings_url");
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
    repository.search(Caller.of(ctx).id(), q.trim(), type == null || type.isBlank() ? null : type, limit)
      .onSuccess(items -> {
        JsonObject reply = new JsonObject().put("query", q).put("mode", "keyword").put("items", items);
        if (mode.equals("hybrid")) {
          reply.put("requested_mode", "hybrid").put("fallback", embeddingsUrl == null
            ? "No embeddings endpoint is configured (search.embeddings_url), so this is a keyword search only"
            : "Semantic matching is not available in this version, so this is a keyword search only");
        }
        Json.ok(ctx, reply);
      }).onFailure(ctx::fail);
  }
}
