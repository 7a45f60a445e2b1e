package io.tributary.collection;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.dashboard.DashboardStore;
import io.tributary.dataset.EmptyDatasets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A collection created from a template: its empty datasets (files written first), its dashboards bound to them and
 * its member links, all in the collection's creating transaction.
 */
final class FromTemplate {

  private final CollectionRepository repository;
  private final Templates templates;
  private final EmptyDatasets empty;

  FromTemplate(CollectionRepository repository, Templates templates, EmptyDatasets empty) {
    this.repository = repository;
    this.templates = templates;
    this.empty = empty;
  }

  /**
   * Creates the collection with the template's empty datasets and dashboards as its members, all in one transaction:
   * an unknown template is 404 naming it, a dataset name the caller already has is 409 naming it, and then nothing
   * is created.
   */
  Future<JsonObject> create(UUID ownerId, String name, String description, JsonArray tags, String template,
                            AuditEvent who) {
    return templates.find(ownerId, template).compose(blueprint -> {
      List<JsonObject> specs = blueprint.getJsonArray("datasets").stream().map(JsonObject.class::cast).toList();
      return empty.write(ownerId, specs).compose(planned -> repository.create(ownerId, name, description, tags, who,
          (conn, collectionId) -> install(conn, ownerId, collectionId, blueprint, planned, who))
        .recover(err -> {
          empty.discard(planned);
          return Future.failedFuture(err);
        }));
    });
  }

  private static Future<Void> install(SqlConnection conn, UUID ownerId, UUID collectionId, JsonObject blueprint,
                                      List<EmptyDatasets.Planned> planned, AuditEvent who) {
    Map<String, UUID> datasetIds = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (EmptyDatasets.Planned d : planned) {
      datasetIds.put(d.name(), d.id());
      chain = chain.compose(v -> EmptyDatasets.register(conn, ownerId, d, who))
        .compose(v -> member(conn, collectionId, "dataset", d.id(), who));
    }
    for (Object o : blueprint.getJsonArray("dashboards")) {
      JsonObject dashboard = Blueprints.bind((JsonObject) o, datasetIds);
      chain = chain.compose(v -> DashboardStore.insert(conn, ownerId, dashboard))
        .compose(stored -> member(conn, collectionId, "dashboard", UUID.fromString(stored.getString("dashboard_id")), who));
    }
    return chain;
  }

  /** A member of a new collection, with the event that adds it (at the collection's first version). */
  private static Future<Void> member(SqlConnection conn, UUID collectionId, String type, UUID id, AuditEvent who) {
    return conn.preparedQuery(MemberRoutes.ADD).execute(Tuple.of(collectionId, type, id))
      .compose(r -> AuditLog.record(conn, who.as(CollectionEvents.ITEM_ADDED, CollectionEvents.RESOURCE, collectionId,
        null, new JsonObject().put("type", type).put("id", id.toString()).put("version", 1))))
      .mapEmpty();
  }

}
