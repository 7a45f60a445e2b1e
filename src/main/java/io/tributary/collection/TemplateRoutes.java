package io.tributary.collection;

import io.tributary.audit.AuditEvent;
import io.tributary.dashboard.DashboardStore;
import io.tributary.http.Caller;
import io.tributary.http.ContractValidation;
import io.tributary.http.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * Templates: {@code GET /api/v1/templates} (built-in and the caller's), {@code GET /api/v1/templates/{name}} (one
 * blueprint), {@code DELETE /api/v1/templates/{name}} (the caller's saved ones only),
 * {@code POST /api/v1/collections/{id}/template} (the owner saves the collection's dataset schemas and dashboards, no
 * data; streams and models are not kept).
 */
final class TemplateRoutes {

  /** The ready datasets of a collection a template keeps (their schemas), by name. */
  static final String DATASETS = "SELECT id, name, description, schema FROM datasets WHERE id = ANY($1) "
    + "AND status = 'ready' AND jsonb_array_length(coalesce(schema, '[]'::jsonb)) > 0 ORDER BY name";

  private final CollectionRepository repository;
  private final CollectionRoutes collections;
  private final Templates templates;

  TemplateRoutes(CollectionRepository repository, CollectionRoutes collections, Templates templates) {
    this.repository = repository;
    this.collections = collections;
    this.templates = templates;
  }

  void mount(Router router, ContractValidation contract) {
    router.get("/api/v1/templates").handler(this::list);
    router.get("/api/v1/templates/:name").handler(this::get);
    router.delete("/api/v1/templates/:name").handler(this::delete);
    router.post(CollectionRoutes.PATH + "/template").handler(contract.jsonBody("saveCollectionTemplate"))
      .handler(this::save);
  }

  private void list(RoutingContext ctx) {
    templates.list(Caller.of(ctx).id()).onSuccess(items -> Json.ok(ctx, new JsonObject().put("items", items)))
      .onFailure(ctx::fail);
  }

  /** One template's blueprint: the caller's saved one of that name, else the built-in one. */
  private void get(RoutingContext ctx) {
    templates.find(Caller.of(ctx).id(), ctx.pathParam("name")).onSuccess(t -> Json.ok(ctx, t)).onFailure(ctx::fail);
  }

  /** Deletes one of the caller's saved templates (built-in ones are refused). */
  private void delete(RoutingContext ctx) {
    AuditEvent who = AuditEvent.by(ctx, "template.deleted", "template", null, null, null);
    templates.delete(Caller.of(ctx).id(), ctx.pathParam("name"), who)
      .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  /** Saves the collection's blueprint under the body's name; owner only. */
  private void save(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    Caller caller = Caller.of(ctx);
    AuditEvent who = AuditEvent.by(ctx, "template.saved", "template", null, null, null);
    collections.visible(ctx).compose(c -> {
      Access.of(c.getString("access")).require(Access.OWNER, "save it as a template");
      return repository.members(UUID.fromString(c.getString("collection_id")));
    }).compose(members -> {
      UUID[] datasetIds = ids(members, "dataset");
      UUID[] dashboardIds = ids(members, "dashboard");
      return repository.pool().preparedQuery(DATASETS).execute(Tuple.of((Object) datasetIds)).map(rows -> {
        JsonArray datasets = new JsonArray();
        rows.forEach(r -> datasets.add(new JsonObject().put("dataset_id", r.getUUID("id").toString())
          .put("name", r.getString("name")).put("description", r.getString("description"))
          .put("schema", r.getJsonArray("schema"))));
        return datasets;
      }).compose(datasets -> DashboardStore.read(repository.pool(), dashboardIds)
        .map(dashboards -> Blueprints.check(Blueprints.of(body.getString("name"), body.getString("description"),
          datasets, dashboards))));
    }).compose(blueprint -> templates.save(caller.id(), blueprint, who).map(blueprint))
      .onSuccess(blueprint -> Json.created(ctx, Blueprints.summary(blueprint, "saved")))
      .onFailure(ctx::fail);
  }

  private static UUID[] ids(JsonArray members, String type) {
    return members.stream().map(JsonObject.class::cast)
      .filter(m -> type.equals(m.getString("type")) && !"deleted".equals(m.getString("status")))
      .map(m -> UUID.fromString(m.getString("id"))).toArray(UUID[]::new);
  }
}
