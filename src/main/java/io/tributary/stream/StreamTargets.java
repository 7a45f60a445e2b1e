package io.tributary.stream;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.dataset.ColumnTypes;
import io.tributary.dataset.DatasetStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * The existing dataset a new stream fills instead of creating its own ({@code dataset} of the registration): the
 * caller's, ready, a file dataset of declared column types, with no rows, no upload of it under way and no stream
 * or database import filling it. Checked and turned into a stream's dataset in the registration's transaction.
 */
final class StreamTargets {

  static final String FILLED_BY = "SELECT name FROM streams WHERE dataset_id = $1 ORDER BY created_at LIMIT 1";

  private StreamTargets() {
  }

  /** The id of the owner's dataset {@code name}, now a stream's; 404 or 409 (nothing changed) when it cannot be. */
  static Future<UUID> claim(SqlConnection conn, UUID ownerId, String name) {
    return DatasetStore.lockForStream(conn, ownerId, name).compose(row -> {
      if (row == null) {
        return Future.failedFuture(new ApiException(ErrorCode.NOT_FOUND, "Dataset " + name + " not found; a stream "
          + "fills one of your datasets", details(name)));
      }
      if ("stream".equals(row.getString("kind"))) {
        return conn.preparedQuery(FILLED_BY).execute(Tuple.of(row.getUUID("id"))).compose(rows ->
          Future.failedFuture(conflict(name, rows.size() == 0 ? "is a stream's dataset"
            : "is already filled by stream " + rows.iterator().next().getString("name"))));
      }
      if (!"ready".equals(row.getString("status")) || row.getBoolean("busy")) {
        return Future.failedFuture(conflict(name, "has an upload in progress; register the stream when it ends"));
      }
      if (row.getBoolean("imported")) {
        return Future.failedFuture(conflict(name, "is filled by a database import"));
      }
      long rows = row.getLong("row_count") == null ? 0 : row.getLong("row_count");
      if (rows > 0) {
        return Future.failedFuture(conflict(name, "holds " + rows + " rows; a stream fills only an empty dataset"));
      }
      String unfit = unfit(row);
      if (unfit != null) {
        return Future.failedFuture(conflict(name, unfit));
      }
      return DatasetStore.toStream(conn, row.getUUID("id")).map(row.getUUID("id"));
    });
  }

  /** Why a stream cannot fill the dataset's columns, or null when it can. */
  private static String unfit(Row row) {
    JsonArray schema = row.getJsonArray("schema");
    if (schema == null || schema.isEmpty()) {
      return "has no columns; create it from a schema first";
    }
    for (Object o : schema) {
      JsonObject c = (JsonObject) o;
      String type = c.getString("type");
      if (type == null || !type.equals(ColumnTypes.canonical(type)) || !DeclaredTypes.supported(type)) {
        return "has the column " + c.getString("name") + " of type " + type + ", which a stream cannot fill";
      }
    }
    return null;
  }

  private static ApiException conflict(String name, String why) {
    return new ApiException(ErrorCode.CONFLICT, "The dataset " + name + " " + why + "; nothing was changed",
      details(name));
  }

  private static JsonObject details(String name) {
    return new JsonObject().put("field", "dataset").put("dataset", name);
  }
}
