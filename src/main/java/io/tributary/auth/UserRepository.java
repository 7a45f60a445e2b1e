package io.tributary.auth;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** Users in PostgreSQL. Emails are unique case-insensitively. */
public final class UserRepository {

  static final String FIND_BY_EMAIL =
    "SELECT id, email, password_hash, role, tier, active, created_at FROM users WHERE lower(email) = lower($1)";
  static final String TOUCH_LOGIN = "UPDATE users SET last_login = now() WHERE id = $1";
  static final String INSERT =
    "INSERT INTO users (id, email, password_hash, role, tier) VALUES ($1, $2, $3, $4, $5) "
      + "RETURNING id, email, role, tier, created_at";
  static final String COUNT = "SELECT count(*) FROM users";

  private final Pool pool;

  public UserRepository(Pool pool) {
    this.pool = pool;
  }

  /** The user with this email including its password hash, or null. */
  public Future<JsonObject> findByEmail(String email) {
    return pool.preparedQuery(FIND_BY_EMAIL).execute(Tuple.of(email)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return toJson(row).put("password_hash", row.getString("password_hash")).put("active", row.getBoolean("active"));
    });
  }

  /** Records a successful login's time ({@code last_login}). */
  public Future<Void> touchLogin(String id) {
    return pool.preparedQuery(TOUCH_LOGIN).execute(Tuple.of(UUID.fromString(id))).mapEmpty();
  }

  /** Records a failed login in the audit trail. */
  public Future<Void> auditFailure(AuditEvent event) {
    return pool.withTransaction(conn -> AuditLog.record(conn, event)).mapEmpty();
  }

  /**
   * Inserts a user, recording {@code who} created it in the audit trail in the same transaction, and returns it
   * without its hash; fails with PostgreSQL 23505 if the email exists.
   */
  public Future<JsonObject> insert(String email, String passwordHash, String role, String tier, AuditEvent who) {
    UUID id = UUID.randomUUID();
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT)
      .execute(Tuple.of(id, email, passwordHash, role, tier))
      .map(rows -> toJson(rows.iterator().next()))
      .compose(user -> AuditLog.record(conn, who.as("user.created", "user", id, null,
        new JsonObject().put("role", role).put("tier", tier))).map(user)));
  }

  public Future<Long> count() {
    return pool.query(COUNT).execute().map((RowSet<Row> rows) -> rows.iterator().next().getLong(0));
  }

  private static JsonObject toJson(Row row) {
    return new JsonObject()
      .put("id", row.getUUID("id").toString())
      .put("email", row.getString("email"))
      .put("role", row.getString("role"))
      .put("tier", row.getString("tier"))
      .put("created_at", row.getOffsetDateTime("created_at").toInstant().toString());
  }
}
