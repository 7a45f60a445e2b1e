package io.tributary.source;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.parquet.DistinctTally;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Streams one query's rows from a source database into a Parquet file: through a server-side cursor (PostgreSQL:
 * autocommit off and a fetch size; MariaDB: a fetch size streams the result) into DuckDB's appender
 * ({@link ImportTable}), so the heap holds one batch of rows, never the whole result. Counts each column's distinct
 * values on the way where that is cheap ({@link DistinctTally}), so the profile need not. Blocking.
 */
final class Extractor {

  private static final Logger LOG = LoggerFactory.getLogger(Extractor.class);

  /**
   * What an extraction produced: its rows, the largest value of the incremental column (as a literal) or null, and
   * per column its exact distinct count where counting it while extracting was cheap, else null; and the way the
   * rows came ({@code csv}, {@code binary} or {@code text} COPY, or {@code jdbc}).
   */
  record Extracted(long rows, String lastValue, List<Long> distinctCounts, String via) {
  }

  private final int fetchSize;
  private final String memoryLimit;
  private final int threads;
  private final Path tempDirectory;
  private boolean binary = true;
  private boolean csv = true;

  /** @param memoryLimit, threads, tempDirectory those of the DuckDB instance that writes the file ({@link ImportTable}) */
  Extractor(int fetchSize, String memoryLimit, int threads, Path tempDirectory) {
    this.fetchSize = fetchSize;
    this.memoryLimit = memoryLimit;
    this.threads = threads;
    this.tempDirectory = tempDirectory;
  }

  /** This extractor copying PostgreSQL's rows in the text format even where the binary one would do (to compare). */
  Extractor textOnly() {
    binary = false;
    return this;
  }

  /** This extractor decoding PostgreSQL's rows in the JVM even where the CSV path would do (to compare). */
  Extractor withoutCsv() {
    csv = false;
    return this;
  }

  /** The statement an import runs: its table or query, past the last value of its incremental column. */
  static String query(ImportDefinition def, String type, boolean past) {
    String from = def.table() != null ? quoteTable(def.table(), type) : "(" + trimSql(def.sql()) + ") src";
    if (def.incrementalColumn() == null && def.table() == null) {
      return trimSql(def.sql());
    }
    String sql = "SELECT * FROM " + from;
    if (def.incrementalColumn() != null && past) {
      sql += " WHERE " + quote(def.incrementalColumn(), type) + " > ?";
    }
    return sql;
  }

  /** The query with no rows, to check it and its columns before a job is queued. */
  static String probe(ImportDefinition def, String type) {
    String from = def.table() != null ? quoteTable(def.table(), type) : "(" + trimSql(def.sql()) + ") src";
    return "SELECT * FROM " + from + " WHERE 1 = 0";
  }

  static String quoteTable(String table, String type) {
    List<String> parts = new ArrayList<>();
    for (String part : table.split("\\.", -1)) {
      parts.add(quote(part, type));
    }
    return String.join(".", parts);
  }

  static String quote(String identifier, String type) {
    if (identifier.isEmpty() || identifier.indexOf('\0') >= 0) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "Not a valid table or column name: " + identifier);
    }
    String q = ConnectionSpec.MYSQL.equals(type) ? "`" : "\"";
    return q + identifier.replace(q, q + q) + q;
  }

  private static String trimSql(String sql) {
    String s = sql.strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s;
  }

  /**
   * Writes the rows of {@code sql} (with {@code lastValue} for its one parameter, when given) to {@code output}:
   * PostgreSQL's through {@code COPY ... TO STDOUT}: as CSV that DuckDB reads ({@link PgCsvCopy}), or where DuckDB
   * cannot take it exactly decoded in the JVM ({@link PgCopyRows}); others' through the JDBC result set.
   * Stops with a failure when {@code cancelled} turns true; {@code progress} is told the rows written so far, a
   * count that only rises (when the CSV path declines, the rows read again are told only past where it stopped).
   */
  Extracted extract(Connection c, String sql, String lastValue, String incrementalColumn, Path output,
                    BooleanSupplier cancelled, LongConsumer rowsWritten) throws SQLException, java.io.IOException {
    long[] told = {0};
    LongConsumer progress = rows -> {
      if (rows > told[0]) {
        told[0] = rows;
        rowsWritten.accept(rows);
      }
    };
    if (PgCopyRows.supports(c)) {
      String query = lastValue == null ? sql : withLiteral(sql, lastValue);
      if (csv) {
        List<SourceColumn> columns = PgCsvCopy.describe(c, query);
        int tracked = indexOf(columns, incrementalColumn);
        PgCsvCopy plan = PgCsvCopy.plan(c, query, columns, tracked);
        if (plan != null) {
          try {
            return plan.copy(c, tempDirectory, output, tracked, fetchSize, cancelled, progress, memoryLimit, threads);
          } catch (PgCsvCopy.Declined e) {
            LOG.info("Rows decoded in the JVM instead: {}", e.getMessage());
          }
        }
      }
      PgCopyRows copy = PgCopyRows.describe(c, query, binary);
      try (Rows rows = new Rows(copy.columns(), incrementalColumn, cancelled, progress)) {
        copy.copy(c, rows::inspect, rows::append);
        return rows.finish(output, copy.binary() ? "binary" : "text");
      }
    }
    try (PreparedStatement st = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      st.setFetchSize(fetchSize);
      if (lastValue != null) {
        st.setString(1, lastValue);
      }
      try (ResultSet rs = st.executeQuery()) {
        List<SourceColumn> columns = SourceColumn.of(rs.getMetaData());
        try (Rows rows = new Rows(columns, incrementalColumn, cancelled, progress)) {
          Object[] row = new Object[columns.size()];
          while (rs.next()) {
            for (int i = 0; i < row.length; i++) {
              row[i] = columns.get(i).read(rs, i + 1);
            }
            rows.inspect(row);
            rows.append(row);
          }
          return rows.finish(output, "jdbc");
        }
      }
    }
  }

  /** {@code sql}, whose last character is its one parameter, with {@code value} in its place as a dollar-quoted literal. */
  static String withLiteral(String sql, String value) {
    if (!sql.endsWith("?")) {
      throw new IllegalArgumentException("the query has no parameter at its end");
    }
    String tag = "$v$";
    for (int i = 0; value.contains(tag); i++) {
      tag = "$v" + i + "$";
    }
    return sql.substring(0, sql.length() - 1) + tag + value + tag;
  }

  /** The rows of one extraction on their way into the file: tallied, the incremental column's largest value kept. */
  private final class Rows implements AutoCloseable {

    private final List<SourceColumn> columns;
    private final int tracked;
    private final DistinctTally[] tallies;
    private final ImportTable table;
    private final BooleanSupplier cancelled;
    private final LongConsumer progress;
    private long count;
    private Object max;

    Rows(List<SourceColumn> columns, String incrementalColumn, BooleanSupplier cancelled, LongConsumer progress)
        throws SQLException {
      this.columns = columns;
      this.tracked = indexOf(columns, incrementalColumn);
      this.tallies = DistinctTally.forColumns(columns.size());
      this.cancelled = cancelled;
      this.progress = progress;
      this.table = new ImportTable(columns, memoryLimit, threads, tempDirectory);
    }

    /** Tallies a row and keeps the incremental column's largest value (on the reader thread of a COPY). */
    void inspect(Object[] row) {
      for (int i = 0; i < tallies.length; i++) {
        if (row[i] != null) {
          columns.get(i).tally(tallies[i], row[i]);
        }
      }
      if (tracked >= 0) {
        Object v = row[tracked];
        if (v != null && (max == null || columns.get(tracked).compare(v, max) > 0)) {
          max = v;
        }
      }
    }

    /** Appends a row {@link #inspect} saw. */
    void append(Object[] row) throws SQLException {
      table.append(row);
      if (++count % fetchSize == 0) {
        if (cancelled.getAsBoolean()) {
          throw new ApiException(ErrorCode.CONFLICT, "The import was cancelled");
        }
        progress.accept(count);
      }
    }

    Extracted finish(Path output, String via) throws SQLException, java.io.IOException {
      table.copyTo(output);
      List<Long> distinct = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        long n = i < tallies.length ? tallies[i].count() : -1;
        distinct.add(n < 0 ? null : n);
      }
      return new Extracted(count, max == null ? null : columns.get(tracked).literal(max), distinct, via);
    }

    @Override
    public void close() throws SQLException {
      table.close();
    }
  }

  private static int indexOf(List<SourceColumn> columns, String name) {
    if (name == null) {
      return -1;
    }
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return i;
      }
    }
    throw new ApiException(ErrorCode.VALIDATION_FAILED, "The source has no column " + name
      + " (incremental_column)", new io.vertx.core.json.JsonObject().put("field", "incremental_column"));
  }
}
