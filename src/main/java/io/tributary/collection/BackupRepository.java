package io.tributary.collection;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.dataset.DatasetStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Every SQL statement of backups and restores: what a backup reads of a collection, the {@code backups} table, and
 * the one transaction that makes a restored collection and its datasets visible together.
 */
final class BackupRepository {

  static final String OWNED = "SELECT id, name, description, tags, version FROM collections WHERE id = $1 AND owner_id = $2";
  /** Which of collection $1's items (i) and their datasets (d) a backup holds. */
  private static final String BACKED_UP = "i.collection_id = $1 AND i.item_type = 'dataset' AND d.status = 'ready' "
    + "AND (d.file_path IS NOT NULL OR EXISTS (SELECT 1 FROM stream_parts s WHERE s.dataset_id = d.id))";
  /**
   * The member datasets a backup holds: the ready ones with data, as a query reads them: the part files a stream
   * wrote ({@code parts}, oldest first) when there are any, else the dataset's file.
   */
  static final String DATASETS = "SELECT d.id, d.name, d.kind, d.source_type, d.row_count, d.column_count, "
    + "d.size_bytes, d.schema, d.file_path, p.profile, (SELECT array_agg(s.file_path ORDER BY s.created_at, s.id) "
    + "FROM stream_parts s WHERE s.dataset_id = d.id) AS parts FROM collection_items i JOIN datasets d "
    + "ON d.id = i.item_id LEFT JOIN profiles p ON p.dataset_id = d.id WHERE " + BACKED_UP + " ORDER BY d.name, d.id";
  static final String ITEMS = "SELECT item_type, item_id FROM collection_items WHERE collection_id = $1 "
    + "ORDER BY item_type, item_id";
  /** Owner $2's dashboards in collection $1 or drawing one of the datasets its backup holds. */
  static final String DASHBOARDS = "SELECT b.id, b.name, b.description, b.refresh_seconds, b.layout, b.visualizations, "
    + "m.item_id IS NOT NULL AS member FROM dashboards b LEFT JOIN collection_items m ON m.collection_id = $1 "
    + "AND m.item_type = 'dashboard' AND m.item_id = b.id WHERE b.owner_id = $2 AND (m.item_id IS NOT NULL OR EXISTS "
    + "(SELECT 1 FROM jsonb_array_elements(b.visualizations) v JOIN collection_items i ON i.item_id::text = "
    + "v->>'dataset_id' JOIN datasets d ON d.id = i.item_id WHERE " + BACKED_UP + ")) ORDER BY b.name, b.id";
  static final String INSERT = "INSERT INTO backups (id, owner_id, job_id, collection_id, collection_name, schema_only, "
    + "file_path) VALUES ($1, $2, $3, $4, $5, $6, $7)";
  static final String FINISH = "UPDATE backups SET size_bytes = $2, dataset_count = $3, row_count = $4 "
    + "WHERE id = $1";
  static final String COLUMNS = "b.id, b.job_id, b.collection_id, b.collection_name, b.schema_only, b.file_path, "
    + "b.size_bytes, b.dataset_count, b.row_count, b.created_at, j.status AS job_status, j.error";
  static final String LIST = "SELECT " + COLUMNS + " FROM backups b JOIN jobs j ON j.id = b.job_id "
    + "WHERE b.owner_id = $1 ORDER BY b.created_at DESC, b.id LIMIT $2 OFFSET $3";
  static final String FIND = "SELECT " + COLUMNS + " FROM backups b JOIN jobs j ON j.id = b.job_id "
    + "WHERE b.id = $1 AND b.owner_id = $2";
  static final String DELETE = "DELETE FROM backups WHERE id = $1 AND owner_id = $2";
  static final String SET_STAGING = "UPDATE jobs SET staging_path = $2 WHERE id = $1";
  static final String BY_NAME = "SELECT id, version FROM collections WHERE owner_id = $1 AND name = $2";
  static final String LOCK_BY_NAME = BY_NAME + " FOR UPDATE";
  /** The datasets of a collection that a restore over it may replace (the owner's ready files). */
  static final String MEMBER_DATASETS = "SELECT d.id, d.name, d.row_count, d.size_bytes, d.schema "
    + "FROM collection_items i JOIN datasets d ON d.id = i.item_id WHERE i.collection_id = $1 "
    + "AND i.item_type = 'dataset' AND d.owner_id = $2 AND d.status = 'ready' AND d.kind = 'file' ORDER BY d.name";
  static final String DATASET_NAMES = "SELECT name FROM datasets WHERE owner_id = $1 AND status <> 'failed'";
  static final String INSERT_ITEM = "INSERT INTO collection_items (collection_id, item_type, item_id) VALUES ($1, $2, $3) "
    + "ON CONFLICT DO NOTHING";
  static final String DATASET_ITEMS = "SELECT item_id FROM collection_items WHERE collection_id = $1 "
    + "AND item_type = 'dataset'";
  static final String DELETE_DATASET_ITEMS = "DELETE FROM collection_items WHERE collection_id = $1 "
    + "AND item_type = 'dataset'";

  /** One dataset a restore makes visible: new ({@code replaces} null) or a new version of {@code replaces}. */
  record Restored(UUID id, String name, String originalName, String file, long rows, long sizeBytes, JsonArray schema,
                  JsonObject profile, String sourceType, boolean replaces) {
    JsonObject toJson() {
      return new JsonObject().put("dataset_id", id.toString()).put("name", name).put("original_name", originalName)
        .put("row_count", rows).put("size_bytes", sizeBytes).put("replaced", replaces);
    }
  }

  private final Pool pool;

  BackupRepository(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /** The caller's own collection, or 404. */
  Future<JsonObject> owned(UUID id, UUID ownerId) {
    return pool.preparedQuery(OWNED).execute(Tuple.of(id, ownerId)).compose(rows -> rows.size() == 0
      ? Future.failedFuture(ApiException.notFound("Collection"))
      : Future.succeededFuture(collection(rows.iterator().next())));
  }

  /**
   * The caller's own collection (404 otherwise) and what its manifest lists: {@code {collection, datasets:[row as
   * JSON], items:[{type, id}], dashboards:[...]}}. The four queries run at once, on their own connections: a backup's
   * fixed cost is mostly round trips.
   */
  Future<JsonObject> contents(UUID collectionId, UUID ownerId) {
    Tuple both = Tuple.of(collectionId, ownerId);
    Future<JsonObject> collection = owned(collectionId, ownerId);
    Future<JsonArray> datasets = pool.preparedQuery(DATASETS).execute(Tuple.of(collectionId)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(new JsonObject().put("id", r.getUUID("id").toString())
        .put("name", r.getString("name")).put("source_type", r.getString("source_type"))
        .put("row_count", r.getLong("row_count")).put("column_count", r.getInteger("column_count"))
        .put("size_bytes", r.getLong("size_bytes")).put("schema", r.getJsonArray("schema"))
        .put("file_path", r.getString("file_path")).put("profile", r.getJsonObject("profile"))
        .put("kind", r.getString("kind")).put("parts", parts(r))));
      return out;
    });
    Future<JsonArray> items = pool.preparedQuery(ITEMS).execute(Tuple.of(collectionId)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(new JsonObject().put("type", r.getString("item_type"))
        .put("id", r.getUUID("item_id").toString())));
      return out;
    });
    Future<JsonArray> dashboards = pool.preparedQuery(DASHBOARDS).execute(both).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(new JsonObject().put("id", r.getUUID("id").toString())
        .put("name", r.getString("name")).put("description", r.getString("description"))
        .put("refresh_seconds", r.getInteger("refresh_seconds")).put("layout", r.getJsonObject("layout"))
        .put("visualizations", r.getJsonArray("visualizations")).put("member", r.getBoolean("member"))));
      return out;
    });
    return Future.all(collection, datasets, items, dashboards).map(all -> new JsonObject()
      .put("collection", collection.result()).put("datasets", datasets.result()).put("items", items.result())
      .put("dashboards", dashboards.result()));
  }

  Future<Void> insert(SqlClient conn, UUID id, UUID ownerId, UUID jobId, JsonObject collection, boolean schemaOnly,
                      String file) {
    return conn.preparedQuery(INSERT).execute(Tuple.of(id, ownerId, jobId, UUID.fromString(collection
      .getString("collection_id")), collection.getString("name"), schemaOnly, file)).mapEmpty();
  }

  Future<Void> finish(UUID id, long bytes, int datasets, long rows) {
    return pool.preparedQuery(FINISH).execute(Tuple.of(id, bytes, datasets, rows)).mapEmpty();
  }

  Future<JsonArray> list(UUID ownerId, int limit, int offset) {
    return pool.preparedQuery(LIST).execute(Tuple.of(ownerId, limit, offset)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(toJson(r)));
      return out;
    });
  }

  /** The caller's backup, or null. */
  Future<JsonObject> find(UUID id, UUID ownerId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(id, ownerId))
      .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  /** Removes the row (with its audit event); its file is the caller's to delete. */
  Future<Void> delete(UUID id, UUID ownerId, AuditEvent who) {
    return pool.withTransaction(conn -> conn.preparedQuery(DELETE).execute(Tuple.of(id, ownerId))
      .compose(r -> AuditLog.record(conn, who)).mapEmpty());
  }

  /** The owner's collection of that name ({@code id}, {@code version}), or null. */
  Future<Row> byName(SqlClient conn, UUID ownerId, String name, boolean lock) {
    return conn.preparedQuery(lock ? LOCK_BY_NAME : BY_NAME).execute(Tuple.of(ownerId, name))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** The datasets of a collection that a restore over it replaces when names match. */
  Future<List<Row>> memberDatasets(SqlClient conn, UUID collectionId, UUID ownerId) {
    return conn.preparedQuery(MEMBER_DATASETS).execute(Tuple.of(collectionId, ownerId)).map(rows -> {
      List<Row> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    });
  }

  /** The owner's dashboards that are members of the collection ({@code id, name}). */
  Future<List<Row>> memberDashboards(UUID collectionId, UUID ownerId) {
    return pool.preparedQuery(RestoredDashboards.MEMBERS).execute(Tuple.of(collectionId, ownerId)).map(rows -> {
      List<Row> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    });
  }

  /** The names of the owner's live datasets. */
  Future<Set<String>> datasetNames(UUID ownerId) {
    return pool.preparedQuery(DATASET_NAMES).execute(Tuple.of(ownerId)).map(rows -> {
      Set<String> out = new HashSet<>();
      rows.forEach(r -> out.add(r.getString(0)));
      return out;
    });
  }

  /**
   * The restore's one transaction: the collection (new at version 1, or over {@code existing} as its next version,
   * its dataset members replaced), the datasets (new, or new versions of same-named members) with their profiles,
   * and their audit events. A name taken meanwhile is 409. The statements that do not need an answer go out together
   * (the connection pipelines them, in order) and the audit events are appended in one batch at the end, in the
   * order of the changes: a restore's fixed cost was mostly round trips. @return the collection's id, version, and
   * the files the new versions replaced
   */
  Future<JsonObject> register(UUID ownerId, JsonObject collection, String name, UUID planned, List<Restored> datasets,
                              List<RestoredDashboards.Planned> dashboards, AuditEvent who) {
    return pool.withTransaction(conn -> byName(conn, ownerId, name, true).compose(existing -> {
      if ((existing == null) != (planned == null)
        || existing != null && !existing.getUUID("id").equals(planned)) {
        return Future.failedFuture(new ApiException(ErrorCode.COLLECTION_EXISTS, "The collection " + name
          + " was created or deleted while the restore ran; nothing was restored", new JsonObject().put("name", name)));
      }
      Contents contents = new Contents(datasets, dashboards);
      List<AuditEvent> events = new ArrayList<>();
      return (existing == null ? create(conn, ownerId, collection, name, contents, who, events)
        : replace(conn, ownerId, existing, contents, who, events))
        .compose(done -> {
          events.add(who.as(who.action(), CollectionEvents.RESOURCE, done.getString("collection_id"), null,
            who.after().copy().put("name", name).put("version", done.getInteger("version"))
              .put("datasets", datasets.size()).put("dashboards", dashboards.size())
              .put("rows", datasets.stream().mapToLong(Restored::rows).sum())));
          return AuditLog.recordAll(conn, events).map(done);
        });
    })).recover(e -> Future.failedFuture(unique(e, name)));
  }

  private Future<JsonObject> create(SqlConnection conn, UUID ownerId, JsonObject collection, String name,
                                    Contents datasets, AuditEvent who, List<AuditEvent> events) {
    UUID id = UUID.randomUUID();
    JsonArray tags = collection.getJsonArray("tags", new JsonArray());
    String description = collection.getString("description");
    Future<?> inserted = conn.preparedQuery(CollectionRepository.INSERT).execute(Tuple.of(id, ownerId, name,
      description, tags.stream().map(String::valueOf).toArray(String[]::new)));
    events.add(who.as(CollectionEvents.CREATED, CollectionEvents.RESOURCE, id, null, new JsonObject().put("name", name)
      .put("description", description).put("tags", tags).put("version", 1).put("owner_id", ownerId.toString())));
    return datasets(conn, ownerId, id, 1, datasets, who, events, List.of(inserted))
      .map(replaced -> new JsonObject().put("collection_id", id.toString()).put("version", 1)
        .put("replaced_files", replaced).put("created", true));
  }

  private Future<JsonObject> replace(SqlConnection conn, UUID ownerId, Row existing, Contents datasets,
                                     AuditEvent who, List<AuditEvent> events) {
    UUID id = existing.getUUID("id");
    int expected = existing.getInteger("version");
    Future<io.vertx.sqlclient.RowSet<Row>> bumped = conn.preparedQuery(CollectionRepository.BUMP)
      .execute(Tuple.of(id, expected));
    Future<io.vertx.sqlclient.RowSet<Row>> items = conn.preparedQuery(DATASET_ITEMS).execute(Tuple.of(id));
    return Future.all(bumped, items).compose(both -> {
      int version = bumped.result().iterator().next().getInteger("version");
      for (Row item : items.result()) {
        events.add(who.as(CollectionEvents.ITEM_REMOVED, CollectionEvents.RESOURCE, id, null, new JsonObject()
          .put("type", "dataset").put("id", item.getUUID("item_id").toString()).put("version", version)));
      }
      Future<?> removed = conn.preparedQuery(DELETE_DATASET_ITEMS).execute(Tuple.of(id));
      return datasets(conn, ownerId, id, version, datasets, who, events, List.of(removed))
        .map(files -> new JsonObject().put("collection_id", id.toString()).put("version", version)
          .put("replaced_files", files).put("created", false));
    });
  }

  /** What a restore registers. */
  private record Contents(List<Restored> datasets, List<RestoredDashboards.Planned> dashboards) {
  }

  /**
   * Registers each dataset and adds it to the collection, all statements at once after {@code before} (pipelined on
   * the connection, in order); then the dashboards. Their audit events go to {@code events}. @return the files new
   * versions replaced
   */
  private Future<JsonArray> datasets(SqlConnection conn, UUID ownerId, UUID collectionId, int version,
                                     Contents contents, AuditEvent who, List<AuditEvent> events,
                                     List<Future<?>> before) {
    List<Future<?>> statements = new ArrayList<>(before);
    List<Future<String>> replacing = new ArrayList<>();
    for (Restored d : contents.datasets()) {
      if (!d.replaces()) {
        statements.add(DatasetStore.insertUpload(conn, d.id(), ownerId, d.name(), d.sourceType()));
        events.add(who.as("dataset.created", "dataset", d.id(), null,
          new JsonObject().put("name", d.name()).put("restored_from", d.originalName())));
      }
      Future<String> ready = DatasetStore.markReady(conn, d.id(), d.rows(), d.schema(), d.sizeBytes(), d.file(),
        d.sourceType());
      replacing.add(ready);
      statements.add(ready);
      if (d.profile() != null) {
        statements.add(DatasetStore.putProfile(conn, d.id(), d.profile()));
      }
      statements.add(conn.preparedQuery(INSERT_ITEM).execute(Tuple.of(collectionId, "dataset", d.id())));
      events.add(who.as(CollectionEvents.ITEM_ADDED, CollectionEvents.RESOURCE, collectionId, null,
        new JsonObject().put("type", "dataset").put("id", d.id().toString()).put("version", version)));
    }
    return Future.all(statements)
      .compose(v -> RestoredDashboards.register(conn, ownerId, collectionId, version, contents.dashboards(), who,
        events))
      .map(v -> {
        JsonArray replaced = new JsonArray();
        replacing.stream().map(Future::result).filter(java.util.Objects::nonNull).forEach(replaced::add);
        return replaced;
      });
  }

  private static Throwable unique(Throwable e, String name) {
    if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      boolean dataset = pg.getConstraint() != null && pg.getConstraint().equals(DatasetStore.UNIQUE_NAME);
      return new ApiException(dataset ? ErrorCode.DATASET_EXISTS : ErrorCode.COLLECTION_EXISTS, dataset
        ? "A dataset name was taken while the restore ran; nothing was restored, retry it"
        : "You already have a collection named " + name + "; nothing was restored", new JsonObject().put("name", name));
    }
    return e;
  }

  private static JsonArray parts(Row r) {
    String[] parts = r.getArrayOfStrings("parts");
    return parts == null ? new JsonArray() : new JsonArray(List.of(parts));
  }

  /** What a manifest keeps of a collection. */
  private static JsonObject collection(Row r) {
    JsonArray tags = new JsonArray();
    String[] stored = r.getArrayOfStrings("tags");
    if (stored != null) {
      for (String t : stored) {
        tags.add(t);
      }
    }
    return new JsonObject().put("collection_id", r.getUUID("id").toString()).put("name", r.getString("name"))
      .put("description", r.getString("description")).put("tags", tags).put("version", r.getInteger("version"));
  }

  static JsonObject toJson(Row r) {
    String status = switch (r.getString("job_status")) {
      case "completed" -> "ready";
      case "failed" -> "failed";
      default -> "running";
    };
    return new JsonObject().put("backup_id", r.getUUID("id").toString()).put("job_id", r.getUUID("job_id").toString())
      .put("collection_id", r.getUUID("collection_id").toString()).put("collection_name", r.getString("collection_name"))
      .put("schema_only", r.getBoolean("schema_only")).put("status", status).put("error", r.getString("error"))
      .put("size_bytes", r.getLong("size_bytes")).put("dataset_count", r.getInteger("dataset_count"))
      .put("row_count", r.getLong("row_count"))
      .put("created_at", r.getOffsetDateTime("created_at").toInstant().toString());
  }
}
