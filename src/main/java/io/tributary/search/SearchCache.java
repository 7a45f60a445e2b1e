package io.tributary.search;

import io.tributary.db.ChangeFeed;
import io.tributary.db.OwnerCache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The keyword rankings of one HTTP verticle instance, per caller, query, type and limit, kept until anything the
 * caller can see changes: the feed of {@code tributary_search_changes} (migration V20) names the caller when their
 * documents or shares change, and the owner of anything shared with them when that changes, and each search first
 * waits for the feed to have applied what was committed before it ({@link ChangeFeed#sync}), so a revoked share is
 * gone from the very next search. Event-loop confined; bypassed while the feed is not listening. The rankings are shared: callers must not
 * change them.
 */
final class SearchCache {

  /** The owners of the collections shared with the caller ($1): whose changes may change what they see. */
  static final String SHARING_OWNERS = "SELECT DISTINCT c.owner_id FROM collection_shares cs "
    + "JOIN collections c ON c.id = cs.collection_id WHERE cs.user_id = $1";

  private final Pool pool;
  private final SearchRepository repository;
  private final ChangeFeed changes;
  private final OwnerCache<JsonArray> rankings;

  /** @param cfg {@code search.cache}: {@code max_entries} (0: no cache) and {@code max_age_ms} */
  SearchCache(Pool pool, SearchRepository repository, ChangeFeed changes, JsonObject cfg) {
    this.pool = pool;
    this.repository = repository;
    this.changes = changes;
    int maxEntries = cfg.getInteger("max_entries", 10_000);
    this.rankings = changes == null || maxEntries <= 0 ? null
      : new OwnerCache<>(changes, maxEntries, cfg.getLong("max_age_ms", 60_000L));
  }

  /**
   * {@link SearchRepository#search}, from the cache when it holds the same caller, words, type and limit once the
   * feed has applied every change committed before this call (read your writes, on any node); straight from
   * PostgreSQL when the feed is not listening.
   */
  Future<JsonArray> search(UUID user, String q, String kind, int limit) {
    if (rankings == null) {
      return repository.search(user, q, kind, limit);
    }
    return changes.sync().transform(synced -> synced.succeeded() ? cached(user, q, kind, limit)
      : repository.search(user, q, kind, limit));
  }

  private Future<JsonArray> cached(UUID user, String q, String kind, int limit) {
    String key = user + "\n" + kind + "\n" + limit + "\n" + q;
    return rankings.getOwned(key, () -> {
      Future<Set<UUID>> owners = pool.preparedQuery(SHARING_OWNERS).execute(Tuple.of(user)).map(rows -> {
        Set<UUID> all = new HashSet<>();
        all.add(user);
        for (Row r : rows) {
          all.add(r.getUUID(0));
        }
        return all;
      });
      Future<JsonArray> items = repository.search(user, q, kind, limit);
      return Future.all(owners, items).map(done -> new OwnerCache.Owned<>(items.result(), owners.result()));
    });
  }
}
