package io.tributary.collection;

import io.tributary.audit.AuditEvent;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.dashboard.DashboardStore;
import io.tributary.query.SqlRename;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The dashboards a restore recreates: the archived collection's member dashboards, each visualization pointed at the
 * restored copy of its dataset (its {@code dataset_id}, and its query's table names when the copy got a new name). A
 * visualization over a dataset the archive does not hold is left out. Over an existing collection, a member dashboard
 * of the same name gets the archived one as its next version; the others are created, owned by the restoring user.
 */
final class RestoredDashboards {

  /** The owner's dashboards that are members of a collection. */
  static final String MEMBERS = "SELECT b.id, b.name FROM collection_items i JOIN dashboards b ON b.id = i.item_id "
    + "WHERE i.collection_id = $1 AND i.item_type = 'dashboard' AND b.owner_id = $2 ORDER BY b.name, b.id";

  /** One dashboard to restore: new, or the next version of the member {@code id} ({@code replaces}). */
  record Planned(UUID id, boolean replaces, String originalId, JsonObject dashboard, int leftOut) {
    String name() {
      return dashboard.getString("name");
    }

    JsonObject toJson() {
      return new JsonObject().put("dashboard_id", id.toString()).put("name", name())
        .put("action", replaces ? "replace" : "create")
        .put("visualizations", dashboard.getJsonArray("visualizations").size()).put("left_out", leftOut);
    }
  }

  private RestoredDashboards() {
  }

  /**
   * The dashboards to restore. {@code datasets} are the restored datasets in the manifest's order; {@code members} the
   * existing collection's member dashboards ({@code id, name}). 400 INVALID_FILE when an archived dashboard is not
   * one the dashboard API would store.
   */
  static List<Planned> plan(JsonObject manifest, List<BackupRepository.Restored> datasets, List<Row> members) {
    JsonArray archived = manifest.getJsonArray("datasets");
    Map<String, BackupRepository.Restored> byOriginalId = new HashMap<>();
    Map<String, String> renames = new HashMap<>();
    for (int i = 0; i < datasets.size(); i++) {
      BackupRepository.Restored d = datasets.get(i);
      byOriginalId.put(archived.getJsonObject(i).getString("id"), d);
      if (!d.name().equals(d.originalName())) {
        renames.put(d.originalName().toLowerCase(Locale.ROOT), d.name());
      }
    }
    Map<String, Row> existing = members.stream()
      .collect(Collectors.toMap(r -> r.getString("name"), Function.identity(), (a, b) -> a));
    return manifest.getJsonArray("dashboards", new JsonArray()).stream().map(JsonObject.class::cast)
      .filter(b -> b.getBoolean("member", true))
      .map(b -> {
        JsonArray visualizations = new JsonArray();
        int leftOut = 0;
        for (Object o : b.getJsonArray("visualizations", new JsonArray())) {
          JsonObject viz = ((JsonObject) o).copy();
          BackupRepository.Restored d = byOriginalId.get(viz.getString("dataset_id"));
          if (d == null) {
            leftOut++;
            continue;
          }
          visualizations.add(viz.put("dataset_id", d.id().toString())
            .put("query", SqlRename.tables(viz.getString("query", ""), renames)));
        }
        JsonObject dashboard = new JsonObject().put("name", b.getString("name"))
          .put("description", b.getString("description")).put("refresh_seconds", b.getInteger("refresh_seconds"))
          .put("layout", b.getJsonObject("layout", new JsonObject()));
        try {
          dashboard.put("visualizations", DashboardStore.normalise(visualizations));
        } catch (ApiException e) {
          throw new ApiException(ErrorCode.INVALID_FILE, "The archive's dashboard " + b.getString("name")
            + " is not valid: " + e.getMessage(), new JsonObject().put("dashboard", b.getString("name")));
        }
        Row member = existing.get(b.getString("name"));
        return new Planned(member == null ? UUID.randomUUID() : member.getUUID("id"), member != null,
          b.getString("id"), dashboard, leftOut);
      }).toList();
  }

  /**
   * Stores the dashboards on the restore's connection, their audit events added to {@code events}: a new one is
   * created and added to the collection at {@code version}; a replaced one gets its next version. 409 when a
   * dashboard to replace was deleted meanwhile.
   */
  static Future<Void> register(SqlConnection conn, UUID ownerId, UUID collectionId, int version,
                               List<Planned> dashboards, AuditEvent who, List<AuditEvent> events) {
    Future<Void> chain = Future.succeededFuture();
    for (Planned d : dashboards) {
      JsonObject payload = new JsonObject().put("name", d.name()).put("restored_from", d.originalId())
        .put("visualizations", d.dashboard().getJsonArray("visualizations").size());
      chain = chain.compose(v -> d.replaces()
        ? DashboardStore.replace(conn, d.id(), ownerId, d.dashboard()).<Void>compose(stored -> {
          if (stored == null) {
            return Future.failedFuture(new ApiException(ErrorCode.CONFLICT, "The dashboard " + d.name() + " was "
              + "deleted while the restore ran; nothing was restored", new JsonObject().put("dashboard_id",
              d.id().toString())));
          }
          events.add(who.as("dashboard.updated", "dashboard", d.id(), null, payload));
          return Future.succeededFuture();
        })
        : DashboardStore.insert(conn, d.id(), ownerId, d.dashboard())
          .compose(x -> conn.preparedQuery(BackupRepository.INSERT_ITEM).execute(Tuple.of(collectionId, "dashboard",
            d.id())))
          .<Void>map(x -> {
            events.add(who.as("dashboard.created", "dashboard", d.id(), null, payload));
            events.add(who.as(CollectionEvents.ITEM_ADDED, CollectionEvents.RESOURCE, collectionId, null,
              new JsonObject().put("type", "dashboard").put("id", d.id().toString()).put("version", version)));
            return null;
          }));
    }
    return chain;
  }
}
