package io.tributary.search;

import io.tributary.bus.Deadlines;
import io.tributary.db.ChangeFeed;
import io.tributary.db.OwnerCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * The keyword rankings of one HTTP verticle instance, per caller, query, type and limit, kept until anything the
 * caller can see changes: the feed of {@code tributary_search_changes} (migration V20) names the caller when their
 * documents or shares change, and the owner of anything shared with them when that changes, and each search first
 * waits for the feed to have applied what was committed before it ({@link ChangeFeed#sync}), so a revoked share is
 * gone from the very next search. Event-loop confined; bypassed while the feed is not listening. A ranking not held
 * comes from the in-memory catalog ({@link SearchIndex}) when it can answer, else from the SQL. The rankings are
 * shared: callers must not change them.
 */
final class SearchCache {

  /** The owners of the collections shared with the caller ($1): whose changes may change what they see. */
  static final String SHARING_OWNERS = "SELECT DISTINCT c.owner_id FROM collection_shares cs "
    + "JOIN collections c ON c.id = cs.collection_id WHERE cs.user_id = $1";

  private static final Logger LOG = LoggerFactory.getLogger(SearchCache.class);
  private final Vertx vertx;
  private final Pool pool;
  private final SearchRepository repository;
  private final SearchIndex index;
  private final ChangeFeed changes;
  private final OwnerCache<JsonArray> rankings;
  private final long syncWaitMs;

  /**
   * @param index the in-memory catalog, or null: the SQL on every miss
   * @param cfg {@code search.cache}: {@code max_entries} (0: no cache), {@code max_age_ms} and {@code wait_ms} (how
   *            long a search waits for the feed's round trip before it is answered without the cache)
   */
  SearchCache(Vertx vertx, Pool pool, SearchRepository repository, SearchIndex index, ChangeFeed changes,
              JsonObject cfg) {
    this.vertx = vertx;
    this.pool = pool;
    this.repository = repository;
    this.index = index;
    this.changes = changes;
    int maxEntries = cfg.getInteger("max_entries", 10_000);
    this.syncWaitMs = Math.max(1L, cfg.getLong("wait_ms", 1_000L));
    this.rankings = changes == null || maxEntries <= 0 ? null
      : new OwnerCache<>(changes, maxEntries, cfg.getLong("max_age_ms", 60_000L));
  }

  /**
   * {@link SearchRepository#search}, from the cache when it holds the same caller, words, type and limit once the
   * feed has applied every change committed before this call (read your writes, on any node); else from the
   * in-memory catalog or PostgreSQL.
   */
  Future<JsonArray> search(UUID user, String q, String kind, int limit) {
    if (rankings == null) {
      return uncached(user, q, kind, limit).map(SearchIndex.Result::items);
    }
    // a feed that does not answer its round trip in time is not trusted: the catalog or the SQL answers, uncached
    return Deadlines.within(vertx, changes.sync(), syncWaitMs, "the search cache's change feed")
      .transform(synced -> {
        if (synced.succeeded()) {
          return cached(user, q, kind, limit);
        }
        if (synced.cause() instanceof TimeoutException) {
          LOG.warn("Search cache bypassed: its change feed did not answer within {} ms", syncWaitMs);
        }
        return uncached(user, q, kind, limit).map(SearchIndex.Result::items);
      });
  }

  private Future<JsonArray> cached(UUID user, String q, String kind, int limit) {
    String key = user + "\n" + kind + "\n" + limit + "\n" + q;
    return rankings.getOwned(key, () -> uncached(user, q, kind, limit)
      .map(r -> new OwnerCache.Owned<>(r.items(), r.owners())));
  }

  /** The ranking from the in-memory catalog, or from the SQL when the catalog does not answer. */
  private Future<SearchIndex.Result> uncached(UUID user, String q, String kind, int limit) {
    Future<SearchIndex.Result> fromIndex = index == null ? Future.succeededFuture() : index.search(user, q, kind, limit);
    return fromIndex.compose(r -> r != null ? Future.succeededFuture(r) : viaSql(user, q, kind, limit));
  }

  private Future<SearchIndex.Result> viaSql(UUID user, String q, String kind, int limit) {
    Future<Set<UUID>> owners = pool.preparedQuery(SHARING_OWNERS).execute(Tuple.of(user)).map(rows -> {
      Set<UUID> all = new HashSet<>();
      all.add(user);
      for (Row r : rows) {
        all.add(r.getUUID(0));
      }
      return all;
    });
    Future<JsonArray> items = repository.search(user, q, kind, limit);
    return Future.all(owners, items).map(done -> new SearchIndex.Result(items.result(), owners.result()));
  }
}
