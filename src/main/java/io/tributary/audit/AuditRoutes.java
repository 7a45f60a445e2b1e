package io.tributary.audit;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.UUID;

/**
 * {@code GET /api/v1/audit} (admin): events newest first, filtered by actor, action, resource and time; and
 * {@code GET /api/v1/audit/verify} (admin): the whole chain recomputed, naming the first event that does not match.
 */
public final class AuditRoutes {

  static final String LIST = "SELECT * FROM audit_events WHERE ($1::uuid IS NULL OR actor_id = $1) "
    + "AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR resource_type = $3) "
    + "AND ($4::text IS NULL OR resource_id = $4) AND ($5::timestamptz IS NULL OR occurred_at >= $5) "
    + "AND ($6::timestamptz IS NULL OR occurred_at < $6) ORDER BY id DESC LIMIT $7 OFFSET $8";
  static final String CHAIN = "SELECT * FROM audit_events WHERE id > $1 ORDER BY id LIMIT 5000";

  private final Pool pool;

  public AuditRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    router.get("/api/v1/audit").handler(Caller.requireRole(Caller.ADMIN)).handler(this::list);
    router.get("/api/v1/audit/verify").handler(Caller.requireRole(Caller.ADMIN)).handler(this::verify);
  }

  private void list(RoutingContext ctx) {
    Params.Page page = Params.page(ctx);
    String actor = ctx.queryParams().get("actor");
    Tuple args = Tuple.tuple()
      .addUUID(actor == null || actor.isBlank() ? null : uuid(actor))
      .addString(blankToNull(ctx.queryParams().get("action")))
      .addString(blankToNull(ctx.queryParams().get("resource_type")))
      .addString(blankToNull(ctx.queryParams().get("resource_id")))
      .addOffsetDateTime(time(ctx, "since")).addOffsetDateTime(time(ctx, "until"))
      .addInteger(page.fetch()).addInteger(page.offset());
    pool.preparedQuery(LIST).execute(args).map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(r -> items.add(AuditLog.toJson(r)));
      return page.reply(items);
    }).onSuccess(reply -> Json.ok(ctx, reply)).onFailure(ctx::fail);
  }

  private void verify(RoutingContext ctx) {
    walk(0, AuditLog.GENESIS, 0).onSuccess(result -> Json.ok(ctx, result)).onFailure(ctx::fail);
  }

  /** Checks the chain from event {@code after} on, in pages. */
  private io.vertx.core.Future<JsonObject> walk(long after, byte[] prev, long checked) {
    return pool.preparedQuery(CHAIN).execute(Tuple.of(after)).compose(rows -> {
      byte[] expected = prev;
      long last = after;
      long n = checked;
      for (Row r : rows) {
        byte[] prevStored = r.getBuffer("prev_hash").getBytes();
        byte[] hash = r.getBuffer("hash").getBytes();
        AuditEvent e = new AuditEvent(r.getUUID("actor_id"), r.getString("actor_role"), r.getString("action"),
          r.getString("resource_type"), r.getString("resource_id"), r.getJsonObject("before"), r.getJsonObject("after"),
          r.getString("request_id"));
        byte[] recomputed = AuditLog.hash(prevStored, r.getOffsetDateTime("occurred_at"), e);
        if (!Arrays.equals(prevStored, expected) || !Arrays.equals(recomputed, hash)) {
          return io.vertx.core.Future.succeededFuture(new JsonObject().put("valid", false).put("events_checked", n)
            .put("first_invalid_id", r.getLong("id")).put("reason", Arrays.equals(prevStored, expected)
              ? "the event's content does not match its hash" : "the event does not follow the one before it"));
        }
        expected = hash;
        last = r.getLong("id");
        n++;
      }
      if (rows.size() < 5000) {
        return io.vertx.core.Future.succeededFuture(new JsonObject().put("valid", true).put("events_checked", n));
      }
      return walk(last, expected, n);
    });
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static UUID uuid(String s) {
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "actor must be a user id", new JsonObject().put("field", "actor"));
    }
  }

  private static OffsetDateTime time(RoutingContext ctx, String name) {
    String raw = ctx.queryParams().get(name);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(raw);
    } catch (DateTimeParseException e) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, name + " must be an ISO-8601 date-time such as "
        + "2026-01-31T00:00:00Z", new JsonObject().put("field", name));
    }
  }
}
