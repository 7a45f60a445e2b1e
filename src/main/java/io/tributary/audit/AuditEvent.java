package io.tributary.audit;

import io.tributary.http.Caller;
import io.tributary.http.RequestIdHandler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/**
 * One change worth recording: who ({@code actorId}, {@code actorRole}; null for the system), what
 * ({@code action}, e.g. {@code dataset.deleted}), on which resource, its state before and after (or a payload in
 * {@code after}), and the request it came from. Hold ids and settings, not personal data: the trail is never
 * rewritten, also when a user is erased.
 */
public record AuditEvent(UUID actorId, String actorRole, String action, String resourceType, String resourceId,
                         JsonObject before, JsonObject after, String requestId) {

  /** An event caused by the authenticated caller of a request. */
  public static AuditEvent by(RoutingContext ctx, String action, String resourceType, Object resourceId,
                              JsonObject before, JsonObject after) {
    Caller caller = Caller.of(ctx);
    return new AuditEvent(caller.id(), caller.role(), action, resourceType,
      resourceId == null ? null : resourceId.toString(), before, after, RequestIdHandler.requestId(ctx));
  }

  /** The same actor and request, another action on another resource. */
  public AuditEvent as(String action, String resourceType, Object resourceId, JsonObject before, JsonObject after) {
    return new AuditEvent(actorId, actorRole, action, resourceType, resourceId == null ? null : resourceId.toString(),
      before, after, requestId);
  }

  /** An event of the system itself (recovery, schedules, seeding). */
  public static AuditEvent system(String action, String resourceType, Object resourceId, JsonObject after) {
    return new AuditEvent(null, "system", action, resourceType, resourceId == null ? null : resourceId.toString(),
      null, after, null);
  }
}
