package io.tributary.collection;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.ContractValidation;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Members and shares of a collection: {@code POST/DELETE .../items} (owner and editors; members are the owner's
 * datasets, streams, dashboards and models) and {@code POST/DELETE .../shares} (owner only). Each is a change with
 * {@code If-Match}, a new version and an audit event in its transaction.
 */
final class MemberRoutes {

  static final Set<String> TYPES = Set.of("dataset", "stream", "dashboard", "model");
  /** Whether the owner has a thing of each type with this id. */
  static final Map<String, String> OWNED = Map.of(
    "dataset", "SELECT 1 FROM datasets WHERE id = $1 AND owner_id = $2 AND status <> 'failed'",
    "stream", "SELECT 1 FROM streams WHERE id = $1 AND owner_id = $2",
    "dashboard", "SELECT 1 FROM dashboards WHERE id = $1 AND owner_id = $2",
    "model", "SELECT 1 FROM ml_models WHERE id = $1 AND owner_id = $2");
  static final String HAS_MODELS = "SELECT to_regclass('ml_models') IS NOT NULL";
  static final String ADD = "INSERT INTO collection_items (collection_id, item_type, item_id) VALUES ($1, $2, $3) "
    + "ON CONFLICT DO NOTHING";
  static final String REMOVE = "DELETE FROM collection_items WHERE collection_id = $1 AND item_type = $2 AND item_id = $3";
  static final String USER_BY_EMAIL = "SELECT id, email FROM users WHERE lower(email) = lower($1)";
  static final String SHARE = "INSERT INTO collection_shares (collection_id, user_id, role) VALUES ($1, $2, $3) "
    + "ON CONFLICT (collection_id, user_id) DO UPDATE SET role = EXCLUDED.role, granted_at = now()";
  static final String UNSHARE = "DELETE FROM collection_shares WHERE collection_id = $1 AND user_id = $2";

  private final CollectionRepository repository;
  private final CollectionRoutes collections;

  MemberRoutes(CollectionRepository repository, CollectionRoutes collections) {
    this.repository = repository;
    this.collections = collections;
  }

  void mount(Router router, ContractValidation contract) {
    String path = CollectionRoutes.PATH;
    router.post(path + "/items").handler(contract.jsonBody("addCollectionItem")).handler(this::add);
    router.delete(path + "/items/:item_type/:item_id").handler(this::remove);
    router.post(path + "/shares").handler(contract.jsonBody("shareCollection")).handler(this::share);
    router.delete(path + "/shares/:user_id").handler(this::unshare);
  }

  private void add(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "collection_id", "Collection");
    int expected = Precondition.expected(ctx);
    JsonObject body = Json.body(ctx);
    String type = type(body.getString("type"));
    UUID itemId = Params.uuid(body.getString("id"), capital(type));
    AuditEvent who = AuditEvent.by(ctx, CollectionEvents.ITEM_ADDED, CollectionEvents.RESOURCE, id, null, null);
    changed(ctx, id, repository.change(id, Caller.of(ctx).id(), expected, Access.EDITOR, "add items",
      (conn, current, version) -> owned(conn, type, itemId, UUID.fromString(current.getString("owner_id")))
        .compose(v -> conn.preparedQuery(ADD).execute(Tuple.of(id, type, itemId)))
        .compose(r -> r.rowCount() == 0
          ? Future.failedFuture(new ApiException(ErrorCode.CONFLICT, "This " + type + " is already in the collection"))
          : AuditLog.record(conn, who.as(CollectionEvents.ITEM_ADDED, CollectionEvents.RESOURCE, id, null,
            new JsonObject().put("type", type).put("id", itemId.toString()).put("version", version))))
        .map(new JsonObject())), 201);
  }

  private void remove(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "collection_id", "Collection");
    String type = ctx.pathParam("item_type");
    if (!TYPES.contains(type)) {
      throw ApiException.notFound("Item");
    }
    UUID itemId = Params.pathId(ctx, "item_id", "Item");
    int expected = Precondition.expected(ctx);
    AuditEvent who = AuditEvent.by(ctx, CollectionEvents.ITEM_REMOVED, CollectionEvents.RESOURCE, id, null, null);
    changed(ctx, id, repository.change(id, Caller.of(ctx).id(), expected, Access.EDITOR, "remove items",
      (conn, current, version) -> conn.preparedQuery(REMOVE).execute(Tuple.of(id, type, itemId))
        .compose(r -> r.rowCount() == 0 ? Future.failedFuture(new ApiException(ErrorCode.NOT_FOUND,
            "This " + type + " is not in the collection"))
          : AuditLog.record(conn, who.as(CollectionEvents.ITEM_REMOVED, CollectionEvents.RESOURCE, id,
            new JsonObject().put("type", type).put("id", itemId.toString()),
            new JsonObject().put("type", type).put("id", itemId.toString()).put("version", version))))
        .map(new JsonObject())), 200);
  }

  /** Grants (or changes) a user's role; owner only. */
  private void share(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "collection_id", "Collection");
    int expected = Precondition.expected(ctx);
    JsonObject body = Json.body(ctx);
    String role = body.getString("role");
    AuditEvent who = AuditEvent.by(ctx, CollectionEvents.SHARE_GRANTED, CollectionEvents.RESOURCE, id, null, null);
    changed(ctx, id, repository.change(id, Caller.of(ctx).id(), expected, Access.OWNER, "share it",
      (conn, current, version) -> conn.preparedQuery(USER_BY_EMAIL).execute(Tuple.of(body.getString("email")))
        .compose(users -> {
          if (users.size() == 0) {
            return Future.failedFuture(ApiException.notFound("User"));
          }
          UUID user = users.iterator().next().getUUID("id");
          if (user.toString().equals(current.getString("owner_id"))) {
            return Future.failedFuture(ApiException.badRequest("The owner already has every right on the collection"));
          }
          return conn.preparedQuery(SHARE).execute(Tuple.of(id, user, role))
            .compose(r -> AuditLog.record(conn, who.as(CollectionEvents.SHARE_GRANTED, CollectionEvents.RESOURCE, id,
              null, new JsonObject().put("user_id", user.toString()).put("role", role).put("version", version))))
            .map(new JsonObject().put("user_id", user.toString()).put("email", users.iterator().next().getString("email"))
              .put("role", role));
        })), 201);
  }

  private void unshare(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "collection_id", "Collection");
    UUID user = Params.pathId(ctx, "user_id", "Share");
    int expected = Precondition.expected(ctx);
    AuditEvent who = AuditEvent.by(ctx, CollectionEvents.SHARE_REVOKED, CollectionEvents.RESOURCE, id, null, null);
    repository.change(id, Caller.of(ctx).id(), expected, Access.OWNER, "change its shares",
      (conn, current, version) -> conn.preparedQuery(UNSHARE).execute(Tuple.of(id, user))
        .compose(r -> r.rowCount() == 0 ? Future.failedFuture(ApiException.notFound("Share"))
          : AuditLog.record(conn, who.as(CollectionEvents.SHARE_REVOKED, CollectionEvents.RESOURCE, id,
            new JsonObject().put("user_id", user.toString()),
            new JsonObject().put("user_id", user.toString()).put("version", version))))
        .map(new JsonObject().put("version", version)))
      .onSuccess(r -> {
        Precondition.etag(ctx, r.getInteger("version"));
        ctx.response().setStatusCode(204).end();
      }).onFailure(ctx::fail);
  }

  /** Replies with the collection after a change (and {@code share} for a grant). */
  private void changed(RoutingContext ctx, UUID id, Future<JsonObject> change, int status) {
    change.compose(extra -> repository.find(id, Caller.of(ctx).id()).compose(collections::withDetails)
        .map(c -> extra.isEmpty() ? c : c.put("share", extra)))
      .onSuccess(c -> {
        Precondition.etag(ctx, c.getInteger("version"));
        Json.send(ctx, status, c);
      }).onFailure(ctx::fail);
  }

  /** Fails with 404 unless the collection's owner has this item. */
  private static Future<Void> owned(SqlConnection conn, String type, UUID itemId, UUID ownerId) {
    Future<Boolean> exists = "model".equals(type)
      ? conn.query(HAS_MODELS).execute().map(r -> r.iterator().next().getBoolean(0)) : Future.succeededFuture(true);
    return exists.compose(table -> !table ? Future.failedFuture(ApiException.notFound("Model"))
      : conn.preparedQuery(OWNED.get(type)).execute(Tuple.of(itemId, ownerId))
        .compose(r -> r.size() == 0 ? Future.failedFuture(ApiException.notFound(capital(type))) : Future.<Void>succeededFuture()));
  }

  private static String type(String type) {
    if (type == null || !TYPES.contains(type)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "type must be one of dataset, stream, dashboard, model",
        new JsonObject().put("field", "type"));
    }
    return type;
  }

  private static String capital(String type) {
    return Character.toUpperCase(type.charAt(0)) + type.substring(1);
  }
}
