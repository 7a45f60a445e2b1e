package io.tributary.admin;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.lake.Lake;
import io.tributary.lake.LakePaths;
import io.tributary.redis.RedisLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Erases a user (GDPR): in one transaction, everything they own in PostgreSQL (jobs, datasets with their profiles and
 * stream parts, streams, dashboards with shares and exports, shares granted to them, and the rows of any other table
 * whose foreign key names the user) and the user row, with one audit event {@code user.erased} that holds only
 * counts; then their lake folder, staged uploads and export files on disk, their Redis entries (rate-limit counters)
 * and the whole query-result cache (its keys are hashes, so it cannot be cut per user). Their tokens are revoked
 * first; the revocation entry (an id, no content) stays until the tokens would have expired.
 */
public final class UserEraser {

  static final String DATASETS = "SELECT id FROM datasets WHERE owner_id = $1";
  static final String STAGED = "SELECT staging_path FROM jobs WHERE owner_id = $1";
  static final String EXPORTS = "SELECT file_path FROM dashboard_exports WHERE owner_id = $1";
  static final String STREAMS = "SELECT id FROM streams WHERE owner_id = $1";
  /** The archives of exports of the user's data (whoever asked for them). */
  static final String USER_EXPORTS = "SELECT result->>'file' FROM jobs WHERE job_type = 'user_export' "
    + "AND params->>'user_id' = $1 AND result->>'file' IS NOT NULL";
  /** Every (table, column) whose single-column foreign key references users(id). */
  static final String USER_REFERENCES = "SELECT c.conrelid::regclass::text AS tbl, a.attname AS col "
    + "FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
    + "WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass AND array_length(c.conkey, 1) = 1 "
    + "AND c.conrelid <> 'users'::regclass";

  private final Vertx vertx;
  private final Pool pool;
  private final RedisLink redis;
  private final Revocations revocations;
  private final Path dataDir;

  public UserEraser(Vertx vertx, Pool pool, RedisLink redis, Revocations revocations, Path dataDir) {
    this.vertx = vertx;
    this.pool = pool;
    this.redis = redis;
    this.revocations = revocations;
    this.dataDir = dataDir;
  }

  /** Erases the user; completes with the counts recorded in the audit trail. 404 when there is no such user. */
  public Future<JsonObject> erase(UUID user, AuditEvent who) {
    List<String> files = new ArrayList<>();
    JsonObject counts = new JsonObject();
    return revocations.revokeUser(user.toString())
      .compose(v -> pool.withTransaction(conn -> conn.preparedQuery("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
        .execute(Tuple.of(user))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(ApiException.notFound("User"))
          : collect(conn, user, files, counts))
        .compose(v2 -> delete(conn, user, counts))
        .compose(v2 -> AuditLog.record(conn, who.as("user.erased", "user", user, null, counts.copy())))
        .recover(err -> Future.failedFuture(err instanceof PgException pg && "23503".equals(pg.getSqlState())
          ? new ApiException(ErrorCode.CONFLICT, "Something still refers to this user (" + pg.getConstraint()
            + "); nothing was erased") : err))))
      .compose(v -> removeFiles(user, files))
      .compose(v -> clearRedis(user))
      .map(counts);
  }

  private Future<Void> collect(SqlConnection conn, UUID user, List<String> files, JsonObject counts) {
    return conn.preparedQuery(DATASETS).execute(Tuple.of(user))
      .map(rows -> counts.put("datasets", rows.size()))
      .compose(v -> conn.preparedQuery(STREAMS).execute(Tuple.of(user)))
      .map(rows -> counts.put("streams", rows.size()))
      .compose(v -> conn.preparedQuery(STAGED).execute(Tuple.of(user)))
      .map(rows -> {
        rows.forEach(r -> files.add(r.getString(0)));
        return counts.put("jobs", rows.size());
      })
      .compose(v -> conn.preparedQuery(EXPORTS).execute(Tuple.of(user)))
      .map(rows -> {
        rows.forEach(r -> files.add(LakePaths.exportPath(r.getString(0))));
        return null;
      })
      .compose(v -> conn.preparedQuery(USER_EXPORTS).execute(Tuple.of(user.toString())))
      .map(rows -> {
        rows.forEach(r -> files.add(LakePaths.exportPath(r.getString(0))));
        return null;
      });
  }

  /** Known tables first (in dependency order), then any other table that references the user. */
  private Future<Void> delete(SqlConnection conn, UUID user, JsonObject counts) {
    Future<Void> chain = Future.succeededFuture();
    for (String sql : new String[] {"DELETE FROM jobs WHERE owner_id = $1", "DELETE FROM streams WHERE owner_id = $1",
      "DELETE FROM datasets WHERE owner_id = $1", "DELETE FROM dashboards WHERE owner_id = $1"}) {
      chain = chain.compose(v -> conn.preparedQuery(sql).execute(Tuple.of(user)).mapEmpty());
    }
    return chain
      .compose(v -> conn.query(USER_REFERENCES).execute())
      .compose(refs -> {
        Future<Void> more = Future.succeededFuture();
        int others = 0;
        for (Row ref : refs) {
          String table = ref.getString("tbl");
          String column = ref.getString("col");
          // identifiers come from the catalog, quoted; the id is bound
          String sql = "DELETE FROM " + quoteTable(table) + " WHERE \"" + column.replace("\"", "\"\"") + "\" = $1";
          more = more.compose(v -> conn.preparedQuery(sql).execute(Tuple.of(user)).mapEmpty());
          others++;
        }
        counts.put("tables_checked", others);
        return more;
      })
      .compose(v -> conn.preparedQuery("DELETE FROM users WHERE id = $1").execute(Tuple.of(user)).mapEmpty());
  }

  private static String quoteTable(String regclass) {
    // regclass text is already a valid (and, where needed, quoted) possibly schema-qualified name
    return regclass;
  }

  private Future<Void> removeFiles(UUID user, List<String> files) {
    List<Future<Void>> deletions = new ArrayList<>();
    // their datasets' files and their collection backups (backups/<user>/)
    for (String folder : List.of(LakePaths.ownerDir(user.toString()), "backups/" + user)) {
      String dir = dataDir.resolve(folder).toString();
      deletions.add(vertx.fileSystem().exists(dir)
        .compose(exists -> exists ? vertx.fileSystem().deleteRecursive(dir) : Future.succeededFuture()));
    }
    for (String file : files) {
      if (file != null) {
        // staged uploads are absolute local paths; exports are lake objects, removed from an object store too
        String local = dataDir.resolve(file).toString();
        if (!Path.of(file).isAbsolute()) {
          Lake.of(vertx, dataDir).deleteRemoteLater(vertx, file);
        }
        deletions.add(vertx.fileSystem().exists(local)
          .compose(exists -> exists ? vertx.fileSystem().deleteRecursive(local) : Future.succeededFuture()));
      }
    }
    return Future.join(deletions).mapEmpty();
  }

  private Future<Void> clearRedis(UUID user) {
    return Future.all(redis.scan("*" + user + "*"), redis.scan("tributary:qc:*"))
      .map(found -> {
        List<String> keys = new ArrayList<>(found.<List<String>>resultAt(0));
        keys.removeIf(k -> k.startsWith(Revocations.PREFIX)); // the revocation of their tokens must outlive them
        keys.addAll(found.<List<String>>resultAt(1));
        return keys;
      })
      .compose(keys -> {
        if (keys.isEmpty()) {
          return Future.succeededFuture();
        }
        Request del = Request.cmd(Command.DEL);
        keys.forEach(del::arg);
        return redis.send(del).mapEmpty();
      });
  }
}
