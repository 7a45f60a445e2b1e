package io.tributary.search;

import io.tributary.bus.Deadlines;
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
import java.util.concurrent.TimeoutException;

/**
 * The catalog of one HTTP verticle instance in memory ({@link Catalog}), so a keyword search costs one small
 * statement instead of the ranking SQL. PostgreSQL stays the source of truth: the catalog is loaded at start (and
 * again whenever its feed reconnects, as changes may have been missed), and every change to {@code search_documents}
 * is announced on {@value #DOCUMENTS_CHANNEL} with the id of the dataset, collection or dashboard whose documents
 * changed (migration V22), whose documents are then read again. A search waits for the feed to have delivered
 * every change committed before it ({@link ChangeFeed#sync}) and for those documents to be read, while it reads what
 * is shared with the caller and the query's {@code websearch_to_tsquery} in one statement: tenancy is as fresh as
 * the SQL path's. Answers null (use the SQL) while not loaded, for a query it does not evaluate ({@link TsQuery}), and
 * whenever it cannot answer within {@code search.index.wait_ms} (a stalled read or feed round trip: logged, and the
 * SQL answers, so a search always gets a reply). Event-loop confined.
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

  private record Waiter(long upto, Promise<Void> done, long since) {
  }

  /** Changed documents parsed on the event loop; more go to a worker. */
  private static final int INLINE_PARSE = 2_000;
  /** A read of changed documents in flight longer than this is taken as lost: the catalog is loaded again. */
  private static final long STALLED_READ_NS = 30_000_000_000L;

  private final Vertx vertx;
  private final Pool pool;
  private final ChangeFeed feed;
  private final int maxDocuments;
  private final long waitMs;
  private final Map<String, String> intern = new ConcurrentHashMap<>();
  private Catalog catalog;
  private long generation;
  private final Set<UUID> pending = new LinkedHashSet<>();
  private long notified;
  private long applied;
  /** The generation whose read of changed documents is in flight, or 0: none. */
  private long readingGeneration;
  private long readingSince;
  private long lastWarning;
  private boolean closed;
  private final List<Waiter> waiters = new ArrayList<>();

  /**
   * @param cfg {@code search.index}: {@code enabled} (true), {@code max_documents} (1,000,000) and {@code wait_ms}
   *            (1,000: how long a search waits for the catalog before the SQL answers it)
   */
  public SearchIndex(Vertx vertx, Pool pool, String pgUrl, JsonObject cfg) {
    this.vertx = vertx;
    this.pool = pool;
    this.maxDocuments = cfg.getInteger("max_documents", 1_000_000);
    this.waitMs = Math.max(1L, cfg.getLong("wait_ms", 1_000L));
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

  /**
   * The ranking of {@link SearchRepository#search}, or null: not loaded, a query for the SQL, or no answer within
   * {@code wait_ms} (logged with the catalog's state). Never fails, never waits longer than that.
   */
  Future<Result> search(UUID user, String q, String kind, int limit) {
    if (catalog == null) {
      return Future.succeededFuture();
    }
    long gen = generation;
    // the feed's round trip and the statement side by side: the statement's snapshot is taken after this call, so
    // it sees every share committed before it, and the catalog is searched only once both are back
    Future<RowSet<Row>> prepared = pool.preparedQuery(PREPARE).execute(Tuple.of(user, q));
    Future<Result> answer = Future.all(feed.sync().compose(v -> settled()), prepared)
      .map(both -> {
        Row r = prepared.result().iterator().next();
        TsQuery tsq = TsQuery.parse(r.getString(0));
        if (tsq == null || catalog == null || gen != generation) {
          return null;
        }
        Set<UUID> shared = new HashSet<>(List.of(r.getArrayOfUUIDs(1)));
        Set<UUID> owners = new HashSet<>(List.of(r.getArrayOfUUIDs(2)));
        owners.add(user);
        return new Result(catalog.search(user, shared, q, tsq, kind, limit), owners);
      });
    return Deadlines.within(vertx, answer, waitMs, "the search index")
      .recover(err -> {
        if (err instanceof TimeoutException) {
          timedOut();
        } else {
          LOG.debug("In-memory search not used: {}", err.getMessage());
        }
        return Future.succeededFuture();
      });
  }


  /**
   * A search gave up waiting: says why (at most every 10 s), lets go of the searches that waited as long, and loads
   * the catalog again if a read of changed documents seems lost.
   */
  private void timedOut() {
    long now = System.nanoTime();
    if (lastWarning == 0 || now - lastWarning > 10_000_000_000L) {
      lastWarning = now;
      LOG.warn("In-memory search gave no answer within {} ms ({}); the SQL answers it", waitMs, state());
    }
    waiters.removeIf(w -> {
      if (now - w.since() >= waitMs * 1_000_000) {
        w.done().tryFail("waited " + waitMs + " ms for the search index");
        return true;
      }
      return false;
    });
    if (readingGeneration != 0 && now - readingSince > STALLED_READ_NS) {
      LOG.warn("Search index: a read of changed documents has not answered in {} s; loading it again",
        (now - readingSince) / 1_000_000_000);
      reset();
    }
  }

  /** What a search may be waiting for, for the log. */
  String state() {
    return "catalog " + (catalog == null ? "not loaded" : catalog.size() + " documents") + ", " + (notified - applied)
      + " changes not read yet, " + pending.size() + " ids pending, " + (readingGeneration == 0 ? "no read in flight"
      : "a read in flight for " + (System.nanoTime() - readingSince) / 1_000_000 + " ms") + ", " + waiters.size()
      + " searches waiting";
  }

  /** Completes once the documents of every change delivered so far are read. */
  private Future<Void> settled() {
    if (applied >= notified) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    waiters.add(new Waiter(notified, done, System.nanoTime()));
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

  /**
   * Reads the documents of the pending ids again, one batch at a time. A read belongs to the generation it started
   * in: one that outlives a reload neither applies nor blocks the reads of the new catalog.
   */
  private void readPending() {
    if (readingGeneration == generation || pending.isEmpty() || catalog == null) {
      return;
    }
    List<UUID> ids = new ArrayList<>(pending);
    pending.clear();
    long upto = notified;
    long gen = generation;
    readingGeneration = gen;
    readingSince = System.nanoTime();
    pool.preparedQuery(BY_IDS).execute(Tuple.of(ids.toArray(new UUID[0])))
      // a few documents are parsed here (microseconds): a search waiting for them must not queue behind whatever
      // else holds the shared worker pool; a large batch (a bulk load) goes to a worker
      .compose(rows -> rows.size() <= INLINE_PARSE ? Future.succeededFuture(docs(rows))
        : vertx.executeBlocking(() -> docs(rows), false))
      .onComplete(ar -> {
        if (gen != generation) {
          return;
        }
        readingGeneration = 0;
        if (ar.failed()) {
          LOG.warn("Search index: reading changed documents failed ({}); loading it again", ar.cause().getMessage());
          reset();
          return;
        }
        try {
          ids.forEach(catalog::remove);
          ar.result().forEach(catalog::add);
        } catch (RuntimeException e) {
          LOG.warn("Search index: applying changed documents failed; loading it again", e);
          reset();
          return;
        }
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
    readingGeneration = 0;
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
