package io.tributary.source;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.config.Sections;
import io.tributary.db.Database;
import io.tributary.ingest.JobContract;
import io.tributary.ingest.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * The source worker: validates connections to users' databases ({@link SourceContract#VALIDATE}) and runs import
 * jobs ({@code jobs.run.import}, see {@link ImportRunner}), and queues the runs of due schedules every
 * {@code schedule_poll_ms} (see {@link ScheduleRepository}: one instance takes each run). JDBC and DuckDB work runs on
 * its own worker pool ({@code sources.workers} threads), never on the event loop. Config: the {@code sources} section.
 */
public final class SourceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SourceVerticle.class);

  private WorkerExecutor jdbc;
  private Connector connector;
  private SecretBox secrets;
  private int timeoutSeconds;
  private Pool pool;
  private long timer = -1;

  @Override
  public Future<?> start() {
    JsonObject cfg = config();
    Path dataDir = Path.of(cfg.getJsonObject(Sections.NODE).getString("data_dir"));
    jdbc = vertx.createSharedWorkerExecutor("tributary-sources", Math.max(1, cfg.getInteger("workers", 2)), 6,
      TimeUnit.HOURS);
    HostPolicy hosts = new HostPolicy(cfg.getJsonArray("allowed_hosts"), cfg.getBoolean("embedded", false));
    timeoutSeconds = (int) Math.max(1, cfg.getLong("validate_timeout_ms", 10_000L) / 1000);
    connector = new Connector(hosts, timeoutSeconds);
    pool = Database.pool(vertx, cfg.getJsonObject("postgres"));
    long grace = cfg.getJsonObject(Sections.NODE).getLong("file_grace_ms", 60_000L);
    JobQueue queue = new JobQueue(pool, cfg.getJsonObject("kafka").getJsonObject("topics"));
    ScheduleRepository schedules = new ScheduleRepository(pool);
    long minSeconds = cfg.getLong("min_schedule_seconds", 60L);
    String keyFile = cfg.getString("encryption_key_file");
    return jdbc.executeBlocking(() -> SecretBox.load(cfg.getString("encryption_key"), keyFile, dataDir.resolve("keys")))
      .onSuccess(box -> {
        secrets = box;
        if (vertx.isClustered() && cfg.getString("encryption_key") == null && (keyFile == null || keyFile.isBlank())) {
          LOG.warn("This node seals connection passwords with its own key ({}): connections made on other nodes "
            + "cannot be used here. Give every node the same sources.encryption_key or sources.encryption_key_file",
            box.keyId());
        }
        vertx.eventBus().<JsonObject>consumer(SourceContract.VALIDATE, this::validate);
        new ImportRunner(vertx, jdbc, connector, this::spec, new ImportRepository(pool), dataDir, cfg, grace).register();
        timer = vertx.setPeriodic(cfg.getLong("schedule_poll_ms", 5_000L), id -> schedules.runDue(queue, minSeconds)
          .onSuccess(n -> {
            if (n > 0) {
              JobContract.wakeOutbox(vertx.eventBus());
              LOG.info("Queued {} scheduled import(s)", n);
            }
          })
          .onFailure(err -> LOG.warn("Scheduled imports not checked: {}", err.getMessage())));
      });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    Future<Void> closed = pool == null ? Future.succeededFuture() : pool.close();
    return closed.eventually(() -> jdbc == null ? Future.succeededFuture() : jdbc.close());
  }

  private void validate(Message<JsonObject> msg) {
    JsonObject connection = msg.body().getJsonObject("connection");
    boolean seal = msg.body().getBoolean("seal", false);
    jdbc.executeBlocking(() -> {
      ConnectionSpec spec = spec(connection);
      connector.validate(spec);
      JsonObject reply = new JsonObject().put("ok", true);
      JsonObject probe = msg.body().getJsonObject("probe");
      if (probe != null) {
        reply.put("columns", probe(spec, ImportDefinition.from(probe)));
      }
      if (seal) {
        reply.put("password_encrypted", Base64.getEncoder().encodeToString(secrets.encrypt(spec.password())))
          .put("key_id", secrets.keyId());
      }
      return reply;
    }, false).onSuccess(msg::reply).onFailure(err -> fail(msg, err));
  }

  /** The import's table or query answers (no rows read) and has its incremental column; returns its columns. */
  private io.vertx.core.json.JsonArray probe(ConnectionSpec spec, ImportDefinition def) {
    try (java.sql.Connection c = connector.open(spec, true);
         java.sql.Statement st = c.createStatement()) {
      st.setQueryTimeout(timeoutSeconds);
      try (java.sql.ResultSet rs = st.executeQuery(Extractor.probe(def, spec.type()))) {
        io.vertx.core.json.JsonArray names = new io.vertx.core.json.JsonArray();
        boolean found = def.incrementalColumn() == null;
        for (SourceColumn column : SourceColumn.of(rs.getMetaData())) {
          names.add(column.name());
          found |= column.name().equalsIgnoreCase(def.incrementalColumn());
        }
        if (!found) {
          throw new ApiException(ErrorCode.VALIDATION_FAILED, "The source has no column " + def.incrementalColumn()
            + " (incremental_column)", new JsonObject().put("field", "incremental_column"));
        }
        return names;
      }
    } catch (java.sql.SQLException e) {
      throw connector.failedQuery(spec, e);
    }
  }

  /** The connection of a message: with its password in clear, or sealed as stored. */
  ConnectionSpec spec(JsonObject connection) {
    String sealed = connection.getString("password_encrypted");
    if (sealed == null) {
      return ConnectionSpec.from(connection);
    }
    String password = secrets.decrypt(Base64.getDecoder().decode(sealed), connection.getString("key_id"));
    return ConnectionSpec.from(connection.copy().put("password", password));
  }

  static void fail(Message<?> msg, Throwable err) {
    if (err instanceof ApiException api) {
      msg.fail(api.code().busCode(), api.getMessage());
    } else {
      LOG.error("Source request failed", err);
      msg.fail(ErrorCode.INTERNAL_ERROR.busCode(), err instanceof IllegalStateException ? err.getMessage()
        : "internal error (see server log)");
    }
  }
}
