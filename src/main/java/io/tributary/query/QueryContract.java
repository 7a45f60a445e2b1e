package io.tributary.query;

import io.tributary.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.UUID;

/**
 * Event-bus contract of the query worker (QueryVerticle). Every request carries
 * {@code {user_id, user_dir, shared_dirs, tables:[{name, files, version, dataset_id}], sql, limit}} (a table of a
 * collection is named {@code <collection>.<dataset>}): the caller's ready datasets,
 * resolved by the HTTP side ({@link QueryTables}); build it with {@link #request}.
 */
public final class QueryContract {

  /**
   * Request/reply: run a query. Reply: a Buffer holding the JSON object
   * {@code {"columns":[{name,type}],"results":[...],"row_count":n,"truncated":b,"execution_time_ms":t}}.
   */
  public static final String EXECUTE = "query.execute";

  /** Request/reply: check a query without running it. Reply {@code {valid, errors:[{message, position?}], tables_read}}. */
  public static final String VALIDATE = "query.validate";

  /**
   * Request/reply plus chunks: the request also has {@code format: csv|ndjson} and {@code reply_to} (a
   * {@link #chunkAddress()}); the worker sends the output there as Buffer chunks by request/reply (one in flight:
   * the reply is the credit for the next), then an empty Buffer. The reply to STREAM itself ({@code {rows}}) comes
   * when all chunks are delivered; failures before the first chunk fail it.
   */
  public static final String STREAM = "query.stream";

  /** Prefix of the one-off addresses a streamed result is sent to. */
  public static final String CHUNKS_PREFIX = "query.stream.chunks.";

  /** The failures these addresses answer with (bus codes of {@link ErrorCode}). */
  public static final List<ErrorCode> FAILURES = List.of(ErrorCode.INVALID_SQL, ErrorCode.SQL_NOT_ALLOWED,
    ErrorCode.UNKNOWN_TABLE, ErrorCode.QUERY_TIMEOUT, ErrorCode.QUERY_RESOURCE_LIMIT, ErrorCode.INTERNAL_ERROR);

  private QueryContract() {
  }

  /** A request for {@link #EXECUTE}, {@link #VALIDATE} or {@link #STREAM} (limit null: validation). */
  public static JsonObject request(UUID userId, String userDir, JsonArray tables, String sql, Integer limit) {
    return request(userId, userDir, new JsonArray(), tables, sql, limit);
  }

  /** The same, with the folders of the datasets shared with the user (their sandbox may read these too). */
  public static JsonObject request(UUID userId, String userDir, JsonArray sharedDirs, JsonArray tables, String sql,
                                   Integer limit) {
    JsonObject request = new JsonObject().put("user_id", userId.toString()).put("user_dir", userDir)
      .put("shared_dirs", sharedDirs)
      .put("tables", tables).put("sql", sql);
    return limit == null ? request : request.put("limit", limit);
  }

  /** A fresh address for the chunks of one streamed result. */
  public static String chunkAddress() {
    return CHUNKS_PREFIX + UUID.randomUUID();
  }

  /** A typed client of the query worker; {@code timeoutMs} is the query timeout (the bus waits a little longer). */
  public static Client client(Vertx vertx, long timeoutMs) {
    return new Client(vertx, new DeliveryOptions().setSendTimeout(timeoutMs + 10_000));
  }

  /** Calls the query worker over the event bus. */
  public static final class Client {
    private final Vertx vertx;
    private final DeliveryOptions delivery;

    private Client(Vertx vertx, DeliveryOptions delivery) {
      this.vertx = vertx;
      this.delivery = delivery;
    }

    /** {@link #EXECUTE}: the encoded JSON result. */
    public Future<Buffer> execute(JsonObject request) {
      return vertx.eventBus().<Buffer>request(EXECUTE, request, delivery).map(Message::body);
    }

    /** {@link #VALIDATE}. */
    public Future<JsonObject> validate(JsonObject request) {
      return vertx.eventBus().<JsonObject>request(VALIDATE, request, delivery).map(Message::body);
    }

    /** {@link #STREAM} in {@code format} to {@code replyTo}: completes with {@code {rows}} once every chunk is taken. */
    public Future<JsonObject> stream(JsonObject request, String format, String replyTo) {
      return vertx.eventBus().<JsonObject>request(STREAM, request.copy().put("format", format).put("reply_to", replyTo),
        delivery).map(Message::body);
    }
  }
}
