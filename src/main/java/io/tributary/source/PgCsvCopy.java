package io.tributary.source;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.parquet.DuckCopy;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * A PostgreSQL query's rows written to Parquet without the JVM reading a value: {@code COPY (query) TO STDOUT
 * (FORMAT csv)} streamed byte for byte into a staging file, then DuckDB's multi-threaded {@code read_csv} with every
 * column's type given, into the same Parquet file and types {@link ImportTable} writes. The session's settings are
 * left as the driver set them (so a query computes what it computes on the other path); the text is exact because
 * the output formats it needs are checked ({@link #plan}). Dates and timestamps are read typed only when every one
 * of their texts ended in a digit ({@link CsvTally#plainTimes}), so PostgreSQL's {@code BC} and {@code infinity},
 * which DuckDB would misread or read as its own, are refused; that and every refusal of DuckDB is {@link Declined}
 * for the caller to read the rows the other way. Blocking.
 */
final class PgCsvCopy {

  private static final Logger LOG = LoggerFactory.getLogger(PgCsvCopy.class);

  /** DuckDB refused the CSV (a value it cannot take exactly); the rows are to be read the other way. */
  static final class Declined extends Exception {
    Declined(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final String sql;
  private final List<SourceColumn> columns;

  private PgCsvCopy(String sql, List<SourceColumn> columns) {
    this.sql = sql;
    this.columns = columns;
  }

  /**
   * {@code sql} (a query with no parameters) described, or null when its rows cannot come through CSV exactly: a
   * bytea column while {@code bytea_output} is not hex, floats while {@code extra_float_digits} does not give every
   * digit, a DateStyle other than ISO, or an incremental column ({@code incremental}, its index or -1) whose largest
   * value DuckDB would order or print otherwise than {@link SourceColumn#compare} (text, floats, bytea).
   */
  static PgCsvCopy plan(Connection c, String sql, List<SourceColumn> columns, int incremental) throws SQLException {
    if (incremental >= 0 && !ordered(columns.get(incremental).kind())) {
      return null;
    }
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_setting('bytea_output'), "
      + "current_setting('DateStyle'), current_setting('extra_float_digits')::int, "
      + "current_setting('server_version_num')::int")) {
      rs.next();
      boolean hex = "hex".equals(rs.getString(1));
      boolean iso = rs.getString(2).startsWith("ISO");
      // shortest exact output from PostgreSQL 12 on when positive, 17 significant digits before
      boolean digits = rs.getInt(4) >= 120_000 ? rs.getInt(3) > 0 : rs.getInt(3) >= 3;
      boolean binary = columns.stream().anyMatch(col -> col.kind() == SourceColumn.Kind.BINARY);
      boolean floats = columns.stream().anyMatch(col -> col.kind() == SourceColumn.Kind.FLOAT
        || col.kind() == SourceColumn.Kind.DOUBLE);
      return iso && (hex || !binary) && (digits || !floats) ? new PgCsvCopy(sql, columns) : null;
    }
  }

  /** The columns of {@code sql} as its prepared statement describes them. */
  static List<SourceColumn> describe(Connection c, String sql) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql)) {
      return SourceColumn.of(st.getMetaData());
    }
  }

  private static boolean ordered(SourceColumn.Kind kind) {
    return switch (kind) {
      case INT, LONG, DECIMAL, BOOLEAN, DATE, TIMESTAMP, TIMESTAMPTZ -> true;
      default -> false;
    };
  }

  /**
   * Stages the rows in {@code staging} (a file of its own, deleted before this returns), then has DuckDB (its
   * {@code memoryLimit} and {@code threads}, spilling to {@code staging}) write them to {@code output}. Every
   * {@code every} rows checks {@code cancelled} and tells {@code progress} the rows so far, as the other path does.
   * Returns the rows, the incremental column's largest value as a literal (or null) and the distinct counts of the
   * columns that only increased ({@link CsvTally}).
   */
  Extractor.Extracted copy(Connection c, Path staging, Path output, int incremental, int every,
                           BooleanSupplier cancelled, LongConsumer progress, String memoryLimit, int threads)
      throws SQLException, IOException, Declined {
    Files.createDirectories(staging);
    Path csv = staging.resolve(UUID.randomUUID() + ".csv");
    try {
      CsvTally tally = new CsvTally(columns);
      long started = System.nanoTime();
      long rows = stage(c, csv, tally, every, cancelled, progress);
      long staged = System.nanoTime();
      if (cancelled.getAsBoolean()) {
        throw new ApiException(ErrorCode.CONFLICT, "The import was cancelled");
      }
      if (!tally.plainTimes()) {
        throw new Declined("a date or timestamp PostgreSQL wrote is not ISO digits (BC or infinity)", null);
      }
      try (DuckCopy duck = new DuckCopy(memoryLimit, threads, staging)) {
        long written;
        try {
          written = duck.copy(select(csv), output);
        } catch (SQLException e) {
          throw new Declined("DuckDB did not read the CSV: " + e.getMessage(), e);
        }
        if (written != rows) {
          Files.deleteIfExists(output);
          throw new Declined("DuckDB read " + written + " rows of the CSV's " + rows, null);
        }
        String last = incremental < 0 || rows == 0 ? null : largest(duck.connection(), output, incremental);
        LOG.info("{} rows staged as CSV ({} MB) in {} ms, written to Parquet by DuckDB in {} ms", rows,
          Files.size(csv) >> 20, (staged - started) / 1_000_000, (System.nanoTime() - staged) / 1_000_000);
        return new Extractor.Extracted(rows, last, tally.counts(), "csv");
      }
    } finally {
      Files.deleteIfExists(csv);
    }
  }

  /** Writes the COPY's bytes to {@code csv} as they come (one row a message), tallied; returns the rows. */
  private long stage(Connection c, Path csv, CsvTally tally, int every, BooleanSupplier cancelled,
                     LongConsumer progress) throws SQLException, IOException {
    if (!c.getAutoCommit()) {
      // a table's rows in their stored order, as on the other path
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL synchronize_seqscans = off");
      }
    }
    CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + sql + ") TO STDOUT (FORMAT csv)");
    long rows = 0;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(csv), 1 << 20)) {
      for (byte[] row = copy.readFromCopy(); row != null; row = copy.readFromCopy()) {
        out.write(row);
        tally.row(row);
        if (++rows % every == 0) {
          if (cancelled.getAsBoolean()) {
            throw new ApiException(ErrorCode.CONFLICT, "The import was cancelled");
          }
          progress.accept(rows);
        }
      }
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
    return rows;
  }

  /** The SELECT over DuckDB's read of {@code csv} that gives each column its type and name. */
  private String select(Path csv) {
    StringBuilder types = new StringBuilder("{");
    StringBuilder select = new StringBuilder("SELECT ");
    for (int i = 0; i < columns.size(); i++) {
      SourceColumn column = columns.get(i);
      String c = "c" + i;
      types.append(i == 0 ? "'" : ", '").append(c).append("': '").append(csvType(column)).append('\'');
      select.append(i == 0 ? "" : ", ").append(expression(column, c)).append(" AS ")
        .append(DuckCopy.quote(column.name()));
    }
    return select + " FROM read_csv(" + DuckCopy.literal(csv.toString()) + ", columns = " + types
      + "}, header = false, auto_detect = false, delim = ',', quote = '\"', escape = '\"', nullstr = '', "
      + "allow_quoted_nulls = false)";
  }

  /**
   * How DuckDB reads the column's CSV text: as its type (dates and timestamps too: the staging saw only ISO digits),
   * bytea as its hex text.
   */
  private static String csvType(SourceColumn column) {
    return column.kind() == SourceColumn.Kind.BINARY ? "VARCHAR" : column.duckType();
  }

  /** The column's value from its CSV text: bytea's {@code \x} hex decoded, others as read. */
  private static String expression(SourceColumn column, String c) {
    return column.kind() != SourceColumn.Kind.BINARY ? c : "CASE WHEN " + c + " IS NULL OR starts_with(" + c
      + ", '\\x') THEN unhex(substr(" + c + ", 3)) ELSE error('not bytea in hex: ' || " + c + ") END";
  }

  /** The incremental column's largest value in {@code file}, as {@link SourceColumn#literal} prints the other path's. */
  private String largest(Connection duck, Path file, int index) throws SQLException {
    SourceColumn column = columns.get(index);
    String max = "max(c" + index + ")";
    String value = switch (column.kind()) {
      case DATE -> "CAST(" + max + " - DATE '1970-01-01' AS INTEGER)";
      case TIMESTAMP, TIMESTAMPTZ -> "epoch_us(" + max + ")";
      default -> max;
    };
    try (Statement s = duck.createStatement();
         ResultSet rs = s.executeQuery("SELECT " + value + " FROM read_parquet(" + DuckCopy.literal(file.toString())
           + ") t(" + aliases() + ")")) {
      rs.next();
      Object v = switch (column.kind()) {
        case INT, DATE -> rs.getInt(1);
        case LONG, TIMESTAMP, TIMESTAMPTZ -> rs.getLong(1);
        case DECIMAL -> {
          BigDecimal d = rs.getBigDecimal(1);
          yield d == null ? null : d.setScale(column.scale());
        }
        case BOOLEAN -> rs.getBoolean(1);
        default -> throw new IllegalStateException("not an ordered column: " + column.kind());
      };
      return rs.wasNull() || v == null ? null : column.literal(v);
    }
  }

  /** c0, c1, ...: the file's columns by position (their names may repeat). */
  private String aliases() {
    List<String> aliases = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      aliases.add("c" + i);
    }
    return String.join(", ", aliases);
  }
}
