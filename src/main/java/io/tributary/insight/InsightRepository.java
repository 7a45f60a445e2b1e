package io.tributary.insight;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What an insight run needs of a dataset, read in one statement so the version and the files agree: its status,
 * name, version, current Parquet files (the file of an upload, the registered parts of a stream) and the profile's
 * row and duplicate counts.
 */
final class InsightRepository {

  static final String FIND = "SELECT d.status, d.name, d.version, d.file_path, "
    + "(SELECT array_agg(p.file_path ORDER BY p.created_at, p.id) FROM stream_parts p WHERE p.dataset_id = d.id) AS parts, "
    + "(pr.profile->>'row_count')::bigint AS row_count, (pr.profile->>'duplicate_rows')::bigint AS duplicate_rows "
    + "FROM datasets d LEFT JOIN profiles pr ON pr.dataset_id = d.id "
    + "WHERE d.id = $1 AND d.owner_id = $2 AND d.status <> 'failed'";

  /** A dataset version to analyse; {@code files} are absolute paths, empty while a stream holds no data. */
  record Target(String status, String name, int version, List<String> files, JsonObject profile) {
  }

  private final Pool pool;
  private final Path dataDir;

  InsightRepository(Pool pool, Path dataDir) {
    this.pool = pool;
    this.dataDir = dataDir;
  }

  /** The owner's dataset, or null when it does not exist or is another user's. */
  Future<Target> find(UUID datasetId, UUID ownerId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(datasetId, ownerId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      List<String> files = new ArrayList<>();
      String[] parts = row.getArrayOfStrings("parts");
      if (parts != null && parts.length > 0) {
        for (String p : parts) {
          files.add(dataDir.resolve(p).toAbsolutePath().toString());
        }
      } else if (row.getString("file_path") != null) {
        files.add(dataDir.resolve(row.getString("file_path")).toAbsolutePath().toString());
      }
      JsonObject profile = row.getLong("row_count") == null ? null : new JsonObject()
        .put("row_count", row.getLong("row_count")).put("duplicate_rows", row.getLong("duplicate_rows"));
      return new Target(row.getString("status"), row.getString("name"), row.getInteger("version"), files, profile);
    });
  }
}
