package io.tributary.dataset;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.UUID;

/**
 * Every write of the {@code datasets} and {@code profiles} tables. Other features (uploads, streams) call these on
 * the connection of their own transaction, so a dataset changes together with the job or stream batch that changes
 * it; nothing else writes these tables.
 */
public final class DatasetStore {

  static final String INSERT_UPLOAD =
    "INSERT INTO datasets (id, owner_id, name, status, source_type) VALUES ($1, $2, $3, 'pending', $4)";
  static final String INSERT_STREAM = "INSERT INTO datasets (id, owner_id, name, status, source_type, kind, schema) "
    + "VALUES ($1, $2, $3, 'pending', 'stream', 'stream', '[]'::jsonb)";
  static final String LOCK_LIVE_BY_NAME =
    "SELECT id, status FROM datasets WHERE owner_id = $1 AND name = $2 AND status <> 'failed' FOR UPDATE";
  /** Ready, with its new file; a new version when it was ready before. Returns the file it replaces (or null). */
  static final String MARK_READY =
    "UPDATE datasets d SET status = 'ready', row_count = $2, column_count = $3, size_bytes = $4, schema = $5, "
      + "file_path = $6, source_type = $7, updated_at = now(), "
      + "version = CASE WHEN old.status = 'ready' THEN d.version + 1 ELSE d.version END "
      + "FROM (SELECT status, file_path FROM datasets WHERE id = $1 FOR UPDATE) old "
      + "WHERE d.id = $1 RETURNING CASE WHEN old.file_path IS DISTINCT FROM $6 THEN old.file_path END AS replaced";
  /** Only a dataset that never became ready fails with its job; a failed new version leaves the old one. */
  static final String MARK_FAILED =
    "UPDATE datasets SET status = 'failed', updated_at = now() WHERE id = $1 AND status = 'pending'";
  static final String PUT_PROFILE = "INSERT INTO profiles (dataset_id, profile) VALUES ($1, $2) "
    + "ON CONFLICT (dataset_id) DO UPDATE SET profile = EXCLUDED.profile, created_at = now()";
  static final String GROW = "UPDATE datasets SET status = 'ready', version = version + 1, "
    + "row_count = coalesce(row_count, 0) + $2, size_bytes = coalesce(size_bytes, 0) + $3, column_count = $4, "
    + "schema = $5, updated_at = now() WHERE id = $1";
  static final String RESIZE = "UPDATE datasets SET version = version + 1, size_bytes = $2, updated_at = now() "
    + "WHERE id = $1";

  /** Emptied: a new version with a file of no rows and the same schema. Returns the file it replaced. */
  static final String CLEAR = "UPDATE datasets d SET row_count = 0, size_bytes = $3, file_path = $2, "
    + "version = d.version + 1, updated_at = now() FROM (SELECT file_path FROM datasets WHERE id = $1 FOR UPDATE) old "
    + "WHERE d.id = $1 AND d.status = 'ready' AND d.kind = 'file' RETURNING old.file_path AS replaced";

  /** A dataset created from a schema: ready at version 1 with a file of no rows. */
  static final String INSERT_EMPTY = "INSERT INTO datasets (id, owner_id, name, status, source_type, kind, row_count, "
    + "column_count, size_bytes, schema, file_path, description) VALUES ($1, $2, $3, 'ready', 'schema', 'file', 0, $4, $5, "
    + "$6, $7, $8)";
  /** A dataset of the caller (or of a collection they edit) to append to, by id or by the caller's name, locked. */
  static final String LOCK_FOR_APPEND = "SELECT id, owner_id, name, status, kind, schema FROM datasets d "
    + "WHERE d.status <> 'failed' AND CASE WHEN $1::uuid IS NULL THEN d.owner_id = $2 AND d.name = $3 ELSE d.id = $1 END "
    + "AND (d.owner_id = $2 OR EXISTS (SELECT 1 FROM collection_items ci JOIN collection_shares cs "
    + "ON cs.collection_id = ci.collection_id WHERE ci.item_type = 'dataset' AND ci.item_id = d.id AND cs.user_id = $2 "
    + "AND cs.role = 'editor')) FOR UPDATE";
  /** The version an append merges against, locked until its transaction ends. */
  static final String LOCK_BY_ID = "SELECT id, owner_id, name, status, kind, schema, file_path, source_type, version "
    + "FROM datasets WHERE id = $1 AND status <> 'failed' FOR UPDATE";

  /** The owner's live dataset of that name, locked, with whether an upload of it is queued or processing. */
  static final String LOCK_FOR_STREAM = "SELECT d.id, d.name, d.status, d.kind, d.schema, d.row_count, "
    + "EXISTS (SELECT 1 FROM jobs j WHERE j.dataset_id = d.id AND j.status IN ('queued', 'processing')) AS busy, "
    + "EXISTS (SELECT 1 FROM source_imports i WHERE i.dataset_id = d.id) AS imported "
    + "FROM datasets d WHERE d.owner_id = $1 AND d.name = $2 AND d.status <> 'failed' FOR UPDATE OF d";
  /** A file dataset becomes a stream's: its stream fills it from now on. */
  static final String TO_STREAM = "UPDATE datasets SET kind = 'stream', updated_at = now() WHERE id = $1 AND kind = 'file'";

  /** The unique constraint a second dataset of the same owner and name violates. */
  public static final String UNIQUE_NAME = "datasets_owner_name_key";

  private DatasetStore() {
  }

  /** A new dataset of an upload, pending until its job completes. */
  public static Future<Void> insertUpload(SqlClient conn, UUID id, UUID ownerId, String name, String sourceType) {
    return conn.preparedQuery(INSERT_UPLOAD).execute(Tuple.of(id, ownerId, name, sourceType)).mapEmpty();
  }

  /** A new stream dataset, pending until its first batch. */
  public static Future<Void> insertStream(SqlClient conn, UUID id, UUID ownerId, String name) {
    return conn.preparedQuery(INSERT_STREAM).execute(Tuple.of(id, ownerId, name)).mapEmpty();
  }

  /**
   * The owner's live dataset of that name, locked for the transaction, for a stream to fill ({@code id, name, status,
   * kind, schema, row_count, busy, imported}: busy while an upload of it is queued or processing, imported when a
   * database import fills it), or null.
   */
  public static Future<Row> lockForStream(SqlClient conn, UUID ownerId, String name) {
    return conn.preparedQuery(LOCK_FOR_STREAM).execute(Tuple.of(ownerId, name))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** The file dataset becomes kind 'stream' (filled by a stream; uploads no longer append to it, clears skip it). */
  public static Future<Void> toStream(SqlClient conn, UUID id) {
    return conn.preparedQuery(TO_STREAM).execute(Tuple.of(id)).mapEmpty();
  }

  /** The owner's live dataset of that name, locked for the transaction ({@code id}, {@code status}), or null. */
  public static Future<Row> lockLiveByName(SqlClient conn, UUID ownerId, String name) {
    return conn.preparedQuery(LOCK_LIVE_BY_NAME).execute(Tuple.of(ownerId, name))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** A new ready dataset of {@code schema} whose file ({@code emptyFile}, {@code sizeBytes}) has no rows, with its profile. */
  public static Future<Void> insertEmpty(SqlClient conn, UUID id, UUID ownerId, String name, String description,
                                         JsonArray schema, String emptyFile, long sizeBytes) {
    return conn.preparedQuery(INSERT_EMPTY).execute(Tuple.from(new Object[] {id, ownerId, name, schema.size(), sizeBytes,
        schema, emptyFile, description}))
      .compose(r -> putProfile(conn, id, emptyProfile(schema)));
  }

  /**
   * The dataset an append by {@code callerId} goes to, locked: {@code datasetId}, else the caller's dataset named
   * {@code name}; the caller's own or one of a collection they are an editor of. Null when there is none.
   */
  public static Future<Row> lockForAppend(SqlClient conn, UUID datasetId, UUID callerId, String name) {
    return conn.preparedQuery(LOCK_FOR_APPEND).execute(Tuple.of(datasetId, callerId, name))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** The live dataset, locked for the transaction, or null. */
  public static Future<Row> lockById(SqlClient conn, UUID id) {
    return conn.preparedQuery(LOCK_BY_ID).execute(Tuple.of(id))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** The dataset is ready with a new file (a new version when it was ready before); returns the file it replaced. */
  public static Future<String> markReady(SqlClient conn, UUID id, long rows, JsonArray columns, long sizeBytes,
                                         String filePath, String sourceType) {
    return conn.preparedQuery(MARK_READY).execute(Tuple.from(List.of(id, rows, columns.size(), sizeBytes, columns,
        filePath, sourceType)))
      .map(r -> r.size() == 0 ? null : r.iterator().next().getString("replaced"));
  }

  /** A dataset that never became ready fails (a ready one keeps its current version). */
  public static Future<Void> markFailed(SqlClient conn, UUID id) {
    return conn.preparedQuery(MARK_FAILED).execute(Tuple.of(id)).mapEmpty();
  }

  /** Stores (or replaces) the dataset's profile. */
  public static Future<Void> putProfile(SqlClient conn, UUID id, JsonObject profile) {
    return conn.preparedQuery(PUT_PROFILE).execute(Tuple.of(id, profile)).mapEmpty();
  }

  /** A stream dataset grows by a batch: a new version, more rows and bytes, its widened schema. */
  public static Future<Void> grow(SqlClient conn, UUID id, long rows, long sizeBytes, JsonArray schema) {
    return conn.preparedQuery(GROW).execute(Tuple.of(id, rows, sizeBytes, schema.size(), schema)).mapEmpty();
  }

  /**
   * A ready file dataset becomes empty as a new version: {@code emptyFile} (same schema, no rows) replaces its file
   * and its profile says it has no rows. Returns the file it replaced, or null when the dataset was not a ready file.
   */
  public static Future<String> clear(SqlClient conn, UUID id, String emptyFile, long sizeBytes, JsonArray schema) {
    return conn.preparedQuery(CLEAR).execute(Tuple.of(id, emptyFile, sizeBytes)).compose(r -> {
      if (r.size() == 0) {
        return Future.succeededFuture(null);
      }
      String replaced = r.iterator().next().getString("replaced");
      return putProfile(conn, id, emptyProfile(schema)).map(replaced);
    });
  }

  /** The profile of a dataset with these columns and no rows. */
  public static JsonObject emptyProfile(JsonArray schema) {
    JsonArray columns = new JsonArray();
    schema.forEach(c -> {
      JsonObject col = (JsonObject) c;
      columns.add(new JsonObject().put("name", col.getString("name")).put("type", col.getString("type"))
        .put("null_count", 0).put("null_percentage", 0.0).put("unique_count", 0));
    });
    return new JsonObject().put("row_count", 0).put("column_count", schema.size()).put("duplicate_rows", 0)
      .put("quality_score", 1.0).put("columns", columns).put("issues", new JsonArray());
  }

  /** A stream dataset's files were rewritten (same rows): a new version of the given total size. */
  public static Future<Void> resize(SqlClient conn, UUID id, long sizeBytes) {
    return conn.preparedQuery(RESIZE).execute(Tuple.of(id, sizeBytes)).mapEmpty();
  }
}
