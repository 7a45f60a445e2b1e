package io.tributary.stream;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.dataset.DatasetStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Streams, their offsets, part files and shares: every SQL statement of the stream feature. */
public final class StreamRepository {

  static final String COLUMNS = "s.id, s.owner_id, s.name, s.topic, s.format, s.dataset_id, s.status, s.start_from, "
    + "s.records_ingested, s.records_dead_lettered, s.batches_written, s.last_commit_at, s.created_at, "
    + "(SELECT count(*) FROM stream_parts p WHERE p.stream_id = s.id) AS parts, "
    + "(SELECT coalesce(sum(size_bytes), 0) FROM stream_parts p WHERE p.stream_id = s.id) AS size_bytes, "
    + "(SELECT d.name FROM datasets d WHERE d.id = s.dataset_id) AS dataset";
  static final String FIND_OWN = "SELECT " + COLUMNS + " FROM streams s WHERE s.owner_id = $1 AND s.name = $2";
  static final String TOPIC_OWN = "SELECT topic FROM streams WHERE owner_id = $1 AND name = $2";
  /**
   * The topic of the stream named $3 in a collection named $2 that the caller ($1) owns or is shared, with the
   * caller's role there: their own collection first, then one they edit (as SQL resolves collection names).
   */
  static final String TOPIC_COLLECTED = "SELECT s.topic, "
    + "CASE WHEN c.owner_id = $1 THEN 'owner' ELSE sh.role END AS role FROM collections c JOIN collection_items i ON i.collection_id = c.id AND i.item_type = 'stream' "
    + "JOIN streams s ON s.id = i.item_id AND s.owner_id = c.owner_id AND s.name = $3 "
    + "LEFT JOIN collection_shares sh ON sh.collection_id = c.id AND sh.user_id = $1 "
    + "WHERE c.name = $2 AND (c.owner_id = $1 OR sh.user_id IS NOT NULL) "
    + "ORDER BY (c.owner_id = $1) DESC, (sh.role = 'editor') DESC, c.created_at, c.id LIMIT 1";
  static final String LIST_OWN = "SELECT " + COLUMNS + " FROM streams s WHERE s.owner_id = $1 ORDER BY s.name";
  static final String SHARED_WITH = "SELECT u.id, u.email FROM stream_shares sh JOIN users u ON u.id = sh.user_id "
    + "WHERE sh.stream_id = $1 ORDER BY u.email";
  static final String TOPIC_OWNER = "SELECT owner_id FROM streams WHERE topic = $1 AND owner_id <> $2 LIMIT 1";
  static final String INSERT_STREAM = "INSERT INTO streams (id, owner_id, name, topic, format, dataset_id, status, start_from) "
    + "VALUES ($1, $2, $3, $4, 'json', $5, 'running', $6)";
  static final String SET_STATUS = "UPDATE streams SET status = $3, updated_at = now() WHERE owner_id = $1 AND name = $2";
  static final String VIEWABLE = "SELECT s.id, s.name FROM streams s WHERE s.owner_id = $1 AND s.name = $2 "
    + "AND (s.owner_id = $3 OR EXISTS (SELECT 1 FROM stream_shares sh WHERE sh.stream_id = s.id AND sh.user_id = $3))";
  static final String USER_BY_EMAIL = "SELECT id FROM users WHERE lower(email) = lower($1)";
  static final String SHARE = "INSERT INTO stream_shares (stream_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
  static final String UNSHARE = "DELETE FROM stream_shares WHERE stream_id = $1 AND user_id = $2";
  static final String RUNNING = "SELECT s.id, s.owner_id, s.name, s.topic, s.dataset_id, s.start_from FROM streams s "
    + "WHERE s.status = 'running' ORDER BY s.created_at";
  static final String OFFSETS = "SELECT partition, next_offset FROM stream_offsets WHERE stream_id = $1";
  static final String INSERT_OFFSET = "INSERT INTO stream_offsets (stream_id, partition, next_offset) VALUES ($1, $2, $3) "
    + "ON CONFLICT DO NOTHING";
  static final String ADVANCE_OFFSET = "UPDATE stream_offsets SET next_offset = $3 "
    + "WHERE stream_id = $1 AND partition = $2 AND next_offset = $4";
  static final String LOCK_STREAM = "SELECT s.profile_state, d.schema FROM streams s JOIN datasets d ON d.id = s.dataset_id "
    + "WHERE s.id = $1 FOR UPDATE OF s, d";
  static final String INSERT_PART = "INSERT INTO stream_parts (id, stream_id, dataset_id, file_path, row_count, size_bytes) "
    + "VALUES ($1, $2, $3, $4, $5, $6)";
  static final String COUNT_BATCH = "UPDATE streams SET records_ingested = records_ingested + $2, "
    + "records_dead_lettered = records_dead_lettered + $3, batches_written = batches_written + $4, "
    + "last_commit_at = now(), profile_state = $5, updated_at = now() WHERE id = $1";
  static final String PARTS = "SELECT id, file_path, size_bytes, row_count FROM stream_parts WHERE stream_id = $1 "
    + "ORDER BY created_at, id";
  static final String DROP_PARTS = "DELETE FROM stream_parts WHERE stream_id = $1 AND id = ANY($2)";

  private final Pool pool;

  public StreamRepository(Pool pool) {
    this.pool = pool;
  }

  // ------------------------------------------------------------------------------------------------ registry

  /**
   * Registers a stream (and its dataset, or fills the owner's existing {@code dataset} when named: see
   * {@link StreamTargets}), or resumes a stopped one of the same name and topic. 409 when the name is taken by another
   * stream, a dataset, or the topic is another user's stream. A new stream starts at {@code startOffsets}
   * (partition → offset) where given; a resumed one where it stopped.
   */
  public Future<JsonObject> register(UUID ownerId, String name, String topic, String startFrom, String dataset,
                                     Map<Integer, Long> startOffsets, AuditEvent who) {
    return pool.withTransaction(conn -> conn.preparedQuery(FIND_OWN).execute(Tuple.of(ownerId, name)).compose(rows -> {
      if (rows.size() > 0) {
        Row row = rows.iterator().next();
        if (!topic.equals(row.getString("topic"))) {
          return Future.failedFuture(new ApiException(ErrorCode.CONFLICT, "You already have a stream named " + name
            + " on topic " + row.getString("topic"), new JsonObject().put("field", "name")));
        }
        if (dataset != null && !dataset.equals(row.getString("dataset"))) {
          return Future.failedFuture(new ApiException(ErrorCode.CONFLICT, "Your stream " + name + " fills the dataset "
            + row.getString("dataset") + ", not " + dataset, new JsonObject().put("field", "dataset")));
        }
        if ("running".equals(row.getString("status"))) {
          return Future.failedFuture(new ApiException(ErrorCode.CONFLICT, "The stream " + name + " is already running",
            new JsonObject().put("field", "name")));
        }
        return conn.preparedQuery(SET_STATUS).execute(Tuple.of(ownerId, name, "running"))
          .compose(r -> AuditLog.record(conn, who.as("stream.resumed", "stream", row.getUUID("id"), null, null)))
          .compose(r -> conn.preparedQuery(FIND_OWN).execute(Tuple.of(ownerId, name)))
          .map(r -> toJson(r.iterator().next()).put("resumed", true));
      }
      return conn.preparedQuery(TOPIC_OWNER).execute(Tuple.of(topic, ownerId)).compose(owners -> {
        if (owners.size() > 0) {
          return Future.failedFuture(new ApiException(ErrorCode.CONFLICT,
            "The topic " + topic + " is already consumed by another user's stream", new JsonObject().put("field", "topic")));
        }
        UUID streamId = UUID.randomUUID();
        UUID ownDataset = UUID.randomUUID();
        Future<UUID> target = dataset != null ? StreamTargets.claim(conn, ownerId, dataset)
          : DatasetStore.insertStream(conn, ownDataset, ownerId, name).map(ownDataset);
        return target
          .recover(err -> Future.failedFuture(err instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? new ApiException(ErrorCode.DATASET_EXISTS, "You already have a dataset named " + name,
            new JsonObject().put("field", "name")) : err))
          .compose(datasetId -> conn.preparedQuery(INSERT_STREAM).execute(Tuple.of(streamId, ownerId, name, topic,
            datasetId, startFrom)).map(datasetId))
          .compose(datasetId -> (startOffsets.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(INSERT_OFFSET)
            .executeBatch(startOffsets.entrySet().stream().map(e -> Tuple.of(streamId, e.getKey(), e.getValue()))
              .toList())).map(datasetId))
          .compose(datasetId -> AuditLog.record(conn, who.as("stream.created", "stream", streamId, null, new JsonObject()
            .put("name", name).put("topic", topic).put("start_from", startFrom).put("dataset_id", datasetId.toString())
            .put("dataset", dataset != null ? dataset : name).put("existing_dataset", dataset != null))))
          .compose(r -> conn.preparedQuery(FIND_OWN).execute(Tuple.of(ownerId, name)))
          .map(r -> toJson(r.iterator().next()).put("resumed", false));
      });
    }));
  }

  /** The owner's streams. */
  public Future<JsonArray> list(UUID ownerId) {
    return pool.preparedQuery(LIST_OWN).execute(Tuple.of(ownerId)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(toJson(r)));
      return out;
    });
  }

  /** The topic of the owner's stream, or null when the owner has no such stream. */
  public Future<String> topic(UUID ownerId, String name) {
    return pool.preparedQuery(TOPIC_OWN).execute(Tuple.of(ownerId, name))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("topic"));
  }

  /**
   * {@code {topic, role}} of stream {@code name} in the caller's collection {@code collection} or one shared with
   * them (role owner, editor or viewer), or null when the caller sees no such stream.
   */
  public Future<JsonObject> collectedTopic(UUID callerId, String collection, String name) {
    return pool.preparedQuery(TOPIC_COLLECTED).execute(Tuple.of(callerId, collection, name))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next().toJson());
  }

  /** The owner's stream with the users it is shared with, or null. */
  public Future<JsonObject> find(UUID ownerId, String name) {
    return pool.preparedQuery(FIND_OWN).execute(Tuple.of(ownerId, name)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(null);
      }
      JsonObject stream = toJson(rows.iterator().next());
      return pool.preparedQuery(SHARED_WITH).execute(Tuple.of(UUID.fromString(stream.getString("stream_id"))))
        .map(shares -> {
          JsonArray with = new JsonArray();
          shares.forEach(s -> with.add(new JsonObject().put("user_id", s.getUUID("id").toString())
            .put("email", s.getString("email"))));
          return stream.put("shared_with", with);
        });
    });
  }

  /** Stops consuming the owner's stream; false when the owner has no such stream. */
  public Future<Boolean> stop(UUID ownerId, String name, AuditEvent who) {
    return pool.withTransaction(conn -> conn.preparedQuery(SET_STATUS + " RETURNING id")
      .execute(Tuple.of(ownerId, name, "stopped")).compose(r -> r.size() == 0 ? Future.succeededFuture(false)
        : AuditLog.record(conn, who.as("stream.stopped", "stream", r.iterator().next().getUUID("id"), null, null))
          .map(true)));
  }

  /** The id of a stream the viewer may watch (theirs, or shared with them), or null. */
  public Future<UUID> viewable(UUID ownerId, String name, UUID viewerId) {
    return pool.preparedQuery(VIEWABLE).execute(Tuple.of(ownerId, name, viewerId))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("id"));
  }

  /** Shares the owner's stream with the user of that email; null when there is no such user. */
  public Future<UUID> share(UUID streamId, String email, AuditEvent who) {
    return pool.withTransaction(conn -> conn.preparedQuery(USER_BY_EMAIL).execute(Tuple.of(email)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(null);
      }
      UUID user = rows.iterator().next().getUUID("id");
      return conn.preparedQuery(SHARE).execute(Tuple.of(streamId, user))
        .compose(r -> AuditLog.record(conn, who.as("share.granted", "stream", streamId, null,
          new JsonObject().put("user_id", user.toString()).put("role", "viewer"))))
        .map(user);
    }));
  }

  public Future<Boolean> unshare(UUID streamId, UUID userId, AuditEvent who) {
    return pool.withTransaction(conn -> conn.preparedQuery(UNSHARE).execute(Tuple.of(streamId, userId))
      .compose(r -> r.rowCount() == 0 ? Future.succeededFuture(false)
        : AuditLog.record(conn, who.as("share.revoked", "stream", streamId, new JsonObject()
          .put("user_id", userId.toString()), null)).map(true)));
  }

  /** Every running stream: {@code {stream_id, owner_id, name, topic, dataset_id, start_from}}. */
  public Future<List<JsonObject>> running() {
    return pool.query(RUNNING).execute().map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(new JsonObject().put("stream_id", r.getUUID("id").toString())
        .put("owner_id", r.getUUID("owner_id").toString()).put("name", r.getString("name"))
        .put("topic", r.getString("topic")).put("dataset_id", r.getUUID("dataset_id").toString())
        .put("start_from", r.getString("start_from"))));
      return out;
    });
  }

  // ------------------------------------------------------------------------------------------------ ingestion

  /**
   * The current schema of a stream's dataset: declared (fixed) when the dataset existed before its stream (its
   * source type is not 'stream'), else widening.
   */
  public Future<StreamSchema> schema(UUID datasetId) {
    return pool.preparedQuery("SELECT schema, source_type <> 'stream' AS declared FROM datasets WHERE id = $1")
      .execute(Tuple.of(datasetId)).map(rows -> rows.size() == 0 ? StreamSchema.fromJson(null)
        : StreamSchema.fromJson(rows.iterator().next().getJsonArray("schema"),
          rows.iterator().next().getBoolean("declared")));
  }

  /** The next offset to consume, by partition. */
  public Future<Map<Integer, Long>> offsets(UUID streamId) {
    return pool.preparedQuery(OFFSETS).execute(Tuple.of(streamId)).map(rows -> {
      Map<Integer, Long> out = new HashMap<>();
      rows.forEach(r -> out.put(r.getInteger("partition"), r.getLong("next_offset")));
      return out;
    });
  }

  /** One committed batch: its part (or none), the offsets it moves, and what it adds to the counts and profile. */
  public record Batch(UUID streamId, UUID datasetId, List<PartFile> parts, long deadLettered,
                      Map<Integer, long[]> offsets, StreamSchema schema, StreamProfile stats) {
    long rows() {
      return parts.stream().mapToLong(PartFile::rows).sum();
    }

    long sizeBytes() {
      return parts.stream().mapToLong(PartFile::sizeBytes).sum();
    }
  }

  /** One part file of a batch: its id, path under the data directory, rows and size. */
  public record PartFile(UUID id, String path, long rows, long sizeBytes) {
  }

  /**
   * Registers a batch exactly once, in one transaction: each partition's offset moves from where this consumer
   * read it to past the batch (compare-and-set: if another consumer moved it meanwhile, after a rebalance, nothing
   * is written and this returns false); the part file is registered; the dataset grows a version with its widened
   * schema; the stream's statistics and the profile absorb the batch.
   */
  public Future<Boolean> commit(Batch batch) {
    return pool.withTransaction(conn -> advanceOffsets(conn, batch).compose(advanced -> {
      if (!advanced) {
        return Future.failedFuture(new StaleOffsets());
      }
      return conn.preparedQuery(LOCK_STREAM).execute(Tuple.of(batch.streamId())).compose(rows -> {
        Row row = rows.iterator().next();
        StreamProfile profile = StreamProfile.fromJson(row.getJsonObject("profile_state"));
        profile.merge(batch.stats());
        StreamSchema schema = StreamSchema.fromJson(row.getJsonArray("schema"));
        schema.merge(batch.schema());
        List<Tuple> partRows = batch.parts().stream().map(p -> Tuple.of(p.id(), batch.streamId(), batch.datasetId(),
          p.path(), p.rows(), p.sizeBytes())).toList();
        Future<?> part = partRows.isEmpty() ? Future.succeededFuture()
          : conn.preparedQuery(INSERT_PART).executeBatch(partRows);
        Future<?> grown = partRows.isEmpty() ? part : part.compose(r -> DatasetStore.grow(conn, batch.datasetId(),
            batch.rows(), batch.sizeBytes(), schema.toJson())
          .compose(x -> DatasetStore.putProfile(conn, batch.datasetId(), profile.render().put("dataset_kind", "stream"))));
        return grown.compose(r -> conn.preparedQuery(COUNT_BATCH).execute(Tuple.of(batch.streamId(), batch.rows(),
          batch.deadLettered(), batch.parts().isEmpty() ? 0 : 1, profile.toJson()))).map(true);
      });
    })).recover(err -> err instanceof StaleOffsets ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  private static Future<Boolean> advanceOffsets(SqlConnection conn, Batch batch) {
    Future<Boolean> chain = Future.succeededFuture(true);
    for (var e : batch.offsets().entrySet()) {
      int partition = e.getKey();
      long[] fromTo = e.getValue();
      chain = chain.compose(ok -> {
        if (!ok) {
          return Future.succeededFuture(false);
        }
        Future<io.vertx.sqlclient.RowSet<Row>> moved = fromTo[0] < 0
          ? conn.preparedQuery(INSERT_OFFSET).execute(Tuple.of(batch.streamId(), partition, fromTo[1]))
          : conn.preparedQuery(ADVANCE_OFFSET).execute(Tuple.of(batch.streamId(), partition, fromTo[1], fromTo[0]));
        return moved.map(r -> r.rowCount() == 1);
      });
    }
    return chain;
  }

  /** Signals a batch whose offsets another consumer has moved (a rebalance): nothing is written. */
  private static final class StaleOffsets extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StaleOffsets() {
      super(null, null, false, false);
    }
  }

  // ------------------------------------------------------------------------------------------------ parts

  /** A registered part file. */
  public record Part(UUID id, String path, long sizeBytes, long rows) {
  }

  public Future<List<Part>> parts(UUID streamId) {
    return pool.preparedQuery(PARTS).execute(Tuple.of(streamId)).map(rows -> {
      List<Part> out = new ArrayList<>();
      rows.forEach(r -> out.add(new Part(r.getUUID("id"), r.getString("file_path"), r.getLong("size_bytes"),
        r.getLong("row_count"))));
      return out;
    });
  }

  /**
   * Replaces parts by their merge, atomically: false (nothing changed) when one of them is no longer registered.
   */
  public Future<Boolean> replaceParts(UUID streamId, UUID datasetId, List<Part> merged, Part into) {
    UUID[] ids = merged.stream().map(Part::id).toArray(UUID[]::new);
    return pool.withTransaction(conn -> conn.preparedQuery(DROP_PARTS).execute(Tuple.tuple().addUUID(streamId)
      .addArrayOfUUID(ids)).compose(r -> {
      if (r.rowCount() != ids.length) {
        return Future.failedFuture(new StaleOffsets());
      }
      return conn.preparedQuery(INSERT_PART).execute(Tuple.of(into.id(), streamId, datasetId, into.path(), into.rows(),
          into.sizeBytes()))
        .compose(x -> conn.preparedQuery("SELECT coalesce(sum(size_bytes), 0) AS total FROM stream_parts WHERE stream_id = $1")
          .execute(Tuple.of(streamId)))
        .compose(t -> DatasetStore.resize(conn, datasetId, t.iterator().next().getLong("total")))
        .map(true);
    })).recover(err -> err instanceof StaleOffsets ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  private static JsonObject toJson(Row r) {
    return new JsonObject()
      .put("stream_id", r.getUUID("id").toString())
      .put("name", r.getString("name"))
      .put("topic", r.getString("topic"))
      .put("format", r.getString("format"))
      .put("status", r.getString("status"))
      .put("start_from", r.getString("start_from"))
      .put("dataset_id", r.getUUID("dataset_id").toString())
      .put("dataset", r.getString("dataset"))
      .put("owner_id", r.getUUID("owner_id").toString())
      .put("records_ingested", r.getLong("records_ingested"))
      .put("records_dead_lettered", r.getLong("records_dead_lettered"))
      .put("batches_written", r.getLong("batches_written"))
      .put("parts", r.getLong("parts"))
      .put("size_bytes", r.getLong("size_bytes"))
      .put("last_commit_at", r.getOffsetDateTime("last_commit_at") == null ? null
        : r.getOffsetDateTime("last_commit_at").toInstant().toString())
      .put("created_at", r.getOffsetDateTime("created_at").toInstant().toString());
  }
}
