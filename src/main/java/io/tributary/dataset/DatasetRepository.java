package io.tributary.dataset;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.UUID;

/** Read access to a user's datasets and profiles. Every query is scoped by owner. */
public final class DatasetRepository {

  static final String COLUMNS = "id, name, status, source_type, kind, row_count, column_count, size_bytes, schema, "
    + "file_path, version, description, created_at, updated_at";
  static final String PARTS = "SELECT file_path FROM stream_parts WHERE dataset_id = $1 ORDER BY created_at, id";
  static final String LIST = "SELECT " + COLUMNS + " FROM datasets WHERE owner_id = $1 AND status <> 'failed' "
    + "ORDER BY created_at DESC, id LIMIT $2 OFFSET $3";
  static final String FIND = "SELECT " + COLUMNS + " FROM datasets WHERE id = $1 AND owner_id = $2 AND status <> 'failed'";
  static final String PROFILE = "SELECT d.status, p.profile FROM datasets d LEFT JOIN profiles p ON p.dataset_id = d.id "
    + "WHERE d.id = $1 AND d.owner_id = $2 AND d.status <> 'failed'";

  /** A dataset is shared with a user through a collection they are a viewer or editor of. */
  static final String SHARED_WITH = "EXISTS (SELECT 1 FROM collection_items ci JOIN collection_shares cs "
    + "ON cs.collection_id = ci.collection_id WHERE ci.item_type = 'dataset' AND ci.item_id = d.id AND cs.user_id = $2)";
  static final String FIND_SHARED = "SELECT " + COLUMNS + " FROM datasets d WHERE d.id = $1 AND d.status <> 'failed' "
    + "AND " + SHARED_WITH;
  static final String PROFILE_SHARED = "SELECT d.status, p.profile FROM datasets d LEFT JOIN profiles p "
    + "ON p.dataset_id = d.id WHERE d.id = $1 AND d.status <> 'failed' AND " + SHARED_WITH;

  static final String LOCK_FOR_DELETE = "SELECT d.file_path, d.name, d.version, EXISTS (SELECT 1 FROM jobs j WHERE j.dataset_id = d.id "
    + "AND j.status IN ('queued', 'processing')) AS busy FROM datasets d "
    + "WHERE d.id = $1 AND d.owner_id = $2 AND d.status <> 'failed' FOR UPDATE";
  static final String DELETE = "DELETE FROM datasets WHERE id = $1";

  /** What deleting a dataset found. */
  public enum Deletion { DELETED, NOT_FOUND, BUSY }

  private final Pool pool;

  public DatasetRepository(Pool pool) {
    this.pool = pool;
  }

  /** Up to {@code limit} of the owner's datasets from {@code offset}, newest first. */
  public Future<JsonArray> list(UUID ownerId, int limit, int offset) {
    return pool.preparedQuery(LIST).execute(Tuple.of(ownerId, limit, offset)).map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(row -> items.add(toJson(row)));
      return items;
    });
  }

  /** The owner's dataset (with internal {@code file_path}), or null. */
  public Future<JsonObject> find(UUID id, UUID ownerId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(id, ownerId))
      .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next())
        .put("file_path", rows.iterator().next().getString("file_path")));
  }

  /** A dataset shared with the user through a collection (with internal {@code file_path}), or null. Never cached. */
  public Future<JsonObject> findShared(UUID id, UUID userId) {
    return pool.preparedQuery(FIND_SHARED).execute(Tuple.of(id, userId))
      .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next())
        .put("file_path", rows.iterator().next().getString("file_path")));
  }

  /** The user's own dataset or one shared with them (read access only), or null. */
  public Future<JsonObject> readable(UUID id, UUID userId) {
    return find(id, userId).compose(own -> own != null ? Future.succeededFuture(own) : findShared(id, userId));
  }

  /** {@code {status, profile}} of a dataset shared with the user, or null. */
  public Future<JsonObject> profileShared(UUID id, UUID userId) {
    return pool.preparedQuery(PROFILE_SHARED).execute(Tuple.of(id, userId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new JsonObject().put("status", row.getString("status")).put("profile", row.getJsonObject("profile"));
    });
  }

  /** The registered part files of a stream dataset (lake paths), oldest first. */
  public Future<java.util.List<String>> parts(UUID datasetId) {
    return pool.preparedQuery(PARTS).execute(Tuple.of(datasetId)).map(rows -> {
      java.util.List<String> out = new java.util.ArrayList<>();
      rows.forEach(r -> out.add(r.getString(0)));
      return out;
    });
  }

  /** {@code {status, profile}} of the owner's dataset (profile null until ready), or null when not found. */
  public Future<JsonObject> profile(UUID id, UUID ownerId) {
    return pool.preparedQuery(PROFILE).execute(Tuple.of(id, ownerId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new JsonObject().put("status", row.getString("status")).put("profile", row.getJsonObject("profile"));
    });
  }

  /** Registers datasets whose empty files are written, in one transaction (all or none). */
  public Future<Void> createEmpty(UUID ownerId, List<EmptyDatasets.Planned> planned, AuditEvent who) {
    return pool.withTransaction(conn -> {
      Future<Void> chain = Future.succeededFuture();
      for (EmptyDatasets.Planned d : planned) {
        chain = chain.compose(v -> EmptyDatasets.register(conn, ownerId, d, who));
      }
      return chain;
    });
  }

  /**
   * Deletes the owner's dataset with its profile and job history, unless an upload of it is still in flight.
   * The files are the caller's to remove.
   */
  public Future<Deletion> delete(UUID id, UUID ownerId, AuditEvent who) {
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_FOR_DELETE).execute(Tuple.of(id, ownerId))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture(Deletion.NOT_FOUND);
        }
        if (rows.iterator().next().getBoolean("busy")) {
          return Future.succeededFuture(Deletion.BUSY);
        }
        Row row = rows.iterator().next();
        return conn.preparedQuery(DELETE).execute(Tuple.of(id))
          .compose(r -> AuditLog.record(conn, who.as("dataset.deleted", "dataset", id, new JsonObject()
            .put("name", row.getString("name")).put("version", row.getInteger("version")), null)))
          .map(Deletion.DELETED);
      }));
  }

  private static JsonObject toJson(Row row) {
    return new JsonObject()
      .put("dataset_id", row.getUUID("id").toString())
      .put("name", row.getString("name"))
      .put("status", row.getString("status"))
      .put("source_type", row.getString("source_type"))
      .put("kind", row.getString("kind"))
      .put("row_count", row.getLong("row_count"))
      .put("column_count", row.getInteger("column_count"))
      .put("size_bytes", row.getLong("size_bytes"))
      .put("schema", row.getJsonArray("schema") == null ? new JsonArray() : row.getJsonArray("schema"))
      .put("version", row.getInteger("version"))
      .put("description", row.getString("description"))
      .put("created_at", row.getOffsetDateTime("created_at").toInstant().toString())
      .put("updated_at", row.getOffsetDateTime("updated_at").toInstant().toString());
  }
}
