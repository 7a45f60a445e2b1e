package io.tributary.flag;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Flags in PostgreSQL. Every change bumps {@code version} (the ETag), is recorded in the audit trail in the same
 * transaction, and is announced to every process by the table's trigger.
 */
public final class FlagRepository {

  private static final String COLUMNS = "key, description, enabled, rollout_percent, tiers, allow_users, deny_users, "
    + "variants, version, updated_at";
  static final String LIST = "SELECT " + COLUMNS + " FROM feature_flags ORDER BY key LIMIT $1 OFFSET $2";
  static final String FIND = "SELECT " + COLUMNS + " FROM feature_flags WHERE key = $1";
  static final String LOCK = FIND + " FOR UPDATE";
  static final String INSERT = "INSERT INTO feature_flags (key, description, enabled, rollout_percent, tiers, "
    + "allow_users, deny_users, variants) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING "
    + "RETURNING " + COLUMNS;
  static final String UPDATE = "UPDATE feature_flags SET description = $2, enabled = $3, rollout_percent = $4, "
    + "tiers = $5, allow_users = $6, deny_users = $7, variants = $8, version = version + 1, updated_at = now() "
    + "WHERE key = $1 RETURNING " + COLUMNS;
  static final String DELETE = "DELETE FROM feature_flags WHERE key = $1";

  private final Pool pool;

  public FlagRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Flag>> list(int limit, int offset) {
    return pool.preparedQuery(LIST).execute(Tuple.of(limit, offset)).map(FlagRepository::flags);
  }

  /** The flag, or a 404. */
  public Future<Flag> find(String key) {
    return pool.preparedQuery(FIND).execute(Tuple.of(key)).map(rows -> one(rows, key));
  }

  /** Creates a flag; 409 when the key exists. */
  public Future<Flag> create(FlagInput in, AuditEvent who) {
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT).execute(tuple(in))
      .map(rows -> {
        if (rows.size() == 0) {
          throw new ApiException(ErrorCode.CONFLICT, "A flag with key '" + in.key() + "' already exists");
        }
        return Flag.of(rows.iterator().next());
      })
      .compose(flag -> AuditLog.record(conn, who.as("flag.created", "flag", flag.key(), null, flag.toJson()))
        .map(flag)));
  }

  /**
   * Applies {@code change} to the flag if its version is still {@code expectedVersion} (null: any); 412 when it
   * moved on, 404 when it does not exist.
   */
  public Future<Flag> update(String key, Long expectedVersion, java.util.function.UnaryOperator<FlagInput> change,
                             String action, AuditEvent who) {
    return pool.withTransaction(conn -> locked(conn, key, expectedVersion).compose(before -> {
      FlagInput in = change.apply(FlagInput.of(before));
      return conn.preparedQuery(UPDATE).execute(tuple(in))
        .map(rows -> Flag.of(rows.iterator().next()))
        .compose(after -> AuditLog.record(conn, who.as(action, "flag", key, before.toJson(), after.toJson()))
          .map(after));
    }));
  }

  /** Deletes the flag at this version; 412 when it moved on, 404 when it does not exist. */
  public Future<Void> delete(String key, long expectedVersion, AuditEvent who) {
    return pool.withTransaction(conn -> locked(conn, key, expectedVersion)
      .compose(before -> conn.preparedQuery(DELETE).execute(Tuple.of(key))
        .compose(v -> AuditLog.record(conn, who.as("flag.deleted", "flag", key, before.toJson(), null)))))
      .mapEmpty();
  }

  /**
   * Applies flag settings given by configuration at start: each body is merged into the flag of its key (created
   * when absent; a bare name such as {@code collections} means {@code module.collections} when only that exists).
   * Each change is audited as the system's.
   */
  public Future<Void> seed(java.util.Map<String, JsonObject> bodies) {
    return pool.withTransaction(conn -> {
      Future<Void> chain = Future.succeededFuture();
      for (var e : bodies.entrySet()) {
        chain = chain.compose(v -> seedOne(conn, e.getKey(), e.getValue()));
      }
      return chain;
    });
  }

  private static Future<Void> seedOne(SqlConnection conn, String key, JsonObject body) {
    return conn.preparedQuery(LOCK).execute(Tuple.of(key))
      .compose(rows -> rows.size() > 0 || key.contains(".") ? Future.succeededFuture(rows)
        : conn.preparedQuery(LOCK).execute(Tuple.of(Flag.MODULE_PREFIX + key))
          .compose(mod -> mod.size() > 0 ? Future.succeededFuture(mod) : Future.succeededFuture(rows)))
      .compose(rows -> {
        Flag before = rows.size() == 0 ? null : Flag.of(rows.iterator().next());
        FlagInput in = before == null ? FlagInput.create(body.copy().put("key", key))
          : FlagInput.of(before).merge(body.copy().put("key", before.key()));
        return conn.preparedQuery(before == null ? INSERT : UPDATE).execute(tuple(in))
          .compose(changed -> AuditLog.record(conn, AuditEvent.system("flag.seeded", "flag", in.key(),
            Flag.of(changed.iterator().next()).toJson())))
          .mapEmpty();
      });
  }

  private static Future<Flag> locked(SqlConnection conn, String key, Long expectedVersion) {
    return conn.preparedQuery(LOCK).execute(Tuple.of(key)).map(rows -> {
      Flag flag = one(rows, key);
      if (expectedVersion != null && flag.version() != expectedVersion) {
        throw new ApiException(ErrorCode.PRECONDITION_FAILED, "Flag '" + key + "' has changed (version "
          + flag.version() + "); read it again and retry", new JsonObject().put("version", flag.version()));
      }
      return flag;
    });
  }

  private static Tuple tuple(FlagInput in) {
    return Tuple.from(new Object[] {in.key(), in.description(), in.enabled(), in.rolloutPercent(),
      in.tiers().toArray(new String[0]), in.allowUsers().toArray(new String[0]),
      in.denyUsers().toArray(new String[0]), in.variants()});
  }

  private static Flag one(RowSet<Row> rows, String key) {
    if (rows.size() == 0) {
      throw ApiException.notFound("Flag '" + key + "'");
    }
    return Flag.of(rows.iterator().next());
  }

  private static List<Flag> flags(RowSet<Row> rows) {
    List<Flag> out = new ArrayList<>();
    rows.forEach(r -> out.add(Flag.of(r)));
    return out;
  }
}
