package io.tributary.dashboard;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.db.OwnerCache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Dashboards, their share links and exports: every SQL statement of the dashboard feature, scoped by owner. */
final class DashboardRepository {

  static final String COLUMNS = "id, owner_id, name, description, refresh_seconds, layout, visualizations, version, "
    + "created_at, updated_at";
  static final String INSERT = "INSERT INTO dashboards (id, owner_id, name, description, refresh_seconds, layout, "
    + "visualizations) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + COLUMNS;
  static final String FIND = "SELECT " + COLUMNS + " FROM dashboards WHERE id = $1 AND owner_id = $2";
  /** A dashboard in a collection shared with the user. */
  static final String FIND_SHARED = "SELECT " + COLUMNS + " FROM dashboards d WHERE d.id = $1 AND EXISTS (SELECT 1 "
    + "FROM collection_items ci JOIN collection_shares cs ON cs.collection_id = ci.collection_id "
    + "WHERE ci.item_type = 'dashboard' AND ci.item_id = d.id AND cs.user_id = $2)";
  static final String FIND_ANY = "SELECT " + COLUMNS + " FROM dashboards WHERE id = $1";
  static final String LIST = "SELECT id, name, description, jsonb_array_length(visualizations) AS visualization_count, "
    + "updated_at FROM dashboards WHERE owner_id = $1 ORDER BY updated_at DESC, id LIMIT $2 OFFSET $3";
  static final String UPDATE = "UPDATE dashboards SET name = $3, description = $4, refresh_seconds = $5, layout = $6, "
    + "visualizations = $7, version = version + 1, updated_at = now() WHERE id = $1 AND owner_id = $2 RETURNING "
    + COLUMNS;
  static final String DELETE = "DELETE FROM dashboards WHERE id = $1 AND owner_id = $2";

  static final String INSERT_SHARE = "INSERT INTO dashboard_shares (id, dashboard_id, token_hash, expires_at) "
    + "VALUES ($1, $2, $3, $4) RETURNING created_at";
  static final String LIST_SHARES = "SELECT id, created_at, expires_at FROM dashboard_shares WHERE dashboard_id = $1 "
    + "AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) ORDER BY created_at";
  static final String REVOKE_SHARE = "UPDATE dashboard_shares SET revoked_at = now() WHERE id = $1 AND dashboard_id = $2 "
    + "AND revoked_at IS NULL";
  static final String SHARED = "SELECT d.id, d.owner_id, u.tier AS owner_tier FROM dashboard_shares s "
    + "JOIN dashboards d ON d.id = s.dashboard_id JOIN users u ON u.id = d.owner_id WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())";

  static final String INSERT_EXPORT = "INSERT INTO dashboard_exports (id, dashboard_id, owner_id, format, file_path, "
    + "size_bytes, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
  static final String FIND_EXPORT = "SELECT format, file_path, d.name, d.owner_id, u.tier AS owner_tier "
    + "FROM dashboard_exports e JOIN dashboards d ON d.id = e.dashboard_id JOIN users u ON u.id = d.owner_id "
    + "WHERE e.token_hash = $1 AND e.expires_at > now()";
  static final String EXPIRED_EXPORTS = "DELETE FROM dashboard_exports WHERE expires_at < now()";

  private final Pool pool;
  private final OwnerCache<JsonObject> readable;

  /**
   * @param readable where {@link #findReadable} keeps what a user may open until a change announced to them
   *                 (migration V21: the dashboard, or a collection that shares it); null: always ask PostgreSQL
   */
  DashboardRepository(Pool pool, OwnerCache<JsonObject> readable) {
    this.pool = pool;
    this.readable = readable;
  }

  Future<JsonObject> insert(UUID ownerId, JsonObject d) {
    return pool.preparedQuery(INSERT).execute(Tuple.from(new Object[] {UUID.randomUUID(), ownerId, d.getString("name"),
        d.getString("description"), d.getInteger("refresh_seconds"), d.getJsonObject("layout"),
        d.getJsonArray("visualizations")}))
      .map(rows -> toJson(rows.iterator().next()));
  }

  /** The owner's dashboard, or null. */
  Future<JsonObject> find(UUID id, UUID ownerId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(id, ownerId))
      .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  /** The user's dashboard or one shared with them through a collection, or null (the value is shared: read only). */
  Future<JsonObject> findReadable(UUID id, UUID userId) {
    return readable == null ? lookReadable(id, userId)
      : readable.get("dashboard:" + id + ":" + userId, userId, () -> lookReadable(id, userId));
  }

  private Future<JsonObject> lookReadable(UUID id, UUID userId) {
    return find(id, userId).compose(own -> own != null ? Future.succeededFuture(own)
      : pool.preparedQuery(FIND_SHARED).execute(Tuple.of(id, userId))
        .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next())));
  }

  /** A dashboard whatever its owner (for share links, whose token already proved access), or null. */
  Future<JsonObject> findAny(UUID id) {
    return pool.preparedQuery(FIND_ANY).execute(Tuple.of(id))
      .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  Future<JsonArray> list(UUID ownerId, int limit, int offset) {
    return pool.preparedQuery(LIST).execute(Tuple.of(ownerId, limit, offset)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(new JsonObject().put("dashboard_id", r.getUUID("id").toString())
        .put("name", r.getString("name")).put("description", r.getString("description"))
        .put("visualization_count", r.getInteger("visualization_count"))
        .put("updated_at", r.getOffsetDateTime("updated_at").toInstant().toString())));
      return out;
    });
  }

  /** Replaces the owner's dashboard; null when there is none. */
  Future<JsonObject> update(UUID id, UUID ownerId, JsonObject d) {
    return pool.preparedQuery(UPDATE).execute(Tuple.from(new Object[] {id, ownerId, d.getString("name"),
        d.getString("description"), d.getInteger("refresh_seconds"), d.getJsonObject("layout"),
        d.getJsonArray("visualizations")}))
      .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  Future<Boolean> delete(UUID id, UUID ownerId) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(id, ownerId)).map(r -> r.rowCount() > 0);
  }

  /** Stores a share link's token hash; returns its creation time. */
  Future<OffsetDateTime> share(UUID shareId, UUID dashboardId, byte[] tokenHash, OffsetDateTime expiresAt, AuditEvent who) {
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT_SHARE).execute(Tuple.of(shareId, dashboardId,
        io.vertx.core.buffer.Buffer.buffer(tokenHash), expiresAt))
      .compose(rows -> AuditLog.record(conn, who.as("share.granted", "dashboard", dashboardId, null, new JsonObject()
          .put("share_id", shareId.toString()).put("role", "link")
          .put("expires_at", expiresAt == null ? null : expiresAt.toInstant().toString())))
        .map(rows.iterator().next().getOffsetDateTime("created_at"))));
  }

  Future<JsonArray> shares(UUID dashboardId) {
    return pool.preparedQuery(LIST_SHARES).execute(Tuple.of(dashboardId)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(new JsonObject().put("share_id", r.getUUID("id").toString())
        .put("created_at", r.getOffsetDateTime("created_at").toInstant().toString())
        .put("expires_at", r.getOffsetDateTime("expires_at") == null ? null
          : r.getOffsetDateTime("expires_at").toInstant().toString())));
      return out;
    });
  }

  Future<Boolean> revoke(UUID shareId, UUID dashboardId, AuditEvent who) {
    return pool.withTransaction(conn -> conn.preparedQuery(REVOKE_SHARE).execute(Tuple.of(shareId, dashboardId))
      .compose(r -> r.rowCount() == 0 ? Future.succeededFuture(false) : AuditLog.record(conn, who.as("share.revoked",
        "dashboard", dashboardId, new JsonObject().put("share_id", shareId.toString()), null)).map(true)));
  }

  /** {@code {dashboard_id, owner_id}} of a live share token's dashboard, or null. */
  Future<JsonObject> shared(byte[] tokenHash) {
    return pool.preparedQuery(SHARED).execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(tokenHash)))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row row = rows.iterator().next();
        return new JsonObject().put("dashboard_id", row.getUUID("id").toString())
          .put("owner_id", row.getUUID("owner_id").toString()).put("owner_tier", row.getString("owner_tier"));
      });
  }

  Future<Void> export(UUID id, UUID dashboardId, UUID ownerId, String format, String file, long size, byte[] tokenHash,
                      OffsetDateTime expiresAt) {
    return pool.preparedQuery(INSERT_EXPORT).execute(Tuple.from(new Object[] {id, dashboardId, ownerId, format, file,
      size, io.vertx.core.buffer.Buffer.buffer(tokenHash), expiresAt})).mapEmpty();
  }

  /** {@code {format, file_path, name, owner_id, owner_tier}} of an unexpired export, or null. */
  Future<JsonObject> findExport(byte[] tokenHash) {
    return pool.preparedQuery(FIND_EXPORT).execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(tokenHash)))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row row = rows.iterator().next();
        return new JsonObject().put("format", row.getString("format")).put("file_path", row.getString("file_path"))
          .put("name", row.getString("name")).put("owner_id", row.getUUID("owner_id").toString())
          .put("owner_tier", row.getString("owner_tier"));
      });
  }

  /** Forgets expired exports (their files expire in the lake by age): @return how many. */
  Future<Integer> expireExports() {
    return pool.query(EXPIRED_EXPORTS).execute().map(SqlResult::rowCount);
  }

  static JsonObject toJson(Row r) {
    return new JsonObject()
      .put("dashboard_id", r.getUUID("id").toString())
      .put("owner_id", r.getUUID("owner_id").toString())
      .put("name", r.getString("name"))
      .put("description", r.getString("description"))
      .put("refresh_seconds", r.getInteger("refresh_seconds"))
      .put("layout", r.getJsonObject("layout"))
      .put("visualizations", r.getJsonArray("visualizations"))
      .put("version", r.getInteger("version"))
      .put("created_at", r.getOffsetDateTime("created_at").toInstant().toString())
      .put("updated_at", r.getOffsetDateTime("updated_at").toInstant().toString());
  }
}
