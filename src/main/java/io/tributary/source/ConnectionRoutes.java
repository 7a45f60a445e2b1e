package io.tributary.source;

import io.tributary.audit.AuditEvent;
import io.tributary.bus.ApiException;
import io.tributary.http.Caller;
import io.tributary.http.ContractValidation;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/**
 * {@code /api/v1/data/connections}: database connections. A connection is stored only once the source worker has
 * connected, authenticated and run {@code SELECT 1}; {@code POST .../{id}/test} validates it again. Another user's
 * connection answers 404; the password is never returned.
 */
final class ConnectionRoutes {

  static final String BASE = "/api/v1/data/connections";

  private final Vertx vertx;
  private final ConnectionRepository repository;
  private final long validateTimeoutMs;

  ConnectionRoutes(Vertx vertx, ConnectionRepository repository, long validateTimeoutMs) {
    this.vertx = vertx;
    this.repository = repository;
    this.validateTimeoutMs = validateTimeoutMs;
  }

  void mount(Router router, ContractValidation contract) {
    router.post(BASE).handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN))
      .handler(contract.jsonBody("createConnection")).handler(this::create);
    router.get(BASE).handler(this::list);
    router.get(BASE + "/:connection_id").handler(this::get);
    router.delete(BASE + "/:connection_id").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN)).handler(this::delete);
    router.post(BASE + "/:connection_id/test").handler(this::test);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    String name = Json.requiredString(body, "name", 200);
    ConnectionSpec spec = ConnectionSpec.from(body);
    AuditEvent who = AuditEvent.by(ctx, "source.connection.created", "source_connection", null, null, null);
    validate(spec.toMessage(), true)
      .compose(sealed -> repository.insert(Caller.of(ctx).id(), name, spec, sealed, who))
      .onSuccess(created -> {
        ctx.response().putHeader("Location", BASE + "/" + created.getString("connection_id"));
        Json.created(ctx, created);
      })
      .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Params.Page page = Params.page(ctx);
    repository.list(Caller.of(ctx).id(), page.fetch(), page.offset())
      .onSuccess(rows -> Json.ok(ctx, page.reply(rows))).onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    repository.find(id(ctx), Caller.of(ctx).id()).compose(ConnectionRoutes::found)
      .onSuccess(c -> Json.ok(ctx, c)).onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    AuditEvent who = AuditEvent.by(ctx, "source.connection.deleted", "source_connection", null, null, null);
    repository.delete(id(ctx), Caller.of(ctx).id(), who).onSuccess(deleted -> {
      if (deleted) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.fail(ApiException.notFound("Connection"));
      }
    }).onFailure(ctx::fail);
  }

  /** Validates the stored connection again: 200 {@code {ok, connection_id, validated_at}} or the failure. */
  private void test(RoutingContext ctx) {
    UUID id = id(ctx);
    repository.findSealed(id, Caller.of(ctx).id()).compose(ConnectionRoutes::found)
      .compose(sealed -> validate(sealed, false))
      .compose(ok -> repository.validated(id))
      .onSuccess(v -> Json.ok(ctx, new JsonObject().put("ok", true).put("connection_id", id.toString())))
      .onFailure(ctx::fail);
  }

  private Future<JsonObject> validate(JsonObject connection, boolean seal) {
    return SourceContract.validate(vertx, connection, seal, validateTimeoutMs + 5_000)
      .recover(err -> Future.failedFuture(err instanceof ReplyException reply ? ApiException.fromReply(reply) : err));
  }

  private static UUID id(RoutingContext ctx) {
    return Params.pathId(ctx, "connection_id", "Connection");
  }

  private static Future<JsonObject> found(JsonObject c) {
    return c == null ? Future.failedFuture(ApiException.notFound("Connection")) : Future.succeededFuture(c);
  }
}
