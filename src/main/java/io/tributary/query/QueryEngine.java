package io.tributary.query;

import io.tributary.metrics.Metrics;
import io.vertx.core.json.JsonObject;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs users' SQL on DuckDB, each user in their own {@link Sandbox} ({@link SandboxPool}), after {@link Admission}
 * has accepted the text. Blocking: called on the query worker threads only. Queries past their timeout are
 * cancelled; failures reach the caller through {@link QueryErrors}.
 */
public final class QueryEngine implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(QueryEngine.class);

  /** Streamed output formats. */
  public enum Format { CSV, NDJSON }

  private static final AtomicLong RUNNING = Metrics.gauge("tributary_queries_running",
    "Queries running in DuckDB now (bounded by query.instances)");

  private final SandboxPool sandboxes;
  private final QueryErrors errors;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "tributary-query-timer");
    t.setDaemon(true);
    return t;
  });

  public QueryEngine(QuerySettings settings) {
    this.sandboxes = new SandboxPool(settings);
    this.errors = new QueryErrors(settings.tempRoot());
    long sweep = Math.max(1, Math.min(60, settings.idleTimeout().toSeconds()));
    timer.scheduleWithFixedDelay(sandboxes::closeIdle, sweep, sweep, TimeUnit.SECONDS);
  }

  /** Checks a text without running it: admission, then DuckDB's binding (unknown tables, columns, types). */
  public Validation validate(QueryRequest request) {
    Set<String> read = Set.of();
    try {
      read = withConnection(request, connection -> {
        Set<String> tables = admit(connection, request);
        try (PreparedStatement ignored = connection.prepareStatement(request.sql())) {
          return tables;
        }
      });
      return new Validation(true, List.of(), read);
    } catch (QueryException e) {
      JsonObject error = new JsonObject().put("message", e.getMessage());
      if (e.position() != null) {
        error.put("position", e.position());
      }
      return new Validation(false, List.of(error), read);
    }
  }

  /** Runs a query and renders at most {@code limit} rows as the contract's JSON result. */
  public QueryResult execute(QueryRequest request) throws QueryException {
    return withConnection(request, connection -> {
      admit(connection, request);
      long start = System.nanoTime();
      AtomicBoolean timedOut = new AtomicBoolean();
      try (Statement statement = connection.createStatement()) {
        ScheduledFuture<?> cancel = cancelAfter(statement, request, timedOut);
        try (ResultSet rs = statement.executeQuery(request.sql())) {
          return ResultFormats.json(rs, request.limit(), start);
        } catch (SQLException e) {
          throw errors.translate(e, timedOut.get(), request);
        } finally {
          cancel.cancel(false);
        }
      }
    });
  }

  /**
   * Runs a query and writes up to {@code limit} rows to {@code out} as CSV (with a header) or NDJSON. The
   * timeout applies until the first row; after that the pace is the client's. Returns the rows written.
   */
  public long stream(QueryRequest request, Format format, OutputStream out) throws QueryException, IOException {
    return withConnection(request, connection -> {
      admit(connection, request);
      AtomicBoolean timedOut = new AtomicBoolean();
      try (Statement statement = connection.createStatement()) {
        ScheduledFuture<?> cancel = cancelAfter(statement, request, timedOut);
        ResultSet rs;
        boolean first;
        try {
          rs = statement.executeQuery(request.sql());
          first = rs.next();
        } catch (SQLException e) {
          throw errors.translate(e, timedOut.get(), request);
        } finally {
          cancel.cancel(false);
        }
        try (rs) {
          return format == Format.CSV ? ResultFormats.csv(rs, first, request.limit(), out)
            : ResultFormats.ndjson(rs, first, request.limit(), out);
        } catch (SQLException e) {
          throw new IOException("the query failed while streaming: "
            + errors.scrub(QueryErrors.firstLine(e.getMessage()), request), e);
        }
      }
    });
  }

  private Set<String> admit(DuckDBConnection connection, QueryRequest request) throws QueryException, SQLException {
    Set<String> names = new HashSet<>();
    request.tables().forEach(t -> names.add(t.name()));
    Sandbox sandbox = sandboxes.peek(request.userId());
    return Admission.check(connection, request.sql(), names, sandbox == null ? Set.of() : sandbox.systemNames());
  }

  private ScheduledFuture<?> cancelAfter(Statement statement, QueryRequest request, AtomicBoolean timedOut) {
    return timer.schedule(() -> {
      timedOut.set(true);
      try {
        statement.cancel();
      } catch (SQLException e) {
        LOG.debug("Could not cancel a query: {}", e.getMessage());
      }
    }, request.timeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The blocking body of one query on a connection of the user's sandbox. */
  @FunctionalInterface
  private interface Work<T> {
    T run(DuckDBConnection connection) throws QueryException, SQLException, IOException;
  }

  private <T> T withConnection(QueryRequest request, Work<T> work) throws QueryException {
    Sandbox sandbox = null;
    RUNNING.incrementAndGet();
    try {
      sandbox = sandboxes.acquire(request.userId(), request.userDir(), request.sharedDirs());
      try (DuckDBConnection connection = sandbox.connect(request.tables())) {
        return work.run(connection);
      }
    } catch (QueryException e) {
      throw e;
    } catch (SQLException e) {
      throw errors.translate(e, false, request);
    } catch (IOException e) {
      throw new QueryException(QueryException.Reason.INTERNAL, e.getMessage());
    } finally {
      RUNNING.decrementAndGet();
      if (sandbox != null) {
        sandbox.release();
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    sandboxes.close();
  }
}
