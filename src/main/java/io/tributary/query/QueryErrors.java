package io.tributary.query;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.SQLException;

/**
 * DuckDB's failures as the caller should see them: a {@link QueryException.Reason} and a message in which every
 * internal path is replaced by what the caller knows (dataset names, {@code <your datasets>},
 * {@code <shared dataset>}, {@code <data>}).
 * Engine-internal failures are logged here and reach the caller as a generic message.
 */
final class QueryErrors {

  private static final Logger LOG = LoggerFactory.getLogger(QueryErrors.class);

  private final Path tempRoot;

  QueryErrors(Path tempRoot) {
    this.tempRoot = tempRoot;
  }

  /** A failure of {@code request}; {@code timedOut} when the engine cancelled it for its timeout. */
  QueryException translate(SQLException e, boolean timedOut, QueryRequest request) {
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
  String scrub(String message, QueryRequest request) {
    String out = message;
    for (QueryTable t : request.tables()) {
      for (Path f : t.files()) {
        out = out.replace(f.toAbsolutePath().toString(), t.name());
      }
    }
    for (Path shared : request.sharedDirs()) {
      out = out.replace(shared.toAbsolutePath().toString(), "<shared dataset>");
    }
    out = out.replace(request.userDir().toAbsolutePath().toString(), "<your datasets>");
    Path dataDir = tempRoot.toAbsolutePath().getParent();
    if (dataDir != null && dataDir.getParent() != null) {
      out = out.replace(dataDir.getParent().toString(), "<data>");
    }
    return out;
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int cut = message.indexOf('\n');
    return (cut < 0 ? message : message.substring(0, cut)).trim();
  }
}
