package io.tributary.query;

import com.fasterxml.jackson.core.JsonGenerator;
import de.siegmar.fastcsv.writer.CsvWriter;
import io.tributary.metrics.Metrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs users' SQL on DuckDB, each user in their own {@link Sandbox}, after {@link Admission} has accepted the
 * text. Blocking: called on the query worker threads only. Queries past their timeout are cancelled; DuckDB's
 * errors are mapped to {@link QueryException} reasons, with every internal path replaced by what the caller
 * knows (dataset names).
 */
public final class QueryEngine implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(QueryEngine.class);

  /** Streamed output formats. */
  public enum Format { CSV, NDJSON }

  /** A JSON result stops growing here (rows beyond are reported as truncated); CSV / NDJSON streams have no such cap. */
  static final int MAX_JSON_RESULT_BYTES = 64 * 1024 * 1024;

  private static final AtomicLong RUNNING = Metrics.gauge("tributary_queries_running",
    "Queries running in DuckDB now (bounded by query.instances)");

  private final QuerySettings settings;
  private final Map<UUID, Sandbox> sandboxes = new LinkedHashMap<>(16, 0.75f, true);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "tributary-query-timer");
    t.setDaemon(true);
    return t;
  });

  public QueryEngine(QuerySettings settings) {
    this.settings = settings;
    AtomicLong open = Metrics.gauge("tributary_query_sandboxes_open", "User DuckDB sandboxes open");
    timer.scheduleWithFixedDelay(() -> {
      synchronized (sandboxes) {
        open.set(sandboxes.size());
      }
    }, 1, 5, TimeUnit.SECONDS);
    long sweep = Math.max(1, Math.min(60, settings.idleTimeout().toSeconds()));
    timer.scheduleWithFixedDelay(this::closeIdle, sweep, sweep, TimeUnit.SECONDS);
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
          return render(rs, request.limit(), start);
        } catch (SQLException e) {
          throw translate(e, timedOut.get(), request);
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
          throw translate(e, timedOut.get(), request);
        } finally {
          cancel.cancel(false);
        }
        try (rs) {
          return format == Format.CSV ? writeCsv(rs, first, request.limit(), out) : writeNdjson(rs, first, request.limit(), out);
        } catch (SQLException e) {
          throw new IOException("the query failed while streaming: " + scrub(firstLine(e.getMessage()), request), e);
        }
      }
    });
  }

  private QueryResult render(ResultSet rs, int limit, long start) throws SQLException {
    ResultWriter writer = new ResultWriter(rs.getMetaData());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
    int rows = 0;
    boolean truncated = false;
    try (JsonGenerator json = ResultWriter.JSON.createGenerator(bytes)) {
      json.writeStartObject();
      json.writeArrayFieldStart("columns");
      for (ColumnInfo c : writer.columns()) {
        json.writeStartObject();
        json.writeStringField("name", c.name());
        json.writeStringField("type", c.type());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("results");
      while (rs.next()) {
        if (rows >= limit || bytes.size() > MAX_JSON_RESULT_BYTES) {
          truncated = true;
          break;
        }
        writer.writeRow(rs, json);
        rows++;
        if ((rows & 1023) == 0) {
          json.flush();
        }
      }
      json.writeEndArray();
      json.writeNumberField("row_count", rows);
      json.writeBooleanField("truncated", truncated);
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      json.writeNumberField("execution_time_ms", elapsed);
      json.writeEndObject();
      json.flush();
      return new QueryResult(writer.columns(), Buffer.buffer(bytes.toByteArray()), rows, truncated, elapsed);
    } catch (IOException e) {
      throw new SQLException("cannot render the result", e);
    }
  }

  private static long writeCsv(ResultSet rs, boolean first, long limit, OutputStream out) throws SQLException, IOException {
    ResultWriter writer = new ResultWriter(rs.getMetaData());
    int n = writer.columns().size();
    OutputStreamWriter text = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    CsvWriter csv = CsvWriter.builder().build(text);
    csv.writeRecord(writer.columns().stream().map(ColumnInfo::name).toList());
    long rows = 0;
    String[] cells = new String[n];
    for (boolean more = first; more && rows < limit; more = rs.next()) {
      for (int i = 0; i < n; i++) {
        cells[i] = writer.text(rs, i + 1);
      }
      csv.writeRecord(cells);
      rows++;
    }
    csv.flush();
    text.flush();
    return rows;
  }

  private static long writeNdjson(ResultSet rs, boolean first, long limit, OutputStream out) throws SQLException, IOException {
    ResultWriter writer = new ResultWriter(rs.getMetaData());
    long rows = 0;
    try (JsonGenerator json = ResultWriter.JSON.createGenerator(out)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      json.setRootValueSeparator(null);
      for (boolean more = first; more && rows < limit; more = rs.next()) {
        writer.writeRow(rs, json);
        json.writeRaw('\n');
        rows++;
      }
      json.flush();
    }
    return rows;
  }

  private Set<String> admit(DuckDBConnection connection, QueryRequest request) throws QueryException, SQLException {
    Set<String> names = new HashSet<>();
    request.tables().forEach(t -> names.add(t.name()));
    Sandbox sandbox;
    synchronized (sandboxes) {
      sandbox = sandboxes.get(request.userId());
    }
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
      sandbox = acquire(request);
      try (DuckDBConnection connection = sandbox.connect(request.tables())) {
        return work.run(connection);
      }
    } catch (QueryException e) {
      throw e;
    } catch (SQLException e) {
      throw translate(e, false, request);
    } catch (IOException e) {
      throw new QueryException(QueryException.Reason.INTERNAL, e.getMessage());
    } finally {
      RUNNING.decrementAndGet();
      if (sandbox != null) {
        sandbox.release();
      }
    }
  }

  private Sandbox acquire(QueryRequest request) throws SQLException {
    synchronized (sandboxes) {
      Sandbox existing = sandboxes.get(request.userId());
      if (existing != null) {
        existing.acquire();
        return existing;
      }
    }
    Sandbox created = Sandbox.open(request.userDir(), settings.tempRoot().resolve(request.userId().toString()), settings);
    synchronized (sandboxes) {
      Sandbox existing = sandboxes.get(request.userId());
      if (existing != null) {
        created.close();
        existing.acquire();
        return existing;
      }
      created.acquire();
      sandboxes.put(request.userId(), created);
      if (sandboxes.size() > settings.maxSandboxes()) {
        closeWhere(s -> true, sandboxes.size() - settings.maxSandboxes());
      }
      return created;
    }
  }

  private void closeIdle() {
    long idle = settings.idleTimeout().toNanos();
    synchronized (sandboxes) {
      closeWhere(s -> s.idleFor(idle), Integer.MAX_VALUE);
    }
  }

  /** Closes up to {@code max} unused sandboxes that match, least recently used first (caller holds the lock). */
  private void closeWhere(java.util.function.Predicate<Sandbox> which, int max) {
    int closed = 0;
    for (Iterator<Sandbox> it = sandboxes.values().iterator(); it.hasNext() && closed < max; ) {
      Sandbox s = it.next();
      if (s.idleFor(0) && which.test(s)) {
        it.remove();
        s.close();
        closed++;
      }
    }
  }

  /** A DuckDB failure as the caller should see it. */
  private QueryException translate(SQLException e, boolean timedOut, QueryRequest request) {
    if (timedOut) {
      return new QueryException(QueryException.Reason.TIMEOUT,
        "The query ran longer than " + request.timeout().toMillis() + " ms and was cancelled");
    }
    String raw = e.getMessage() == null ? "" : e.getMessage();
    String message = scrub(firstLine(raw), request);
    QueryException.Reason reason;
    if (raw.startsWith("Catalog Error: Table with name") || raw.startsWith("Catalog Error: Table Function with name")) {
      reason = raw.contains("Table Function") ? QueryException.Reason.FORBIDDEN : QueryException.Reason.UNKNOWN_TABLE;
    } else if (raw.startsWith("Permission Error")) {
      reason = QueryException.Reason.FORBIDDEN;
    } else if (raw.startsWith("Out of Memory Error")) {
      reason = QueryException.Reason.RESOURCE_LIMIT;
      message = "The query needs more memory than its limit; aggregate or filter more";
    } else if (raw.startsWith("INTERRUPT Error")) {
      reason = QueryException.Reason.TIMEOUT;
      message = "The query was cancelled";
    } else if (raw.startsWith("IO Error") || raw.startsWith("INTERNAL Error") || raw.startsWith("FATAL Error")
      || raw.isEmpty()) {
      LOG.error("Query of user {} failed in DuckDB: {}", request.userId(), raw);
      reason = QueryException.Reason.INTERNAL;
      message = "The query failed inside the engine; see the server log";
    } else {
      reason = QueryException.Reason.INVALID_SQL;
    }
    return new QueryException(reason, message);
  }

  /** Replaces every internal path of a message by what the caller knows. */
  private String scrub(String message, QueryRequest request) {
    String out = message;
    List<QueryTable> tables = new ArrayList<>(request.tables());
    for (QueryTable t : tables) {
      for (Path f : t.files()) {
        out = out.replace(f.toAbsolutePath().toString(), t.name());
      }
    }
    out = out.replace(request.userDir().toAbsolutePath().toString(), "<your datasets>");
    Path dataDir = settings.tempRoot().toAbsolutePath().getParent();
    if (dataDir != null && dataDir.getParent() != null) {
      out = out.replace(dataDir.getParent().toString(), "<data>");
    }
    return out;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int cut = message.indexOf('\n');
    return (cut < 0 ? message : message.substring(0, cut)).trim();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    synchronized (sandboxes) {
      sandboxes.values().forEach(Sandbox::close);
      sandboxes.clear();
    }
  }
}
