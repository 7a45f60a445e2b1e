package io.tributary.source;

import io.tributary.audit.AuditEvent;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.ContractValidation;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.tributary.ingest.JobContract;
import io.tributary.ingest.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/**
 * {@code POST /api/v1/data/import}: an import from one of the caller's connections, queued as a job once the
 * connection validates and the table or query answers (a failure is a 4xx and no job); and
 * {@code /api/v1/data/schedules}: the caller's import schedules, listed, paused and resumed.
 */
final class ImportRoutes {

  private final Vertx vertx;
  private final ConnectionRepository connections;
  private final ImportRepository imports;
  private final ScheduleRepository schedules;
  private final JobQueue queue;
  private final long validateTimeoutMs;
  private final long minScheduleSeconds;

  ImportRoutes(Vertx vertx, ConnectionRepository connections, ImportRepository imports, ScheduleRepository schedules,
               JobQueue queue, JsonObject cfg) {
    this.vertx = vertx;
    this.connections = connections;
    this.imports = imports;
    this.schedules = schedules;
    this.queue = queue;
    this.validateTimeoutMs = cfg.getLong("validate_timeout_ms", 10_000L);
    this.minScheduleSeconds = cfg.getLong("min_schedule_seconds", 60L);
  }

  void mount(Router router, ContractValidation contract) {
    router.post("/api/v1/data/import").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN))
      .handler(contract.jsonBody("importDataset")).handler(this::importDataset);
    router.get("/api/v1/data/schedules").handler(this::list);
    router.post("/api/v1/data/schedules/:schedule_id/pause").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN))
      .handler(ctx -> pause(ctx, true));
    router.post("/api/v1/data/schedules/:schedule_id/resume").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN))
      .handler(ctx -> pause(ctx, false));
  }

  private void importDataset(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    UUID owner = Caller.of(ctx).id();
    ImportDefinition def = definition(body);
    Schedule schedule = body.getString("schedule") == null ? null : Schedule.parse(body.getString("schedule"),
      minScheduleSeconds);
    String name = body.getString("name");
    UUID connectionId = Params.uuid(body.getString("connection_id"), "Connection");
    UUID jobId = UUID.randomUUID();
    AuditEvent who = AuditEvent.by(ctx, "source.import.queued", "dataset", null, null, null);
    connections.findSealed(connectionId, owner)
      .compose(c -> c == null ? Future.failedFuture(ApiException.notFound("Connection")) : Future.succeededFuture(c))
      .compose(c -> SourceContract.validate(vertx, c, false, def, validateTimeoutMs * 2 + 5_000)
        .recover(err -> Future.failedFuture(err instanceof ReplyException r ? ApiException.fromReply(r) : err))
        .map(c.getString("type")))
      .compose(type -> imports.create(owner, name, connectionId, type, def, schedule, jobId, queue, who))
      .onSuccess(created -> {
        JobContract.wakeOutbox(vertx.eventBus());
        ctx.response().putHeader("Location", "/api/v1/data/job/" + jobId);
        Json.send(ctx, 202, created.put("job_id", jobId.toString()).put("name", name).put("status", "queued")
          .put("mode", def.mode()).put("schedule", schedule == null ? null : schedule.expression()));
      })
      .onFailure(ctx::fail);
  }

  /** The definition of a request: exactly one of table and sql; incremental imports append. */
  private static ImportDefinition definition(JsonObject body) {
    String table = body.getString("table");
    String sql = body.getString("sql");
    if ((table == null) == (sql == null)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "Give exactly one of table and sql",
        new JsonObject().put("field", table == null ? "table" : "sql"));
    }
    String incremental = body.getString("incremental_column");
    String mode = body.getString("mode", incremental == null ? ImportDefinition.REPLACE : ImportDefinition.APPEND);
    if (incremental != null && !ImportDefinition.APPEND.equals(mode)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "incremental_column adds the new rows to the dataset: use "
        + "mode append", new JsonObject().put("field", "mode"));
    }
    return new ImportDefinition(table, sql, mode, incremental, null);
  }

  private void list(RoutingContext ctx) {
    Params.Page page = Params.page(ctx);
    schedules.list(Caller.of(ctx).id(), page.fetch(), page.offset())
      .onSuccess(rows -> Json.ok(ctx, page.reply(rows))).onFailure(ctx::fail);
  }

  private void pause(RoutingContext ctx, boolean paused) {
    UUID id = Params.pathId(ctx, "schedule_id", "Schedule");
    UUID owner = Caller.of(ctx).id();
    schedules.setPaused(id, owner, paused, 0)
      .compose(done -> done ? schedules.find(id, owner) : Future.failedFuture(ApiException.notFound("Schedule")))
      .onSuccess(s -> Json.ok(ctx, s)).onFailure(ctx::fail);
  }
}
