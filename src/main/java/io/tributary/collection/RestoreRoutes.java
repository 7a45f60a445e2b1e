package io.tributary.collection;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.tributary.http.RequestIdHandler;
import io.tributary.ingest.JobContract;
import io.tributary.ingest.JobQueue;
import io.tributary.ingest.UploadReceiver;
import io.tributary.lake.Lake;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /api/v1/collections/restore}: a multipart upload of an archive (part {@code archive} or {@code file},
 * fields {@code name, skip_schema, overwrite, dry_run}) or JSON {@code {backup_id, name?, skip_schema?, overwrite?,
 * dry_run?}}. The manifest is checked at once (400 for what is not a backup of this format, 409 for a name the caller
 * already has, unless overwrite); {@code dry_run=true} answers the plan and changes nothing; otherwise 202 with a job
 * of kind {@value BackupContract#RESTORE}, which verifies every checksum before anything becomes visible.
 */
final class RestoreRoutes {

  /** The restore route; a multipart request to it stays paused until the receiver reads it. */
  static final String PATH = "/api/v1/collections/restore";
  private static final Set<String> FIELDS = Set.of("backup_id", "name", "skip_schema", "overwrite", "dry_run");

  private final Vertx vertx;
  private final BackupRepository repository;
  private final JobQueue jobs;
  private final Path dataDir;
  private final Lake lake;
  private final UploadReceiver receiver;

  RestoreRoutes(Vertx vertx, BackupRepository repository, JobQueue jobs, Path dataDir, long maxUploadBytes) {
    this.vertx = vertx;
    this.repository = repository;
    this.jobs = jobs;
    this.dataDir = dataDir;
    this.lake = Lake.of(vertx, dataDir);
    this.receiver = new UploadReceiver(vertx, maxUploadBytes, Set.of("archive", "file"));
  }

  /** True for a multipart request to the restore route (its body is streamed to staging, not parsed). */
  static boolean isUpload(String path, String contentType) {
    return PATH.equals(path) && contentType != null && contentType.toLowerCase().startsWith("multipart/form-data");
  }

  void mount(Router router) {
    router.post(PATH).handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN)).handler(this::restore);
  }

  private void restore(RoutingContext ctx) {
    UUID jobId = UUID.randomUUID();
    if (isUpload(ctx.normalizedPath(), ctx.request().getHeader("Content-Type"))) {
      String staged = "staging/" + jobId;
      String local = dataDir.resolve(staged).toString();
      receiver.receive(ctx.request(), local)
        .compose(received -> {
          if (!received.hasFile() || received.bytes() == 0) {
            return Future.failedFuture(new ApiException(ErrorCode.VALIDATION_FAILED, "Send the backup archive as "
              + "the multipart part 'archive'", new JsonObject().put("field", "archive")));
          }
          JsonObject options = new JsonObject();
          for (String f : FIELDS) {
            String v = ctx.request().getFormAttribute(f);
            if (v != null && !v.isEmpty()) {
              options.put(f, f.equals("name") || f.equals("backup_id") ? v : flag(f, v));
            }
          }
          return lake.publishAsync(vertx, staged).compose(v -> accept(ctx, jobId, options, staged, local));
        })
        .onSuccess(reply -> answer(ctx, reply))
        .onFailure(err -> vertx.fileSystem().delete(local).onComplete(x -> ctx.fail(err)));
      return;
    }
    JsonObject body = BackupRoutes.optionalBody(ctx);
    if (body.fieldNames().stream().anyMatch(f -> !FIELDS.contains(f))) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "A restore takes " + String.join(", ", FIELDS.stream()
        .sorted().toList()) + ", or a multipart upload of the archive", new JsonObject().put("fields",
        new io.vertx.core.json.JsonArray(List.copyOf(body.fieldNames()))));
    }
    if (!(body.getValue("backup_id") instanceof String backup)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "Send {backup_id} or upload the archive as multipart "
        + "part 'archive'", new JsonObject().put("field", "backup_id"));
    }
    UUID backupId = Params.uuid(backup, "Backup");
    Caller caller = Caller.of(ctx);
    repository.find(backupId, caller.id()).compose(b -> {
      if (b == null) {
        return Future.failedFuture(ApiException.notFound("Backup"));
      }
      if (!"ready".equals(b.getString("status"))) {
        return Future.failedFuture(new ApiException(ErrorCode.NOT_READY, "The backup is " + b.getString("status")));
      }
      String archive = BackupContract.archivePath(caller.id().toString(), backupId.toString());
      return lake.ensure(vertx, List.of(archive)).compose(v -> accept(ctx, jobId, body, archive, null));
    }).onSuccess(reply -> answer(ctx, reply)).onFailure(ctx::fail);
  }

  /**
   * Checks the options and the manifest, plans; answers the dry run or queues the job. {@code staged} is the local
   * path of an uploaded archive (the job's staging file, removed when it ends), null for a stored backup.
   */
  private Future<JsonObject> accept(RoutingContext ctx, UUID jobId, JsonObject options, String archive, String staged) {
    Caller caller = Caller.of(ctx);
    for (String f : List.of("skip_schema", "overwrite", "dry_run")) {
      if (options.getValue(f) != null && !(options.getValue(f) instanceof Boolean)) {
        throw new ApiException(ErrorCode.VALIDATION_FAILED, f + " must be true or false", new JsonObject().put("field", f));
      }
    }
    if (options.getValue("name") != null && !(options.getValue("name") instanceof String)) {
      throw new ApiException(ErrorCode.INVALID_NAME, "name must be a collection name", new JsonObject().put("field", "name"));
    }
    boolean overwrite = options.getBoolean("overwrite", false);
    boolean skipSchema = options.getBoolean("skip_schema", false);
    return vertx.executeBlocking(() -> BackupArchive.manifest(dataDir.resolve(archive)), false).compose(manifest -> {
      String name = RestorePlan.target(manifest, options.getString("name"));
      return RestoreJob.current(repository, caller.id(), name).compose(current -> {
        RestorePlan plan = RestorePlan.of(manifest, name, current, overwrite, skipSchema, jobId, caller.id());
        if (options.getBoolean("dry_run", false)) {
          if (staged != null) {
            vertx.fileSystem().delete(staged).onFailure(e -> { });
            lake.deleteRemoteLater(vertx, archive);
          }
          return Future.succeededFuture(plan.toJson(current));
        }
        JsonObject params = new JsonObject().put("archive", archive).put("upload", staged != null)
          .put("backup_id", options.getString("backup_id")).put("name", name).put("overwrite", overwrite)
          .put("skip_schema", skipSchema).put("actor", new JsonObject().put("role", caller.role())
            .put("request_id", RequestIdHandler.requestId(ctx)));
        return repository.pool().withTransaction(conn -> jobs.enqueue(conn, jobId, caller.id(), BackupContract.RESTORE,
            null, params)
          .compose(v -> staged == null ? Future.succeededFuture()
            : conn.preparedQuery(BackupRepository.SET_STAGING).execute(Tuple.of(jobId, staged)).mapEmpty()))
          .map(v -> {
            JobContract.wakeOutbox(vertx.eventBus());
            return new JsonObject().put("job_id", jobId.toString()).put("status", "queued").put("name", name)
              .put("datasets", plan.datasets().size()).put("dashboards", plan.dashboards().size())
              .put("overwrite", overwrite);
          });
      });
    }).recover(err -> Future.failedFuture(err instanceof ClassCastException
      ? new ApiException(ErrorCode.INVALID_FILE, "The archive's manifest is not valid: " + err.getMessage()) : err));
  }

  private static void answer(RoutingContext ctx, JsonObject reply) {
    if (reply.getBoolean("dry_run", false)) {
      Json.ok(ctx, reply);
    } else {
      ctx.response().putHeader("Location", "/api/v1/data/job/" + reply.getString("job_id"));
      Json.send(ctx, 202, reply);
    }
  }

  private static Object flag(String field, String value) {
    return switch (value) {
      case "true", "1" -> Boolean.TRUE;
      case "false", "0" -> Boolean.FALSE;
      default -> value; // refused by accept, naming the field
    };
  }
}
