package io.tributary.query;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.config.Sections;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Owns DuckDB for queries ({@link QueryEngine}: one sandbox per user, bounded by {@code query.memory_limit} and
 * {@code query.threads}). The verticle stays on its event loop; queries run on its worker pool
 * {@code tributary-query} ({@code query.instances} threads), so a streaming query can wait for the client's
 * pace without blocking the context that receives the acknowledgements. Contract: {@link QueryContract}.
 */
public final class QueryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(QueryVerticle.class);

  private QueryEngine engine;
  private WorkerExecutor pool;
  private Duration timeout;
  private Context loop;

  @Override
  public Future<?> start() {
    JsonObject cfg = config();
    timeout = Duration.ofMillis(cfg.getLong("timeout_ms", 30_000L));
    loop = context;
    engine = new QueryEngine(new QuerySettings(cfg.getString("memory_limit", "2GB"), cfg.getInteger("threads", 2),
      Path.of(cfg.getJsonObject(Sections.NODE).getString("data_dir"), "tmp", "query"), cfg.getInteger("max_sandboxes", 64),
      Duration.ofSeconds(cfg.getLong("sandbox_idle_seconds", 600L))));
    pool = vertx.createSharedWorkerExecutor("tributary-query", Math.max(1, cfg.getInteger("instances", 2)),
      cfg.getLong("timeout_ms", 30_000L) * 4, TimeUnit.MILLISECONDS);
    vertx.eventBus().<JsonObject>localConsumer(QueryContract.EXECUTE, msg -> run(msg, () -> execute(msg.body())));
    vertx.eventBus().<JsonObject>localConsumer(QueryContract.VALIDATE, msg -> run(msg, () -> validate(msg.body())));
    vertx.eventBus().<JsonObject>localConsumer(QueryContract.STREAM, msg -> run(msg, () -> stream(msg.body())));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return pool.close().eventually(() -> vertx.executeBlocking(() -> {
      engine.close();
      return null;
    }));
  }

  private void run(Message<JsonObject> msg, Callable<Object> work) {
    pool.executeBlocking(work, false).onComplete(done -> {
      if (done.succeeded()) {
        msg.reply(done.result());
      } else if (done.cause() instanceof ReplyException failure) {
        msg.reply(failure);
      } else {
        LOG.error("Query work failed", done.cause());
        msg.fail(ErrorCode.INTERNAL_ERROR.busCode(), "query failed");
      }
    });
  }

  private Object execute(JsonObject body) throws ReplyException {
    try {
      return engine.execute(request(body)).json();
    } catch (QueryException e) {
      throw failure(e).toReply();
    }
  }

  private Object validate(JsonObject body) {
    Validation v = engine.validate(request(body));
    return new JsonObject().put("valid", v.valid()).put("errors", new JsonArray(new ArrayList<>(v.errors())))
      .put("tables_read", new JsonArray(v.tablesRead().stream().sorted().toList()));
  }

  private Object stream(JsonObject body) throws ReplyException {
    QueryEngine.Format format = "csv".equals(body.getString("format")) ? QueryEngine.Format.CSV : QueryEngine.Format.NDJSON;
    try (ChunkStream out = new ChunkStream(vertx, loop, body.getString("reply_to"))) {
      long rows = engine.stream(request(body), format, out);
      out.finish();
      return new JsonObject().put("rows", rows);
    } catch (QueryException e) {
      throw failure(e).toReply();
    } catch (java.io.IOException e) {
      LOG.debug("Stream ended early: {}", e.getMessage());
      throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "stream interrupted").toReply();
    }
  }

  private QueryRequest request(JsonObject body) {
    List<QueryTable> tables = new ArrayList<>();
    for (Object o : body.getJsonArray("tables")) {
      JsonObject t = (JsonObject) o;
      List<Path> files = t.getJsonArray("files").stream().map(f -> Path.of(f.toString())).toList();
      tables.add(new QueryTable(t.getString("name"), files, t.getInteger("version")));
    }
    List<Path> shared = body.getJsonArray("shared_dirs", new JsonArray()).stream().map(f -> Path.of(f.toString())).toList();
    return new QueryRequest(UUID.fromString(body.getString("user_id")), Path.of(body.getString("user_dir")), shared, tables,
      body.getString("sql"), body.getInteger("limit", 1000), timeout);
  }

  /** The client-facing failure of a refused or failed query (the position, when known, goes in the details). */
  static ApiException failure(QueryException e) {
    ErrorCode code = switch (e.reason()) {
      case INVALID_SQL -> ErrorCode.INVALID_SQL;
      case FORBIDDEN -> ErrorCode.SQL_NOT_ALLOWED;
      case UNKNOWN_TABLE -> ErrorCode.UNKNOWN_TABLE;
      case TIMEOUT -> ErrorCode.QUERY_TIMEOUT;
      case RESOURCE_LIMIT -> ErrorCode.QUERY_RESOURCE_LIMIT;
      case INTERNAL -> ErrorCode.INTERNAL_ERROR;
    };
    JsonObject details = new JsonObject();
    if (e.position() != null) {
      details.put("position", e.position());
    }
    return new ApiException(code, e.getMessage(), details);
  }
}
