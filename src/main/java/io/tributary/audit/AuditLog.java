package io.tributary.audit;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends events to the audit trail inside the caller's transaction: the event and the change it records commit
 * together or not at all. Each event's hash covers its fields and the previous event's hash (SHA-256), so the
 * chain shows any edit or removal.
 */
public final class AuditLog {

  /** Serialises appends across processes for the rest of the transaction. */
  static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('tributary.audit'))";
  static final String LAST = "SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1";
  static final String INSERT = "INSERT INTO audit_events (occurred_at, actor_id, actor_role, action, resource_type, "
    + "resource_id, before, after, request_id, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
    + "RETURNING id";
  /** The hash before the first event. */
  static final byte[] GENESIS = new byte[32];

  private AuditLog() {
  }

  /** Appends {@code event} on the connection of the caller's transaction; completes with its id. */
  public static Future<Long> record(SqlClient conn, AuditEvent event) {
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    return lastHash(conn)
      .compose(prev -> conn.preparedQuery(INSERT).execute(row(at, event, prev, hash(prev, at, event))))
      .map(rows -> rows.iterator().next().getLong("id"));
  }

  /**
   * Appends {@code events}, in this order, on the connection of the caller's transaction: the lock and the read of
   * the last hash (one round trip), then one batch of inserts.
   */
  public static Future<Void> recordAll(SqlClient conn, List<AuditEvent> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    return lastHash(conn).compose(first -> {
      byte[] prev = first;
      List<Tuple> batch = new ArrayList<>(events.size());
      for (AuditEvent event : events) {
        byte[] hash = hash(prev, at, event);
        batch.add(row(at, event, prev, hash));
        prev = hash;
      }
      return conn.preparedQuery(INSERT).executeBatch(batch);
    }).mapEmpty();
  }

  /**
   * Takes the append lock for the rest of the transaction and reads the chain's last hash, sent together: the
   * connection pipelines them, in order, so the read sees every append committed before the lock was granted.
   */
  private static Future<byte[]> lastHash(SqlClient conn) {
    Future<?> locked = conn.query(LOCK).execute();
    Future<io.vertx.sqlclient.RowSet<Row>> last = conn.query(LAST).execute();
    return Future.all(locked, last).map(v -> last.result().size() == 0 ? GENESIS
      : last.result().iterator().next().getBuffer("hash").getBytes());
  }

  private static Tuple row(OffsetDateTime at, AuditEvent e, byte[] prev, byte[] hash) {
    return Tuple.from(new Object[] {at, e.actorId(), e.actorRole(), e.action(), e.resourceType(), e.resourceId(),
      e.before(), e.after(), e.requestId(), Buffer.buffer(prev), Buffer.buffer(hash)});
  }

  /** The chain hash of an event after {@code prev}. */
  static byte[] hash(byte[] prev, OffsetDateTime at, AuditEvent e) {
    String canonical = new JsonArray().add(at.toInstant().toString()).add(e.actorId() == null ? null : e.actorId().toString())
      .add(e.actorRole()).add(e.action()).add(e.resourceType()).add(e.resourceId())
      .add(canonical(e.before())).add(canonical(e.after())).add(e.requestId()).encode();
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(prev);
      return sha.digest(canonical.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** A JSON value in a form that survives a round trip through jsonb (keys sorted, no spaces). */
  static String canonical(JsonObject o) {
    return o == null ? null : ((JsonObject) sorted(o)).encode();
  }

  private static Object sorted(Object v) {
    if (v instanceof JsonObject o) {
      JsonObject out = new JsonObject(new java.util.TreeMap<>());
      o.getMap().keySet().stream().sorted().forEach(k -> out.put(k, sorted(o.getValue(k))));
      return out;
    }
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(x -> out.add(sorted(x)));
      return out;
    }
    if (v instanceof Number n) {
      // jsonb may give a number back as another Java type: hash its value, not its type
      return "n:" + new java.math.BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
    }
    return v;
  }

  /** The event as the API shows it. */
  public static JsonObject toJson(Row r) {
    return new JsonObject()
      .put("id", r.getLong("id"))
      .put("occurred_at", r.getOffsetDateTime("occurred_at").toInstant().toString())
      .put("actor_id", r.getUUID("actor_id") == null ? null : r.getUUID("actor_id").toString())
      .put("actor_role", r.getString("actor_role"))
      .put("action", r.getString("action"))
      .put("resource_type", r.getString("resource_type"))
      .put("resource_id", r.getString("resource_id"))
      .put("before", r.getJsonObject("before"))
      .put("after", r.getJsonObject("after"))
      .put("request_id", r.getString("request_id"));
  }
}
