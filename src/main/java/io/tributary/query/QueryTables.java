package io.tributary.query;

import io.tributary.db.OwnerCache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Path;
import java.util.UUID;

/**
 * The caller's ready datasets as query tables: {@code [{name, files, version, dataset_id}]}; the ready datasets of
 * the collections the caller owns or that are shared with them are tables {@code <collection>.<dataset>}.
 */
public final class QueryTables {

  static final String SELECT = "SELECT d.id, d.name, d.version, d.file_path, "
    + "(SELECT array_agg(p.file_path ORDER BY p.created_at, p.id) FROM stream_parts p WHERE p.dataset_id = d.id) AS parts "
    + "FROM datasets d ";
  static final String READY = SELECT + "WHERE d.owner_id = $1 AND d.status = 'ready' ORDER BY d.name";

  private final Pool pool;
  private final Path dataDir;
  private final OwnerCache<JsonArray> cache;

  /** @param cache where lookups by name are kept until the owner's datasets change; null: always ask PostgreSQL */
  public QueryTables(Pool pool, Path dataDir, OwnerCache<JsonArray> cache) {
    this.pool = pool;
    this.dataDir = dataDir;
    this.cache = cache;
  }

  static final String READY_NAMED = SELECT + "WHERE d.owner_id = $1 AND d.status = 'ready' AND d.name = ANY($2) "
    + "ORDER BY d.name";

  /** All of the owner's ready datasets. */
  public Future<JsonArray> of(UUID ownerId) {
    return pool.preparedQuery(READY).execute(Tuple.of(ownerId)).map(this::tables);
  }

  /**
   * The owner's ready datasets whose names occur in the SQL text (every word of it is a candidate, so this is
   * a superset of the tables it reads): one indexed lookup of a few rows, kept in the cache until the owner's
   * datasets change. The array is shared with the cache: callers read it (the event bus copies it on send).
   */
  public Future<JsonArray> mentionedIn(UUID ownerId, String sql) {
    String[] names = SqlText.identifiers(sql).stream().map(n -> n.toLowerCase(java.util.Locale.ROOT))
      .distinct().sorted().toArray(String[]::new);
    java.util.function.Supplier<Future<JsonArray>> load = () -> pool.preparedQuery(READY_NAMED)
      .execute(Tuple.tuple().addUUID(ownerId).addArrayOfString(names)).map(this::tables);
    if (cache == null) {
      return load.get();
    }
    return cache.get("tables:" + ownerId + ":" + String.join(",", names), ownerId, load);
  }

  /**
   * Datasets of the caller's collections and of those shared with them, one per {@code <collection>.<dataset>}
   * (the caller's own collection first when two share a name). Cached as the caller's entry: every change to a
   * collection, its items or shares, or to a dataset in it is announced to each of its readers (migration V21).
   */
  static final String COLLECTED = "SELECT c.name AS collection, d.id, d.owner_id, d.name, d.version, d.file_path, "
    + "(SELECT array_agg(p.file_path ORDER BY p.created_at, p.id) FROM stream_parts p WHERE p.dataset_id = d.id) AS parts "
    + "FROM collections c JOIN collection_items i ON i.collection_id = c.id AND i.item_type = 'dataset' "
    + "JOIN datasets d ON d.id = i.item_id AND d.owner_id = c.owner_id AND d.status = 'ready' "
    + "WHERE (c.owner_id = $1 OR EXISTS (SELECT 1 FROM collection_shares s WHERE s.collection_id = c.id "
    + "AND s.user_id = $1)) ORDER BY (c.owner_id = $1) DESC, c.created_at, c.id, d.name";
  /** Schema names DuckDB resolves itself: a collection of such a name is not reachable in SQL. */
  static final java.util.Set<String> RESERVED_SCHEMAS = java.util.Set.of("main", "memory", "temp", "system",
    "information_schema", "pg_catalog");

  /**
   * What a query of the caller may read: {@code {tables, shared_dirs}}, the tables the text may name (own datasets
   * and {@code <collection>.<dataset>}) and the folders of every dataset shared with the caller by others.
   */
  public Future<JsonObject> scope(UUID userId, String sql) {
    return scopes(userId, java.util.List.of(sql)).map(all -> all.get(0));
  }

  /**
   * {@link #scope} of several queries of one caller (a dashboard's): the collections they may read are looked up
   * once for all of them.
   */
  public Future<java.util.List<JsonObject>> scopes(UUID userId, java.util.List<String> sqls) {
    java.util.List<Future<JsonArray>> owned = new java.util.ArrayList<>();
    sqls.forEach(sql -> owned.add(mentionedIn(userId, sql)));
    return Future.all(owned).compose(done -> collected(userId)).map(collected -> {
      java.util.List<JsonObject> scopes = new java.util.ArrayList<>();
      for (int i = 0; i < sqls.size(); i++) {
        scopes.add(scope(userId, sqls.get(i), owned.get(i).result(), collected));
      }
      return scopes;
    });
  }

  /** {@link #COLLECTED} of the caller: {@code [{collection, owner_id, id, name, table}]} ({@code table} null: no file). */
  private Future<JsonArray> collected(UUID userId) {
    java.util.function.Supplier<Future<JsonArray>> load = () -> pool.preparedQuery(COLLECTED).execute(Tuple.of(userId))
      .map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(row -> out.add(new JsonObject().put("collection", row.getString("collection"))
          .put("owner_id", row.getUUID("owner_id").toString()).put("id", row.getUUID("id").toString())
          .put("name", row.getString("name")).put("table", table(row))));
        return out;
      });
    return cache == null ? load.get() : cache.get("collected:" + userId, userId, load);
  }

  private JsonObject scope(UUID userId, String sql, JsonArray own, JsonArray collected) {
    java.util.Set<String> words = SqlText.identifiers(sql).stream().map(n -> n.toLowerCase(java.util.Locale.ROOT))
      .collect(java.util.stream.Collectors.toSet());
    JsonArray tables = own.copy();
    java.util.Set<String> seen = new java.util.HashSet<>();
    java.util.TreeSet<String> dirs = new java.util.TreeSet<>();
    for (Object o : collected) {
      JsonObject item = (JsonObject) o;
      String owner = item.getString("owner_id");
      if (!owner.equals(userId.toString())) {
        dirs.add(dataDir.resolve(io.tributary.lake.LakePaths.datasetDir(owner, item.getString("id"))).toString());
      }
      String collection = item.getString("collection");
      String name = collection + "." + item.getString("name");
      JsonObject table = item.getJsonObject("table");
      if (!RESERVED_SCHEMAS.contains(collection) && seen.add(name) && words.contains(collection)
        && words.contains(item.getString("name")) && table != null) {
        tables.add(table.copy().put("name", name));
      }
    }
    return new JsonObject().put("tables", tables).put("shared_dirs", new JsonArray(new java.util.ArrayList<>(dirs)));
  }

  private JsonArray tables(io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> rows) {
    JsonArray tables = new JsonArray();
    rows.forEach(row -> {
      JsonObject table = table(row);
      if (table != null) {
        tables.add(table);
      }
    });
    return tables;
  }

  /** One dataset row as a query table, or null when it has no file yet. */
  private JsonObject table(io.vertx.sqlclient.Row row) {
    JsonArray files = new JsonArray();
    String[] parts = row.getArrayOfStrings("parts");
    if (parts != null && parts.length > 0) {
      for (String part : parts) {
        files.add(dataDir.resolve(part).toString());
      }
    } else if (row.getString("file_path") != null) {
      files.add(dataDir.resolve(row.getString("file_path")).toString());
    }
    if (files.isEmpty()) {
      return null;
    }
    return new JsonObject()
      .put("name", row.getString("name"))
      .put("files", files)
      .put("version", row.getInteger("version"))
      .put("dataset_id", row.getUUID("id").toString());
  }


  /** The node's data directory (the lake, or its cache). */
  public Path dataDir() {
    return dataDir;
  }

  /** The folder that holds every dataset of the owner (the query sandbox may read only below it). */
  public String userDir(UUID ownerId) {
    return dataDir.resolve("datasets").resolve(ownerId.toString()).toString();
  }
}
