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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/collections}: create, list, read, change and delete collections, and their history. Each reply
 * about one collection carries {@code ETag: "<version>"}; each change needs {@code If-Match}.
 */
final class CollectionRoutes {

  /** The dataset-name rule. */
  static final Pattern NAME = Pattern.compile("^[a-z_][a-z0-9_]{0,62}$");
  static final String PATH = "/api/v1/collections/:collection_id";

  private final CollectionRepository repository;
  private final ProtectedNames protectedNames;
  private final FromTemplate fromTemplate;

  CollectionRoutes(CollectionRepository repository, ProtectedNames protectedNames, FromTemplate fromTemplate) {
    this.repository = repository;
    this.protectedNames = protectedNames;
    this.fromTemplate = fromTemplate;
  }

  void mount(Router router, ContractValidation contract) {
    router.post("/api/v1/collections").handler(contract.jsonBody("createCollection")).handler(this::create);
    router.get("/api/v1/collections").handler(this::list);
    router.get(PATH).handler(this::get);
    router.patch(PATH).handler(contract.jsonBody("patchCollection")).handler(this::patch);
    router.delete(PATH).handler(this::delete);
    router.get(PATH + "/history").handler(this::history);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    String name = name(body.getString("name"));
    Caller caller = Caller.of(ctx);
    String template = body.getString("template");
    JsonArray tags = body.getJsonArray("tags", new JsonArray());
    AuditEvent who = AuditEvent.by(ctx, CollectionEvents.CREATED, CollectionEvents.RESOURCE, null, null, null);
    (template == null ? repository.create(caller.id(), name, body.getString("description"), tags, who, null)
      : fromTemplate.create(caller.id(), name, body.getString("description"), tags, template, who))
      .compose(this::withDetails)
      .onSuccess(c -> {
        ctx.response().putHeader("Location", "/api/v1/collections/" + c.getString("collection_id"));
        Precondition.etag(ctx, c.getInteger("version"));
        Json.created(ctx, c);
      }).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Params.Page page = Params.page(ctx);
    String filter = ctx.queryParams().get("filter");
    String tag = ctx.queryParams().get("tag");
    repository.list(Caller.of(ctx).id(), filter == null || filter.isBlank() ? null : Glob.toLike(filter),
        tag == null || tag.isBlank() ? null : tag, page.fetch(), page.offset())
      .onSuccess(rows -> Json.ok(ctx, page.reply(rows))).onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    visible(ctx).compose(this::withDetails).onSuccess(c -> {
      Precondition.etag(ctx, c.getInteger("version"));
      Json.ok(ctx, c);
    }).onFailure(ctx::fail);
  }

  /** Changes name, description or tags (only those the body names). */
  private void patch(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "collection_id", "Collection");
    int expected = Precondition.expected(ctx);
    JsonObject body = Json.body(ctx);
    if (body.containsKey("name")) {
      name(body.getString("name"));
    }
    AuditEvent who = AuditEvent.by(ctx, CollectionEvents.UPDATED, CollectionEvents.RESOURCE, id, null, null);
    repository.change(id, Caller.of(ctx).id(), expected, Access.EDITOR, "change it", (conn, current, version) -> {
      if (body.containsKey("name") && !body.getString("name").equals(current.getString("name"))) {
        Access.of(current.getString("access")).require(Access.OWNER, "rename it");
      }
      JsonObject next = new JsonObject();
      JsonObject before = new JsonObject();
      JsonObject after = new JsonObject().put("version", version);
      for (String f : CollectionEvents.FIELDS) {
        next.put(f, body.containsKey(f) ? body.getValue(f) : current.getValue(f));
        if (body.containsKey(f)) {
          before.put(f, current.getValue(f));
          after.put(f, body.getValue(f));
        }
      }
      if (next.getJsonArray("tags") == null) {
        next.put("tags", new JsonArray());
      }
      return CollectionRepository.update(conn, id, next)
        .compose(v -> AuditLog.record(conn, who.as(CollectionEvents.UPDATED, CollectionEvents.RESOURCE, id, before, after)))
        .map(new JsonObject());
    }).compose(v -> repository.find(id, Caller.of(ctx).id())).compose(this::withDetails).onSuccess(c -> {
      Precondition.etag(ctx, c.getInteger("version"));
      Json.ok(ctx, c);
    }).onFailure(ctx::fail);
  }

  /**
   * Deletes the collection, its member links and shares (the members stay their owner's). Owner only; a protected
   * name needs an admin with {@code force=true}. {@code dry_run=true} answers what would go, changing nothing.
   */
  private void delete(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "collection_id", "Collection");
    Caller caller = Caller.of(ctx);
    boolean force = flag(ctx, "force");
    if (flag(ctx, "dry_run")) {
      visible(ctx).compose(c -> {
        Access.of(c.getString("access")).require(Access.OWNER, "delete it");
        protectedNames.check(c.getString("name"), caller, force, "deleted");
        return impact(c, "delete");
      }).onSuccess(reply -> Json.ok(ctx, reply)).onFailure(ctx::fail);
      return;
    }
    int expected = Precondition.expected(ctx);
    AuditEvent who = AuditEvent.by(ctx, CollectionEvents.DELETED, CollectionEvents.RESOURCE, id, null, null);
    repository.change(id, caller.id(), expected, Access.OWNER, "delete it", (conn, current, version) -> {
      boolean forced = protectedNames.check(current.getString("name"), caller, force, "deleted");
      JsonObject before = new JsonObject().put("name", current.getString("name"))
        .put("version", current.getInteger("version"));
      return CollectionRepository.delete(conn, id)
        .compose(v -> AuditLog.record(conn, who.as(CollectionEvents.DELETED, CollectionEvents.RESOURCE, id, before,
          new JsonObject().put("version", version).put("forced", forced))))
        .map(new JsonObject());
    }).onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  /** The collection's events, oldest first: for its owner and editors. */
  private void history(RoutingContext ctx) {
    Params.Page page = Params.page(ctx);
    visible(ctx).compose(c -> {
      Access.of(c.getString("access")).require(Access.EDITOR, "read its history");
      return repository.history(UUID.fromString(c.getString("collection_id")), page.fetch(), page.offset());
    }).onSuccess(rows -> Json.ok(ctx, page.reply(rows))).onFailure(ctx::fail);
  }

  /** The collection of the path as the caller sees it, or 404. */
  Future<JsonObject> visible(RoutingContext ctx) {
    return repository.find(Params.pathId(ctx, "collection_id", "Collection"), Caller.of(ctx).id())
      .compose(c -> c == null ? Future.failedFuture(ApiException.notFound("Collection")) : Future.succeededFuture(c));
  }

  /** Members with sizes and rows, and (for its owner and editors) shares. */
  Future<JsonObject> withDetails(JsonObject c) {
    UUID id = UUID.fromString(c.getString("collection_id"));
    boolean editor = Access.of(c.getString("access")).compareTo(Access.EDITOR) >= 0;
    return repository.members(id).compose(members -> (editor ? repository.shares(id) : Future.succeededFuture(
      new JsonArray())).map(shares -> c.copy().put("members", members).put("item_count", members.size())
      .put("row_count", sum(members, "row_count")).put("size_bytes", sum(members, "size_bytes")).put("shares", shares)));
  }

  /** What a destructive operation would touch: items, rows, bytes, shares. */
  Future<JsonObject> impact(JsonObject c, String action) {
    return withDetails(c).map(d -> new JsonObject().put("dry_run", true).put("action", action)
      .put("collection_id", d.getString("collection_id")).put("name", d.getString("name"))
      .put("version", d.getInteger("version")).put("items", d.getInteger("item_count"))
      .put("rows", d.getLong("row_count")).put("bytes", d.getLong("size_bytes"))
      .put("shares", d.getJsonArray("shares").size()).put("members", d.getJsonArray("members"))
      .put("protected", protectedNames.pattern(d.getString("name")) != null)
      .put("conflicts", new JsonArray()).put("created_at", d.getString("created_at")));
  }

  static long sum(JsonArray members, String field) {
    long total = 0;
    for (Object o : members) {
      Long v = ((JsonObject) o).getLong(field);
      total += v == null ? 0 : v;
    }
    return total;
  }

  static boolean flag(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    return v != null && (v.equalsIgnoreCase("true") || v.equals("1"));
  }

  static String name(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ApiException(ErrorCode.INVALID_NAME, "A collection name starts with a lower-case letter or _ and has "
        + "at most 63 lower-case letters, digits and _", new JsonObject().put("field", "name").put("name", name));
    }
    return name;
  }
}
