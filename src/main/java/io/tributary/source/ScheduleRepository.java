package io.tributary.source;

import io.tributary.ingest.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Import schedules ({@code source_schedules}). A due schedule is taken by exactly one instance: it is locked with
 * {@code FOR UPDATE SKIP LOCKED}, and its job is queued and its next run moved on in that same transaction, so two
 * instances sharing PostgreSQL never both run it, and a restart loses nothing (the next run is stored).
 */
final class ScheduleRepository {

  static final String UPSERT = "INSERT INTO source_schedules (id, owner_id, dataset_id, expression, next_run_at) "
    + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (dataset_id) DO UPDATE SET expression = EXCLUDED.expression, "
    + "next_run_at = EXCLUDED.next_run_at, paused = false RETURNING id";
  static final String LIST = "SELECT s.*, d.name FROM source_schedules s JOIN datasets d ON d.id = s.dataset_id "
    + "WHERE s.owner_id = $1 ORDER BY s.created_at DESC, s.id LIMIT $2 OFFSET $3";
  static final String FIND = "SELECT s.*, d.name FROM source_schedules s JOIN datasets d ON d.id = s.dataset_id "
    + "WHERE s.id = $1 AND s.owner_id = $2";
  static final String SET_PAUSED = "UPDATE source_schedules SET paused = $3, next_run_at = CASE WHEN $3 THEN next_run_at "
    + "ELSE $4 END WHERE id = $1 AND owner_id = $2 RETURNING id";
  static final String DUE = "SELECT s.id, s.owner_id, s.dataset_id, s.expression, EXISTS (SELECT 1 FROM jobs j "
    + "WHERE j.dataset_id = s.dataset_id AND j.status IN ('queued', 'processing')) AS busy FROM source_schedules s "
    + "WHERE NOT s.paused AND s.next_run_at <= now() ORDER BY s.next_run_at LIMIT 20 FOR UPDATE OF s SKIP LOCKED";
  static final String RAN = "UPDATE source_schedules SET next_run_at = $2, last_run_at = now(), "
    + "last_job_id = coalesce($3, last_job_id), runs = runs + CASE WHEN $3 IS NULL THEN 0 ELSE 1 END WHERE id = $1";

  private final Pool pool;

  ScheduleRepository(Pool pool) {
    this.pool = pool;
  }

  /** Adds or replaces a dataset's schedule (unpaused, first run at its next time); returns its id. */
  static Future<UUID> upsert(SqlConnection conn, UUID ownerId, UUID datasetId, Schedule schedule) {
    return conn.preparedQuery(UPSERT).execute(Tuple.of(UUID.randomUUID(), ownerId, datasetId, schedule.expression(),
        utc(schedule.next(Instant.now()))))
      .map(rows -> rows.iterator().next().getUUID("id"));
  }

  Future<JsonArray> list(UUID ownerId, int limit, int offset) {
    return pool.preparedQuery(LIST).execute(Tuple.of(ownerId, limit, offset)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(toJson(r)));
      return out;
    });
  }

  Future<JsonObject> find(UUID id, UUID ownerId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(id, ownerId))
      .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  /** Pauses or resumes the owner's schedule (resumed: next run from now); false when it is not theirs. */
  Future<Boolean> setPaused(UUID id, UUID ownerId, boolean paused, long minSeconds) {
    return find(id, ownerId).compose(found -> {
      if (found == null) {
        return Future.succeededFuture(false);
      }
      Instant next = Schedule.parse(found.getString("schedule"), minSeconds).next(Instant.now());
      return pool.preparedQuery(SET_PAUSED).execute(Tuple.of(id, ownerId, paused, utc(next))).map(r -> r.size() > 0);
    });
  }

  /**
   * Takes the due schedules no other instance holds and queues one import job each (a schedule whose dataset is
   * still importing skips this run); returns how many jobs were queued.
   */
  Future<Integer> runDue(JobQueue queue, long minSeconds) {
    return pool.withTransaction(conn -> conn.preparedQuery(DUE).execute().compose(rows -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (Row r : rows) {
        chain = chain.compose(n -> {
          Instant next = Schedule.parse(r.getString("expression"), minSeconds).next(Instant.now());
          UUID jobId = r.getBoolean("busy") ? null : UUID.randomUUID();
          Future<Void> queued = jobId == null ? Future.succeededFuture() : queue.enqueue(conn, jobId,
            r.getUUID("owner_id"), SourceContract.IMPORT_JOB, r.getUUID("dataset_id"),
            new JsonObject().put("trigger", "schedule").put("schedule_id", r.getUUID("id").toString()));
          return queued.compose(v -> conn.preparedQuery(RAN).execute(Tuple.of(r.getUUID("id"), utc(next), jobId)))
            .map(n + (jobId == null ? 0 : 1));
        });
      }
      return chain;
    }));
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }

  static JsonObject toJson(Row r) {
    return new JsonObject()
      .put("schedule_id", r.getUUID("id").toString())
      .put("dataset_id", r.getUUID("dataset_id").toString())
      .put("dataset_name", r.getString("name"))
      .put("schedule", r.getString("expression"))
      .put("paused", r.getBoolean("paused"))
      .put("next_run_at", instant(r.getOffsetDateTime("next_run_at")))
      .put("last_run_at", instant(r.getOffsetDateTime("last_run_at")))
      .put("last_job_id", r.getUUID("last_job_id") == null ? null : r.getUUID("last_job_id").toString())
      .put("runs", r.getInteger("runs"));
  }

  private static String instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
