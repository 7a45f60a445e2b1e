package io.tributary.dataset;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.lake.Lake;
import io.tributary.lake.LakePaths;
import io.tributary.parquet.ParquetMerge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlClient;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Datasets created from a schema: each is ready at version 1 with a Parquet file of its columns and no rows, so it
 * is queryable at once and uploads with {@code mode=append} fill it. The files are written first (on a worker);
 * {@link #register} then records each in the caller's transaction, with its profile and its audit event.
 */
public final class EmptyDatasets {

  /** The dataset-name rule. */
  public static final Pattern NAME = Pattern.compile("^[a-z_][a-z0-9_]{0,62}$");

  /** A dataset about to be registered: its file (lake path) is written. */
  public record Planned(UUID id, String name, String description, JsonArray schema, String file, long sizeBytes) {
  }

  private final Vertx vertx;
  private final Lake lake;

  public EmptyDatasets(Vertx vertx, java.nio.file.Path dataDir) {
    this.vertx = vertx;
    this.lake = Lake.of(vertx, dataDir);
  }

  /** A dataset name, or 400 INVALID_NAME. */
  public static String name(String name, String field) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ApiException(ErrorCode.INVALID_NAME, "The dataset name " + (name == null ? "is missing" : "'" + name
        + "' is not valid") + ": it must match ^[a-z_][a-z0-9_]{0,62}$ (lowercase letters, digits, underscores)",
        new JsonObject().put("field", field).put("name", name));
    }
    return name;
  }

  /**
   * Writes the empty file of each dataset ({@code {name, description?, schema}} with a checked schema) of the owner;
   * the answer lists them in the same order. On failure nothing stays written.
   */
  public Future<List<Planned>> write(UUID ownerId, List<JsonObject> specs) {
    List<Planned> planned = new ArrayList<>();
    for (JsonObject spec : specs) {
      UUID id = UUID.randomUUID();
      planned.add(new Planned(id, spec.getString("name"), spec.getString("description"), spec.getJsonArray("schema"),
        LakePaths.datasetFile(ownerId.toString(), id.toString(), "schema-" + UUID.randomUUID()), 0));
    }
    return vertx.executeBlocking(() -> {
      List<Planned> written = new ArrayList<>();
      try {
        for (Planned p : planned) {
          long size = ParquetMerge.empty(p.schema(), lake.dataDir().resolve(p.file()));
          lake.publish(p.file());
          written.add(new Planned(p.id(), p.name(), p.description(), p.schema(), p.file(), size));
        }
      } catch (Exception e) {
        planned.forEach(p -> lake.dataDir().resolve(p.file()).toFile().delete());
        throw e;
      }
      return written;
    }, false);
  }

  /** Removes the files of datasets that were not registered. */
  public void discard(List<Planned> planned) {
    for (Planned p : planned) {
      vertx.fileSystem().deleteRecursive(lake.dataDir().resolve(p.file()).getParent().toString()).onFailure(e -> { });
      lake.deleteRemoteLater(vertx, p.file());
    }
  }

  /**
   * Records the dataset in the caller's transaction, with its empty profile and its {@code dataset.created} event;
   * a name the owner already has fails with 409 DATASET_EXISTS naming it.
   */
  public static Future<Void> register(SqlClient conn, UUID ownerId, Planned d, AuditEvent who) {
    return DatasetStore.insertEmpty(conn, d.id(), ownerId, d.name(), d.description(), d.schema(), d.file(), d.sizeBytes())
      .recover(err -> Future.failedFuture(err instanceof PgException pg && "23505".equals(pg.getSqlState())
        && DatasetStore.UNIQUE_NAME.equals(pg.getConstraint())
        ? new ApiException(ErrorCode.DATASET_EXISTS, "You already have a dataset named " + d.name(),
        new JsonObject().put("field", "name").put("name", d.name())) : err))
      .compose(v -> AuditLog.record(conn, who.as("dataset.created", "dataset", d.id(), null, new JsonObject()
        .put("name", d.name()).put("source_type", "schema").put("schema", d.schema()))))
      .mapEmpty();
  }

  /** The checked {@code {name, description, schema}} of one dataset of a request or a template. */
  public static JsonObject spec(JsonObject raw, String field) {
    String prefix = field.isEmpty() ? "" : field + ".";
    String name = name(raw.getValue("name") instanceof String s ? s : null, prefix + "name");
    Object description = raw.getValue("description");
    if (description != null && !(description instanceof String && ((String) description).length() <= 2000)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "description must be text of at most 2000 characters",
        new JsonObject().put("field", prefix + "description"));
    }
    return new JsonObject().put("name", name).put("description", description)
      .put("schema", ColumnTypes.schema(raw.getValue("schema"), prefix + "schema"));
  }
}
