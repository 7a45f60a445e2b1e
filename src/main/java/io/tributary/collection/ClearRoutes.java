package io.tributary.collection;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.dataset.DatasetStore;
import io.tributary.http.Caller;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.tributary.lake.Lake;
import io.tributary.lake.LakePaths;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /api/v1/collections/{id}/clear}: every member dataset (a ready uploaded file) becomes empty as a new
 * version with the same schema, in one transaction with the collection's new version and its audit events. Streams'
 * datasets fill live and are skipped (and named). Owner only; protected names need an admin with {@code force=true};
 * {@code dry_run=true} answers what would be emptied.
 */
final class ClearRoutes {

  static final String FILES = "SELECT id, owner_id, name, file_path, schema, row_count, size_bytes FROM datasets "
    + "WHERE id = ANY($1) AND status = 'ready' AND kind = 'file' AND file_path IS NOT NULL";

  private final Vertx vertx;
  private final CollectionRepository repository;
  private final CollectionRoutes collections;
  private final ProtectedNames protectedNames;
  private final Path dataDir;
  private final Lake lake;
  private final long fileGraceMs;

  ClearRoutes(Vertx vertx, CollectionRepository repository, CollectionRoutes collections, ProtectedNames protectedNames,
              Path dataDir, long fileGraceMs) {
    this.vertx = vertx;
    this.repository = repository;
    this.collections = collections;
    this.protectedNames = protectedNames;
    this.dataDir = dataDir;
    this.lake = Lake.of(vertx, dataDir);
    this.fileGraceMs = fileGraceMs;
  }

  void mount(Router router) {
    router.post(CollectionRoutes.PATH + "/clear").handler(this::clear);
  }

  private void clear(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "collection_id", "Collection");
    Caller caller = Caller.of(ctx);
    boolean force = CollectionRoutes.flag(ctx, "force");
    boolean dryRun = CollectionRoutes.flag(ctx, "dry_run");
    Integer expected = dryRun ? null : Precondition.expected(ctx);
    collections.visible(ctx).compose(c -> {
      Access.of(c.getString("access")).require(Access.OWNER, "clear it");
      protectedNames.check(c.getString("name"), caller, force, "cleared");
      return collections.impact(c, "clear");
    }).compose(impact -> datasets(impact.getJsonArray("members")).compose(found -> {
      JsonObject plan = plan(impact, found);
      if (dryRun) {
        return Future.succeededFuture(plan);
      }
      if (!impact.getInteger("version").equals(expected)) {
        return Future.failedFuture(Precondition.stale(impact.getInteger("version"), expected));
      }
      return apply(ctx, id, expected, caller, force, found, plan);
    })).onSuccess(reply -> {
      if (reply.getInteger("version") != null && !dryRun) {
        Precondition.etag(ctx, reply.getInteger("version"));
      }
      Json.ok(ctx, reply);
    }).onFailure(ctx::fail);
  }

  /** The member datasets that can be emptied. */
  private Future<List<Row>> datasets(JsonArray members) {
    UUID[] ids = members.stream().map(o -> (JsonObject) o).filter(m -> "dataset".equals(m.getString("type")))
      .map(m -> UUID.fromString(m.getString("id"))).toArray(UUID[]::new);
    return repository.pool().preparedQuery(FILES).execute(Tuple.of(ids)).map(rows -> {
      List<Row> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    });
  }

  private static JsonObject plan(JsonObject impact, List<Row> found) {
    JsonArray cleared = new JsonArray();
    long rows = 0;
    long bytes = 0;
    for (Row r : found) {
      cleared.add(new JsonObject().put("dataset_id", r.getUUID("id").toString()).put("name", r.getString("name"))
        .put("row_count", r.getLong("row_count")).put("size_bytes", r.getLong("size_bytes")));
      rows += r.getLong("row_count") == null ? 0 : r.getLong("row_count");
      bytes += r.getLong("size_bytes") == null ? 0 : r.getLong("size_bytes");
    }
    JsonArray skipped = new JsonArray();
    impact.getJsonArray("members").forEach(o -> {
      JsonObject m = (JsonObject) o;
      boolean isCleared = cleared.stream().anyMatch(c -> ((JsonObject) c).getString("dataset_id").equals(m.getString("id")));
      if (!isCleared && !"deleted".equals(m.getString("status"))) {
        skipped.add(new JsonObject().put("type", m.getString("type")).put("id", m.getString("id"))
          .put("reason", "dataset".equals(m.getString("type")) || "stream".equals(m.getString("type"))
            ? "only ready uploaded datasets are cleared; a stream's dataset fills live" : "holds no data"));
      }
    });
    return new JsonObject().put("dry_run", impact.getBoolean("dry_run")).put("action", "clear")
      .put("collection_id", impact.getString("collection_id")).put("name", impact.getString("name"))
      .put("items", cleared.size()).put("rows", rows).put("bytes", bytes).put("datasets", cleared)
      .put("skipped", skipped).put("conflicts", new JsonArray());
  }

  private Future<JsonObject> apply(RoutingContext ctx, UUID id, int expected, Caller caller, boolean force,
                                   List<Row> found, JsonObject plan) {
    List<String> written = new ArrayList<>();
    AuditEvent who = AuditEvent.by(ctx, CollectionEvents.CLEARED, CollectionEvents.RESOURCE, id, null, null);
    return vertx.executeBlocking(() -> {
      List<Long> sizes = new ArrayList<>();
      for (Row r : found) {
        String file = LakePaths.datasetFile(r.getUUID("owner_id").toString(), r.getUUID("id").toString(),
          "cleared-" + UUID.randomUUID());
        // on an object store the current file may not be on this node, and the empty one must reach the bucket
        sizes.add(emptyCopy(lake.fetch(r.getString("file_path")), dataDir.resolve(file)));
        written.add(file);
        lake.publish(file);
      }
      return sizes;
    }, false).compose(sizes -> repository.change(id, caller.id(), expected, Access.OWNER, "clear it",
      (conn, current, version) -> {
        boolean forced = protectedNames.check(current.getString("name"), caller, force, "cleared");
        List<String> replaced = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < found.size(); i++) {
          Row r = found.get(i);
          String file = written.get(i);
          long size = sizes.get(i);
          chain = chain.compose(v -> DatasetStore.clear(conn, r.getUUID("id"), file, size, r.getJsonArray("schema"))
            .compose(old -> {
              if (old != null) {
                replaced.add(old);
              }
              return AuditLog.record(conn, who.as("dataset.cleared", "dataset", r.getUUID("id"),
                new JsonObject().put("row_count", r.getLong("row_count")), new JsonObject().put("row_count", 0)
                  .put("collection_id", id.toString()))).<Void>mapEmpty();
            }));
        }
        return chain.compose(v -> AuditLog.record(conn, who.as(CollectionEvents.CLEARED, CollectionEvents.RESOURCE, id,
            null, new JsonObject().put("datasets", plan.getJsonArray("datasets").stream()
              .map(d -> ((JsonObject) d).getString("dataset_id")).toList()).put("rows", plan.getLong("rows"))
              .put("bytes", plan.getLong("bytes")).put("forced", forced).put("version", version))))
          .map(v -> {
            vertx.setTimer(fileGraceMs, t -> replaced.forEach(f -> {
              vertx.fileSystem().delete(dataDir.resolve(f).toString()).onFailure(e -> { });
              lake.deleteRemoteLater(vertx, f);
            }));
            return plan.copy().put("dry_run", false).put("version", version);
          });
      }))
      .onFailure(e -> written.forEach(f -> {
        vertx.fileSystem().delete(dataDir.resolve(f).toString()).onFailure(x -> { });
        lake.deleteRemoteLater(vertx, f);
      }));
  }

  /** Writes a Parquet file with the schema of {@code source} and no rows; returns its size. Blocking. */
  static long emptyCopy(Path source, Path target) throws Exception {
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET threads = 1");
      s.execute("COPY (SELECT * FROM read_parquet(" + literal(source.toAbsolutePath().toString()) + ") LIMIT 0) TO "
        + literal(temp.toAbsolutePath().toString()) + " (FORMAT parquet)");
    }
    Files.move(temp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return Files.size(target);
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
