package io.tributary.search;

import io.tributary.db.ChangeFeed;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The catalog of one HTTP verticle instance in memory ({@link Catalog}), so a keyword search costs one small
 * statement instead of the ranking SQL. PostgreSQL stays the source of truth: the catalog is loaded at start (and
 * again whenever its feed reconnects, as changes may have been missed), and every change to {@code search_documents}
 * is announced on {@value #DOCUMENTS_CHANNEL} with the id of the dataset, collection or dashboard whose documents
 * changed (migration V22), whose documents are then read again. A search first waits for the feed to have delivered
 * every change committed before it ({@link ChangeFeed#sync}) and for those documents to be read, then reads what is
 * shared with the caller and the query's {@code websearch_to_tsquery} in one statement: tenancy is as fresh as the
 * SQL path's. Answers null (use the SQL) while not loaded, or for a query it does not evaluate ({@link TsQuery}).
 * Event-loop confined.
 */
public final class SearchIndex {

  /** Announces the id of each dataset, collection or dashboard whose search documents changed (migration V22). */
  static final String DOCUMENTS_CHANNEL = "tributary_search_documents";
  private static final Logger LOG = LoggerFactory.getLogger(SearchIndex.class);
  private static final String COLUMNS = "SELECT kind, id, ordinal, owner_id, name, parent, detail, tsv::text AS tsv "
    + "FROM search_documents";
  static final String LOAD = COLUMNS + " LIMIT $1";
  static final String BY_IDS = COLUMNS + " WHERE id = ANY($1)";
  /** The query's tsquery, what is shared with the caller ($1), and the owners whose changes change their results. */
  static final String PREPARE = "WITH " + SearchRepository.SHARED + " SELECT websearch_to_tsquery('english', $2)::text, "
    + "ARRAY(SELECT id FROM shared), ARRAY(" + SearchCache.SHARING_OWNERS + ")";

  /** A ranking and every owner whose change may change it. */
  record Result(JsonArray items, Set<UUID> owners) {
  }

  private record Waiter(long upto, Promise<Void> done) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final ChangeFeed feed;
  private final int maxDocuments;
  private final Map<String, String> intern = new ConcurrentHashMap<>();
  private Catalog catalog;
  private long generation;
  private final Set<UUID> pending = new LinkedHashSet<>();
  private long notified;
  private long applied;
  private boolean reading;
  private boolean closed;
  private final List<Waiter> waiters = new ArrayList<>();

  /** @param cfg {@code search.index}: {@code enabled} (true) and {@code max_documents} (1,000,000) */
  public SearchIndex(Vertx vertx, Pool pool, String pgUrl, JsonObject cfg) {
    this.vertx = vertx;
    this.pool = pool;
    this.maxDocuments = cfg.getInteger("max_documents", 1_000_000);
    this.feed = cfg.getBoolean("enabled", true) ? new ChangeFeed(vertx, pgUrl, DOCUMENTS_CHANNEL) : null;
    if (feed != null) {
      feed.onReset(this::reset);
      feed.onChange(this::changed);
    }
  }

  public Future<Void> start() {
    return feed == null ? Future.succeededFuture() : feed.start();
  }

  public Future<Void> close() {
    closed = true;
    return feed == null ? Future.succeededFuture() : feed.close();
  }

  /** Documents held, or -1 while not loaded. */
  public int size() {
    return catalog == null ? -1 : catalog.size();
  }

  /** The ranking of {@link SearchRepository#search}, or null: not loaded, or a query for the SQL. */
  Future<Result> search(UUID user, String q, String kind, int limit) {
    if (catalog == null) {
      return Future.succeededFuture();
    }
    return feed.sync().compose(v -> settled()).compose(v -> pool.preparedQuery(PREPARE).execute(Tuple.of(user, q)))
      .map(rows -> {
        Row r = rows.iterator().next();
        TsQuery tsq = TsQuery.parse(r.getString(0));
        if (tsq == null || catalog == null) {
          return null;
        }
        Set<UUID> shared = new HashSet<>(List.of(r.getArrayOfUUIDs(1)));
        Set<UUID> owners = new HashSet<>(List.of(r.getArrayOfUUIDs(2)));
        owners.add(user);
        return new Result(catalog.search(user, shared, q, tsq, kind, limit), owners);
      })
      .recover(err -> {
        LOG.debug("In-memory search not used: {}", err.getMessage());
        return Future.succeededFuture();
      });
  }

  /** Completes once the documents of every change delivered so far are read. */
  private Future<Void> settled() {
    if (applied >= notified) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    waiters.add(new Waiter(notified, done));
    return done.future();
  }

  private void changed(UUID id) {
    if (id == null) {
      reset();
      return;
    }
    if (catalog == null && !loading()) {
      return;
    }
    pending.add(id);
    notified++;
    readPending();
  }

  private boolean loading() {
    return feed != null && generation > 0 && catalog == null;
  }

  /** Reads the documents of the pending ids again, one batch at a time. */
  private void readPending() {
    if (reading || pending.isEmpty() || catalog == null) {
      return;
    }
    List<UUID> ids = new ArrayList<>(pending);
    pending.clear();
    long upto = notified;
    long gen = generation;
    reading = true;
    pool.preparedQuery(BY_IDS).execute(Tuple.of(ids.toArray(new UUID[0])))
      .compose(rows -> vertx.executeBlocking(() -> docs(rows), false))
      .onComplete(ar -> {
        reading = false;
        if (gen != generation) {
          return;
        }
        if (ar.failed()) {
          LOG.warn("Search index: reading changed documents failed ({}); loading it again", ar.cause().getMessage());
          reset();
          return;
        }
        ids.forEach(catalog::remove);
        ar.result().forEach(catalog::add);
        applied = upto;
        waiters.removeIf(w -> {
          if (w.upto() <= applied) {
            w.done().complete();
            return true;
          }
          return false;
        });
        readPending();
      });
  }

  private List<CatalogDoc> docs(RowSet<Row> rows) {
    List<CatalogDoc> docs = new ArrayList<>(rows.size());
    for (Row r : rows) {
      docs.add(new CatalogDoc(r.getString(0), r.getUUID(1), r.getInteger(2), r.getUUID(3), r.getString(4),
        r.getString(5), r.getString(6), r.getString(7), intern));
    }
    return docs;
  }

  /** Forgets everything (the feed (re)connected: changes may have been missed) and loads the catalog again. */
  private void reset() {
    long gen = ++generation;
    if (closed) {
      return;
    }
    catalog = null;
    pending.clear();
    notified = 0;
    applied = 0;
    waiters.forEach(w -> w.done().tryFail("the search index is loading again"));
    waiters.clear();
    long start = System.nanoTime();
    pool.preparedQuery(LOAD).execute(Tuple.of(maxDocuments + 1))
      .compose(rows -> vertx.executeBlocking(() -> {
        if (rows.size() > maxDocuments) {
          return null;
        }
        Catalog loaded = new Catalog();
        docs(rows).forEach(loaded::add);
        return loaded;
      }, false))
      .onComplete(ar -> {
        if (gen != generation) {
          return;
        }
        if (ar.failed()) {
          LOG.warn("Search index not loaded ({}); searches run in PostgreSQL until the feed reconnects",
            ar.cause().getMessage());
        } else if (ar.result() == null) {
          LOG.warn("Search index off: more than {} search documents (search.index.max_documents)", maxDocuments);
          generation = 0;
        } else {
          catalog = ar.result();
          LOG.info("Search index loaded: {} documents in {} ms", catalog.size(), (System.nanoTime() - start) / 1_000_000);
          readPending();
        }
      });
  }
}
