package io.tributary.collection;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * Every SQL statement of collections. A change runs in one transaction: the caller's access, the version check as a
 * conditional {@code UPDATE ... WHERE version = $n} (so two writers of the same version cannot both succeed), the
 * change itself and its audit event.
 */
final class CollectionRepository {

  static final String COLUMNS = "c.id, c.owner_id, c.name, c.description, c.tags, c.version, c.created_at, c.updated_at";
  /** The collection with the caller's access: owner, or the role of a share. */
  static final String FIND = "SELECT " + COLUMNS + ", u.email AS owner_email, "
    + "CASE WHEN c.owner_id = $2 THEN 'owner' ELSE s.role END AS access FROM collections c "
    + "JOIN users u ON u.id = c.owner_id "
    + "LEFT JOIN collection_shares s ON s.collection_id = c.id AND s.user_id = $2 "
    + "WHERE c.id = $1 AND (c.owner_id = $2 OR s.user_id IS NOT NULL)";
  static final String INSERT = "INSERT INTO collections (id, owner_id, name, description, tags) "
    + "VALUES ($1, $2, $3, $4, $5)";
  static final String LIST = "SELECT " + COLUMNS + ", u.email AS owner_email, "
    + "CASE WHEN c.owner_id = $1 THEN 'owner' ELSE s.role END AS access, "
    + "(SELECT count(*) FROM collection_items i WHERE i.collection_id = c.id) AS item_count FROM collections c "
    + "JOIN users u ON u.id = c.owner_id "
    + "LEFT JOIN collection_shares s ON s.collection_id = c.id AND s.user_id = $1 "
    + "WHERE (c.owner_id = $1 OR s.user_id IS NOT NULL) AND ($2::text IS NULL OR c.name LIKE $2 ESCAPE '\\') "
    + "AND ($3::text IS NULL OR $3 = ANY (c.tags)) ORDER BY c.name, c.id LIMIT $4 OFFSET $5";
  /** The only way a version moves: exactly one writer of a version wins. */
  static final String BUMP = "UPDATE collections SET version = version + 1, updated_at = now() "
    + "WHERE id = $1 AND version = $2 RETURNING version";
  static final String CURRENT_VERSION = "SELECT version FROM collections WHERE id = $1";
  static final String UPDATE = "UPDATE collections SET name = $2, description = $3, tags = $4 WHERE id = $1";
  static final String DELETE = "DELETE FROM collections WHERE id = $1";
  static final String MEMBERS = "SELECT i.item_type, i.item_id, i.added_at, "
    + "coalesce(d.name, s.name, b.name) AS name, coalesce(d.status, sd.status) AS status, "
    + "coalesce(d.kind, sd.kind) AS kind, coalesce(d.row_count, sd.row_count) AS row_count, "
    + "coalesce(d.size_bytes, sd.size_bytes) AS size_bytes, coalesce(d.schema, sd.schema) AS schema "
    + "FROM collection_items i "
    + "LEFT JOIN datasets d ON i.item_type = 'dataset' AND d.id = i.item_id AND d.status <> 'failed' "
    + "LEFT JOIN streams s ON i.item_type = 'stream' AND s.id = i.item_id "
    + "LEFT JOIN datasets sd ON sd.id = s.dataset_id "
    + "LEFT JOIN dashboards b ON i.item_type = 'dashboard' AND b.id = i.item_id "
    + "WHERE i.collection_id = $1 ORDER BY i.added_at, i.item_type, i.item_id";
  static final String SHARES = "SELECT s.user_id, u.email, s.role, s.granted_at FROM collection_shares s "
    + "JOIN users u ON u.id = s.user_id WHERE s.collection_id = $1 ORDER BY lower(u.email)";
  static final String HISTORY = "SELECT * FROM audit_events WHERE resource_type = 'collection' AND resource_id = $1 "
    + "ORDER BY id LIMIT $2 OFFSET $3";

  /** One change of a collection, run inside its transaction after the version moved to {@code version}. */
  @FunctionalInterface
  interface Change {
    /** Applies the change and records its audit events; returns the reply. */
    Future<JsonObject> apply(SqlConnection conn, JsonObject current, int version);
  }

  private final Pool pool;

  CollectionRepository(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /** What else a new collection gets in its creating transaction (its members, from a template). */
  @FunctionalInterface
  interface Setup {
    Future<Void> apply(SqlConnection conn, UUID collectionId);
  }

  /** Creates the collection at version 1 with its {@code collection.created} event, then runs {@code setup} (or null). */
  Future<JsonObject> create(UUID ownerId, String name, String description, JsonArray tags, AuditEvent who, Setup setup) {
    UUID id = UUID.randomUUID();
    String[] tagArray = tags.stream().map(String::valueOf).toArray(String[]::new);
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT)
        .execute(Tuple.of(id, ownerId, name, description, tagArray))
        .compose(r -> AuditLog.record(conn, who.as(CollectionEvents.CREATED, CollectionEvents.RESOURCE, id, null,
          new JsonObject().put("name", name).put("description", description).put("tags", tags).put("version", 1)
            .put("owner_id", ownerId.toString()))))
        .compose(v -> setup == null ? Future.<Void>succeededFuture() : setup.apply(conn, id)))
      .recover(e -> Future.failedFuture(unique(e, name)))
      .compose(v -> find(id, ownerId));
  }

  /** The collection as the caller may see it ({@code access} set), or null when they cannot see it. */
  Future<JsonObject> find(UUID id, UUID callerId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(id, callerId))
      .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  Future<JsonArray> list(UUID callerId, String like, String tag, int limit, int offset) {
    return pool.preparedQuery(LIST).execute(Tuple.of(callerId, like, tag, limit, offset)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(toJson(r).put("item_count", r.getLong("item_count"))));
      return out;
    });
  }

  /** Every member link, with name, size and rows where the member still exists ({@code status: deleted} otherwise). */
  Future<JsonArray> members(UUID id) {
    return pool.preparedQuery(MEMBERS).execute(Tuple.of(id)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> {
        String type = r.getString("item_type");
        boolean gone = r.getString("name") == null && !"model".equals(type);
        out.add(new JsonObject().put("type", type).put("id", r.getUUID("item_id").toString())
          .put("name", r.getString("name"))
          .put("status", gone ? "deleted" : r.getString("status") == null ? "ready" : r.getString("status"))
          .put("kind", r.getString("kind"))
          .put("row_count", r.getLong("row_count")).put("size_bytes", r.getLong("size_bytes"))
          .put("column_count", r.getJsonArray("schema") == null ? null : r.getJsonArray("schema").size())
          .put("added_at", r.getOffsetDateTime("added_at").toInstant().toString()));
      });
      return out;
    });
  }

  Future<JsonArray> shares(UUID id) {
    return pool.preparedQuery(SHARES).execute(Tuple.of(id)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(new JsonObject().put("user_id", r.getUUID("user_id").toString())
        .put("email", r.getString("email")).put("role", r.getString("role"))
        .put("granted_at", r.getOffsetDateTime("granted_at").toInstant().toString())));
      return out;
    });
  }

  /** The collection's events, oldest first. */
  Future<JsonArray> history(UUID id, int limit, int offset) {
    return pool.preparedQuery(HISTORY).execute(Tuple.of(id.toString(), limit, offset)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(AuditLog.toJson(r)));
      return out;
    });
  }

  /**
   * Runs {@code change} in one transaction if the caller may ({@code need}) and {@code expected} is the current
   * version: 404 when the caller cannot see the collection, 403 when their role is not enough, 412 with the
   * current version when another change came first.
   */
  Future<JsonObject> change(UUID id, UUID callerId, Integer expected, Access need, String what, Change change) {
    return pool.withTransaction(conn -> conn.preparedQuery(FIND).execute(Tuple.of(id, callerId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(ApiException.notFound("Collection"));
      }
      JsonObject current = toJson(rows.iterator().next());
      Access.of(current.getString("access")).require(need, what);
      int version = current.getInteger("version");
      if (expected != version) {
        return Future.failedFuture(Precondition.stale(version, expected));
      }
      return conn.preparedQuery(BUMP).execute(Tuple.of(id, expected)).compose(bumped -> bumped.size() == 1
        ? change.apply(conn, current, bumped.iterator().next().getInteger("version"))
        : conn.preparedQuery(CURRENT_VERSION).execute(Tuple.of(id)).compose(now -> Future.failedFuture(now.size() == 0
          ? ApiException.notFound("Collection") : Precondition.stale(now.iterator().next().getInteger(0), expected))));
    }));
  }

  /** Renames or describes; the event holds the fields before and after. */
  static Future<Void> update(SqlConnection conn, UUID id, JsonObject next) {
    String[] tags = next.getJsonArray("tags").stream().map(String::valueOf).toArray(String[]::new);
    return conn.preparedQuery(UPDATE).execute(Tuple.of(id, next.getString("name"), next.getString("description"), tags))
      .recover(e -> Future.failedFuture(unique(e, next.getString("name")))).mapEmpty();
  }

  static Future<Void> delete(SqlConnection conn, UUID id) {
    return conn.preparedQuery(DELETE).execute(Tuple.of(id)).mapEmpty();
  }

  private static Throwable unique(Throwable e, String name) {
    if (e instanceof PgException pg && "23505".equals(pg.getSqlState())
      && "collections_owner_name_key".equals(pg.getConstraint())) {
      return new ApiException(ErrorCode.COLLECTION_EXISTS, "You already have a collection named " + name,
        new JsonObject().put("name", name));
    }
    return e;
  }

  static JsonObject toJson(Row r) {
    String[] tags = r.getArrayOfStrings("tags");
    JsonArray tagList = new JsonArray();
    if (tags != null) {
      for (String t : tags) {
        tagList.add(t);
      }
    }
    return new JsonObject()
      .put("collection_id", r.getUUID("id").toString())
      .put("name", r.getString("name"))
      .put("description", r.getString("description"))
      .put("tags", tagList)
      .put("owner_id", r.getUUID("owner_id").toString())
      .put("owner_email", r.getString("owner_email"))
      .put("access", r.getString("access"))
      .put("version", r.getInteger("version"))
      .put("created_at", r.getOffsetDateTime("created_at").toInstant().toString())
      .put("updated_at", r.getOffsetDateTime("updated_at").toInstant().toString());
  }
}
