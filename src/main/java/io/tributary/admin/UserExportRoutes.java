package io.tributary.admin;

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
import io.tributary.lake.LakePaths;
import io.tributary.lake.LakeUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.List;
import java.util.UUID;

/**
 * GDPR export: {@code POST /api/v1/users/{id}/export} (the user themself or an admin; anyone else 404) queues a job
 * ({@link UserExportVerticle}) owned by the caller, followed like any job at {@code /api/v1/data/job/{job_id}} and
 * on {@code /ws/events}; {@code GET /api/v1/users/{id}/export/{job_id}} downloads the archive once it is completed.
 */
public final class UserExportRoutes {

  private final Vertx vertx;
  private final Pool pool;
  private final UserAdminRepository users;
  private final JobQueue jobs;
  private final Lake lake;

  public UserExportRoutes(Vertx vertx, Pool pool, UserAdminRepository users, JobQueue jobs, Lake lake) {
    this.vertx = vertx;
    this.pool = pool;
    this.users = users;
    this.jobs = jobs;
    this.lake = lake;
  }

  public void mount(Router router) {
    router.post("/api/v1/users/:user_id/export").handler(this::start);
    router.get("/api/v1/users/:user_id/export/:job_id").handler(this::download);
  }

  private static UUID target(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    UUID id = Params.pathId(ctx, "user_id", "User");
    if (!Caller.ADMIN.equals(caller.role()) && !caller.id().equals(id)) {
      throw ApiException.notFound("User");
    }
    return id;
  }

  private void start(RoutingContext ctx) {
    UUID user = target(ctx);
    UUID jobId = UUID.randomUUID();
    Caller caller = Caller.of(ctx);
    AuditEvent who = AuditEvent.by(ctx, "user.export_requested", "user", user, null,
      new JsonObject().put("job_id", jobId.toString()));
    users.find(user)
      .compose(u -> pool.withTransaction(conn -> jobs.enqueue(conn, jobId, caller.id(), UserExportVerticle.JOB_TYPE, null,
        new JsonObject().put("user_id", user.toString())).compose(v -> AuditLog.record(conn, who))))
      .onSuccess(v -> {
        JobContract.wakeOutbox(vertx.eventBus());
        Json.send(ctx, 202, new JsonObject().put("job_id", jobId.toString()).put("status", "queued"));
      })
      .onFailure(ctx::fail);
  }

  private void download(RoutingContext ctx) {
    UUID user = target(ctx);
    UUID jobId = Params.pathId(ctx, "job_id", "Export");
    jobs.find(jobId, Caller.of(ctx).id())
      .compose(job -> {
        if (job == null || !UserExportVerticle.JOB_TYPE.equals(job.getString("job_type"))) {
          return Future.failedFuture(ApiException.notFound("Export"));
        }
        if (!"completed".equals(job.getString("status"))) {
          return Future.failedFuture(new ApiException(ErrorCode.NOT_READY, "The export is " + job.getString("status")));
        }
        if (!user.toString().equals(job.getJsonObject("result", new JsonObject()).getString("user_id"))) {
          return Future.failedFuture(ApiException.notFound("Export"));
        }
        String file = LakePaths.exportPath(job.getJsonObject("result").getString("file"));
        return lake.ensure(vertx, List.of(file)).map(v -> lake.dataDir().resolve(file)).recover(err ->
          Future.failedFuture(err instanceof LakeUnavailableException ? new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
            "The lake cannot be reached; try again shortly") : ApiException.notFound("Export")));
      })
      .onSuccess(file -> ctx.response().putHeader("Content-Type", "application/zip")
        .putHeader("Content-Disposition", "attachment; filename=\"" + file.getFileName() + "\"")
        .sendFile(file.toString()))
      .onFailure(ctx::fail);
  }
}
