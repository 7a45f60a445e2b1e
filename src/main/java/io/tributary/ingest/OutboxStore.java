package io.tributary.ingest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The outbox table: rows are added inside the transaction of the state change they announce ({@link #add}); the
 * relay claims a batch, then settles it as published or releases it.
 */
final class OutboxStore {

  /** One outbox row to publish. */
  record Event(long id, String topic, String key, JsonObject value) {
  }

  static final String INSERT =
    "INSERT INTO outbox (aggregate_type, aggregate_id, event_type, topic, payload) VALUES ('job', $1, $2, $3, $4)";
  static final String CLAIM =
    "UPDATE outbox SET batch_id = $1 WHERE id IN (SELECT id FROM outbox WHERE published_at IS NULL AND batch_id IS NULL "
      + "ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING id, aggregate_id, event_type, topic, payload, created_at";
  static final String PUBLISHED = "UPDATE outbox SET published_at = now() WHERE batch_id = ANY($1) AND published_at IS NULL";
  static final String RELEASE = "UPDATE outbox SET batch_id = NULL WHERE batch_id = ANY($1) AND published_at IS NULL";
  static final String IN_DOUBT = "SELECT DISTINCT batch_id FROM outbox WHERE published_at IS NULL AND batch_id IS NOT NULL";
  static final String BACKLOG = "SELECT count(*) FROM outbox WHERE published_at IS NULL";
  static final String PRUNE = "DELETE FROM outbox WHERE published_at < now() - interval '1 day'";

  private final Pool pool;

  OutboxStore(Pool pool) {
    this.pool = pool;
  }

  /** Adds an event about a job on the connection of the transaction that changes it. */
  static Future<Void> add(SqlConnection conn, UUID jobId, String type, String topic, JsonObject payload) {
    return conn.preparedQuery(INSERT).execute(Tuple.of(jobId, type, topic, payload)).mapEmpty();
  }

  /** Marks up to {@code limit} unpublished rows as the batch {@code batchId}; returns them in id order. */
  Future<List<Event>> claim(UUID batchId, int limit) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(batchId, limit)).map(rows -> {
      List<Event> events = new ArrayList<>();
      for (Row row : rows) {
        String key = row.getUUID("aggregate_id").toString();
        events.add(new Event(row.getLong("id"), row.getString("topic"), key, new JsonObject()
          .put("id", row.getLong("id"))
          .put("type", row.getString("event_type"))
          .put("aggregate_id", key)
          .put("timestamp", row.getOffsetDateTime("created_at").toInstant().toString())
          .put("payload", row.getJsonObject("payload"))));
      }
      events.sort(Comparator.comparingLong(Event::id));
      return events;
    });
  }

  Future<Void> published(List<UUID> batches) {
    return batches.isEmpty() ? Future.succeededFuture()
      : pool.preparedQuery(PUBLISHED).execute(Tuple.of(batches.toArray(new UUID[0]))).mapEmpty();
  }

  Future<Void> release(List<UUID> batches) {
    return batches.isEmpty() ? Future.succeededFuture()
      : pool.preparedQuery(RELEASE).execute(Tuple.of(batches.toArray(new UUID[0]))).mapEmpty();
  }

  /** Batches claimed but not known to be published (the relay stopped between the two). */
  Future<List<UUID>> inDoubt() {
    return pool.query(IN_DOUBT).execute().map(rows -> {
      List<UUID> ids = new ArrayList<>();
      rows.forEach(r -> ids.add(r.getUUID(0)));
      return ids;
    });
  }

  Future<Long> backlog() {
    return pool.query(BACKLOG).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  Future<Void> prune() {
    return pool.query(PRUNE).execute().mapEmpty();
  }
}
