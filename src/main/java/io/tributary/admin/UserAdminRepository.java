package io.tributary.admin;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.bus.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;
import java.util.function.Function;

/** Users as administrators see and change them (never their password hash). */
public final class UserAdminRepository {

  private static final String COLUMNS = "id, email, role, tier, active, last_login, created_at";
  static final String LIST = "SELECT " + COLUMNS + " FROM users WHERE ($1::text IS NULL OR position(lower($1) in "
    + "lower(email)) > 0) AND ($2::text IS NULL OR role = $2) AND ($3::text IS NULL OR tier = $3) "
    + "AND ($4::boolean IS NULL OR active = $4) ORDER BY created_at DESC, id LIMIT $5 OFFSET $6";
  static final String FIND = "SELECT " + COLUMNS + " FROM users WHERE id = $1";
  static final String UPDATE = "UPDATE users SET role = $2, tier = $3, active = $4, updated_at = now() WHERE id = $1 "
    + "RETURNING " + COLUMNS;

  private final Pool pool;

  public UserAdminRepository(Pool pool) {
    this.pool = pool;
  }

  /** Users matching the filters (each null: any), newest first. */
  public Future<JsonArray> list(String emailContains, String role, String tier, Boolean active, int limit, int offset) {
    return pool.preparedQuery(LIST).execute(Tuple.of(emailContains, role, tier, active, limit, offset)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(toJson(r)));
      return out;
    });
  }

  /** The user, or a 404. */
  public Future<JsonObject> find(UUID id) {
    return pool.preparedQuery(FIND).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("User");
      }
      return toJson(rows.iterator().next());
    });
  }

  /**
   * Changes role, tier and active as {@code change} decides from the current row (locked), audits it, and runs
   * {@code beforeCommit} with the old and new rows inside the transaction (a failure there undoes the change).
   */
  public Future<JsonObject> update(UUID id, Function<JsonObject, JsonObject> change, AuditEvent who,
                                   java.util.function.BiFunction<JsonObject, JsonObject, Future<Void>> beforeCommit) {
    return pool.withTransaction(conn -> locked(conn, id).compose(before -> {
      JsonObject want = change.apply(before);
      return conn.preparedQuery(UPDATE).execute(Tuple.of(id, want.getString("role"), want.getString("tier"),
          want.getBoolean("active")))
        .map(rows -> toJson(rows.iterator().next()))
        .compose(after -> AuditLog.record(conn, who.as("user.updated", "user", id, settings(before), settings(after)))
          .compose(v -> beforeCommit.apply(before, after))
          .map(after));
    }));
  }

  private static Future<JsonObject> locked(SqlConnection conn, UUID id) {
    return conn.preparedQuery(FIND + " FOR UPDATE").execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("User");
      }
      return toJson(rows.iterator().next());
    });
  }

  /** What the audit trail keeps of a user: settings, not personal data. */
  static JsonObject settings(JsonObject user) {
    return new JsonObject().put("role", user.getString("role")).put("tier", user.getString("tier"))
      .put("active", user.getBoolean("active"));
  }

  static JsonObject toJson(Row r) {
    return new JsonObject()
      .put("id", r.getUUID("id").toString())
      .put("email", r.getString("email"))
      .put("role", r.getString("role"))
      .put("tier", r.getString("tier"))
      .put("active", r.getBoolean("active"))
      .put("last_login", r.getOffsetDateTime("last_login") == null ? null
        : r.getOffsetDateTime("last_login").toInstant().toString())
      .put("created_at", r.getOffsetDateTime("created_at").toInstant().toString());
  }
}
