package io.tributary.dashboard;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * Dashboard writes and reads that other features run on the connection of their own transaction (a collection made
 * from a template creates its dashboards with it; saving a template reads them).
 */
public final class DashboardStore {

  static final String OF_IDS = "SELECT " + DashboardRepository.COLUMNS + " FROM dashboards WHERE id = ANY($1) "
    + "ORDER BY name, id";

  private DashboardStore() {
  }

  /**
   * The visualizations in the shape the dashboard API stores (viz ids assigned, positions and configs completed), or
   * 400 naming the first faulty one. Their queries are not checked here.
   */
  public static JsonArray normalise(JsonArray visualizations) {
    return Visualizations.normalise(visualizations);
  }

  /**
   * A new dashboard of the owner: {@code {name, description, refresh_seconds, layout, visualizations}} (visualizations
   * are {@linkplain #normalise normalised}). Returns it as the API shows it.
   */
  public static Future<JsonObject> insert(SqlClient conn, UUID ownerId, JsonObject d) {
    return write(conn, DashboardRepository.INSERT, UUID.randomUUID(), ownerId, d);
  }

  /** {@link #insert} under a chosen id. */
  public static Future<JsonObject> insert(SqlClient conn, UUID id, UUID ownerId, JsonObject d) {
    return write(conn, DashboardRepository.INSERT, id, ownerId, d);
  }

  /**
   * Replaces the owner's dashboard {@code id} with {@code d} as its next version (same shape as {@link #insert});
   * null when the owner has no such dashboard.
   */
  public static Future<JsonObject> replace(SqlClient conn, UUID id, UUID ownerId, JsonObject d) {
    return write(conn, DashboardRepository.UPDATE, id, ownerId, d);
  }

  private static Future<JsonObject> write(SqlClient conn, String sql, UUID id, UUID ownerId, JsonObject d) {
    return conn.preparedQuery(sql).execute(Tuple.from(new Object[] {id, ownerId,
        d.getString("name"), d.getString("description"), d.getInteger("refresh_seconds"),
        d.getJsonObject("layout", new JsonObject()), normalise(d.getJsonArray("visualizations", new JsonArray()))}))
      .map(rows -> rows.size() == 0 ? null : DashboardRepository.toJson(rows.iterator().next()));
  }

  /** The dashboards of these ids, by name. */
  public static Future<JsonArray> read(SqlClient conn, UUID[] ids) {
    return conn.preparedQuery(OF_IDS).execute(Tuple.of(ids)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(DashboardRepository.toJson(r)));
      return out;
    });
  }
}
