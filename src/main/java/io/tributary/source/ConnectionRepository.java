package io.tributary.source;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** The {@code source_connections} table: owner-scoped; the password only ever leaves it sealed. */
final class ConnectionRepository {

  static final String INSERT = "INSERT INTO source_connections (id, owner_id, name, type, host, port, database, username, "
    + "password_encrypted, key_id, ssl_mode, validated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now()) "
    + "RETURNING *";
  static final String LIST = "SELECT * FROM source_connections WHERE owner_id = $1 ORDER BY created_at DESC, id "
    + "LIMIT $2 OFFSET $3";
  static final String FIND = "SELECT * FROM source_connections WHERE id = $1 AND owner_id = $2";
  static final String DELETE = "DELETE FROM source_connections WHERE id = $1 AND owner_id = $2 RETURNING name";
  static final String VALIDATED = "UPDATE source_connections SET validated_at = now() WHERE id = $1";

  private final Pool pool;

  ConnectionRepository(Pool pool) {
    this.pool = pool;
  }

  /** Stores a validated connection with its sealed password; 409 when the owner has one of that name. */
  Future<JsonObject> insert(UUID ownerId, String name, ConnectionSpec spec, JsonObject sealed, AuditEvent who) {
    UUID id = UUID.randomUUID();
    byte[] password = Base64.getDecoder().decode(sealed.getString("password_encrypted"));
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT).execute(Tuple.from(List.of(id, ownerId, name,
        spec.type(), spec.host(), spec.port(), spec.database(), spec.user(), Buffer.buffer(password),
        sealed.getString("key_id"), spec.sslMode())))
      .compose(rows -> {
        JsonObject created = visible(rows.iterator().next());
        return AuditLog.record(conn, who.as("source.connection.created", "source_connection", id, null, created))
          .map(created);
      }))
      .recover(err -> Future.failedFuture(err instanceof io.vertx.pgclient.PgException pg
        && "23505".equals(pg.getSqlState()) ? new ApiException(ErrorCode.CONFLICT, "You already have a connection named "
        + name, new JsonObject().put("field", "name")) : err));
  }

  Future<JsonArray> list(UUID ownerId, int limit, int offset) {
    return pool.preparedQuery(LIST).execute(Tuple.of(ownerId, limit, offset)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(visible(r)));
      return out;
    });
  }

  /** The owner's connection as clients see it, or null. */
  Future<JsonObject> find(UUID id, UUID ownerId) {
    return sealed(pool, id, ownerId).map(ConnectionRepository::withoutSecret);
  }

  Future<JsonObject> findSealed(UUID id, UUID ownerId) {
    return sealed(pool, id, ownerId);
  }

  /** The owner's connection with its sealed password ({@code password_encrypted} base64, {@code key_id}), or null. */
  static Future<JsonObject> sealed(SqlClient client, UUID id, UUID ownerId) {
    return client.preparedQuery(FIND).execute(Tuple.of(id, ownerId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      return visible(r).put("password_encrypted", Base64.getEncoder().encodeToString(r.getBuffer("password_encrypted")
        .getBytes())).put("key_id", r.getString("key_id"));
    });
  }

  Future<Void> validated(UUID id) {
    return pool.preparedQuery(VALIDATED).execute(Tuple.of(id)).mapEmpty();
  }

  /** True when the owner had it. */
  Future<Boolean> delete(UUID id, UUID ownerId, AuditEvent who) {
    return pool.withTransaction(conn -> conn.preparedQuery(DELETE).execute(Tuple.of(id, ownerId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(false);
      }
      return AuditLog.record(conn, who.as("source.connection.deleted", "source_connection", id,
        new JsonObject().put("name", rows.iterator().next().getString("name")), null)).map(true);
    }));
  }

  private static JsonObject withoutSecret(JsonObject c) {
    if (c != null) {
      c.remove("password_encrypted");
      c.remove("key_id");
    }
    return c;
  }

  /** What a client sees: never the password. */
  static JsonObject visible(Row r) {
    return new JsonObject()
      .put("connection_id", r.getUUID("id").toString())
      .put("name", r.getString("name"))
      .put("type", r.getString("type"))
      .put("host", r.getString("host"))
      .put("port", r.getInteger("port"))
      .put("database", r.getString("database"))
      .put("user", r.getString("username"))
      .put("ssl_mode", r.getString("ssl_mode"))
      .put("validated_at", r.getOffsetDateTime("validated_at").toInstant().toString())
      .put("created_at", r.getOffsetDateTime("created_at").toInstant().toString());
  }
}
