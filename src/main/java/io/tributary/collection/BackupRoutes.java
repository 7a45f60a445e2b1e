package io.tributary.collection;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.tributary.ingest.JobContract;
import io.tributary.ingest.JobQueue;
import io.tributary.lake.Lake;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Backups of a collection: {@code POST /api/v1/collections/{id}/backup {schema_only?}} (its owner; 202 with a job of
 * kind {@value BackupContract#BACKUP}), and the caller's backups at {@code /api/v1/backups}: list, one, download,
 * delete. Another user's backup is 404.
 */
final class BackupRoutes {

  static final String BACKUP = "/api/v1/backups/:backup_id";

  private final Vertx vertx;
  private final BackupRepository repository;
  private final JobQueue jobs;
  private final Path dataDir;
  private final Lake lake;

  BackupRoutes(Vertx vertx, BackupRepository repository, JobQueue jobs, Path dataDir) {
    this.vertx = vertx;
    this.repository = repository;
    this.jobs = jobs;
    this.dataDir = dataDir;
    this.lake = Lake.of(vertx, dataDir);
  }

  void mount(Router router) {
    router.post(CollectionRoutes.PATH + "/backup").handler(this::start);
    router.get("/api/v1/backups").handler(this::list);
    router.get(BACKUP).handler(this::get);
    router.get(BACKUP + "/download").handler(this::download);
    router.delete(BACKUP).handler(this::delete);
  }

  private void start(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "collection_id", "Collection");
    JsonObject body = optionalBody(ctx);
    Object schemaOnly = body.getValue("schema_only");
    if (schemaOnly != null && !(schemaOnly instanceof Boolean)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "schema_only must be true or false",
        new JsonObject().put("field", "schema_only"));
    }
    if (body.fieldNames().stream().anyMatch(f -> !f.equals("schema_only"))) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "A backup takes only schema_only",
        new JsonObject().put("fields", new io.vertx.core.json.JsonArray(List.copyOf(body.fieldNames()))));
    }
    Caller caller = Caller.of(ctx);
    UUID backupId = UUID.randomUUID();
    UUID jobId = UUID.randomUUID();
    String file = BackupContract.archivePath(caller.id().toString(), backupId.toString());
    boolean only = Boolean.TRUE.equals(schemaOnly);
    AuditEvent who = AuditEvent.by(ctx, "collection.backup", CollectionEvents.RESOURCE, id, null,
      new JsonObject().put("backup_id", backupId.toString()).put("job_id", jobId.toString()).put("schema_only", only));
    repository.owned(id, caller.id())
      .compose(c -> repository.pool().withTransaction(conn -> jobs.enqueue(conn, jobId, caller.id(),
          BackupContract.BACKUP, null, new JsonObject().put("backup_id", backupId.toString())
            .put("collection_id", id.toString()).put("schema_only", only).put("file", file))
        .compose(v -> repository.insert(conn, backupId, caller.id(), jobId, c, only, file))
        .compose(v -> AuditLog.record(conn, who))))
      .onSuccess(v -> {
        JobContract.wakeOutbox(vertx.eventBus());
        ctx.response().putHeader("Location", "/api/v1/backups/" + backupId);
        Json.send(ctx, 202, new JsonObject().put("job_id", jobId.toString()).put("backup_id", backupId.toString())
          .put("status", "queued"));
      })
      .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Params.Page page = Params.page(ctx);
    repository.list(Caller.of(ctx).id(), page.fetch(), page.offset())
      .onSuccess(rows -> Json.ok(ctx, page.reply(rows))).onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    found(ctx).onSuccess(b -> Json.ok(ctx, b)).onFailure(ctx::fail);
  }

  private void download(RoutingContext ctx) {
    found(ctx).compose(b -> {
      if (!"ready".equals(b.getString("status"))) {
        return Future.failedFuture(new ApiException(ErrorCode.NOT_READY, "The backup is " + b.getString("status")
          + "; download it once it is ready", new JsonObject().put("status", b.getString("status"))));
      }
      String file = BackupContract.archivePath(Caller.of(ctx).id().toString(), b.getString("backup_id"));
      return lake.ensure(vertx, List.of(file)).map(v -> {
        ctx.response().putHeader("Content-Type", "application/zip")
          .putHeader("Content-Disposition", "attachment; filename=\"" + b.getString("collection_name") + "-"
            + b.getString("backup_id") + ".zip\"")
          .sendFile(dataDir.resolve(file).toString());
        return null;
      });
    }).onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    found(ctx).compose(b -> {
      if ("running".equals(b.getString("status"))) {
        return Future.failedFuture(new ApiException(ErrorCode.NOT_READY, "The backup is still being written; "
          + "delete it once its job has ended"));
      }
      UUID id = UUID.fromString(b.getString("backup_id"));
      String file = BackupContract.archivePath(caller.id().toString(), id.toString());
      return repository.delete(id, caller.id(), AuditEvent.by(ctx, "backup.deleted", "backup", id,
          new JsonObject().put("collection_id", b.getString("collection_id")).put("size_bytes", b.getLong("size_bytes")),
          null))
        .onSuccess(v -> {
          vertx.fileSystem().delete(dataDir.resolve(file).toString()).onFailure(e -> { });
          lake.deleteRemoteLater(vertx, file);
        });
    }).onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  /** The caller's backup of the path, or 404. */
  private Future<JsonObject> found(RoutingContext ctx) {
    return repository.find(Params.pathId(ctx, "backup_id", "Backup"), Caller.of(ctx).id())
      .compose(b -> b == null ? Future.failedFuture(ApiException.notFound("Backup")) : Future.succeededFuture(b));
  }

  /** The JSON body, or an empty object when none was sent. */
  static JsonObject optionalBody(RoutingContext ctx) {
    var buffer = ctx.body() == null ? null : ctx.body().buffer();
    return buffer == null || buffer.length() == 0 ? new JsonObject() : Json.body(ctx);
  }
}
