package io.tributary.insight;

import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One request's DuckDB: an in-memory database that may read only the folders of the dataset's own Parquet files
 * ({@code allowed_directories}, external access off, configuration locked), with the table {@code t} holding the
 * analysed columns and each row's position ({@code __row}, 0-based across the dataset's files in order).
 * {@link #fork()} opens another connection to the same database, so independent steps can run side by side; every
 * statement is logged at debug level with its milliseconds, and runs under the request's {@link Deadline}.
 */
final class InsightDuck implements AutoCloseable {

  /** The column holding each row's position in the dataset. */
  static final String ROW = "__row";

  private static final Logger LOG = LoggerFactory.getLogger(InsightDuck.class);
  private final DuckDBConnection conn;
  private final Deadline deadline;

  private InsightDuck(DuckDBConnection conn, Deadline deadline) {
    this.conn = conn;
    this.deadline = deadline;
  }

  static InsightDuck open(List<Path> files, Path tempDir, String memoryLimit, int threads, Deadline deadline)
    throws SQLException {
    deadline.check();
    try {
      Files.createDirectories(tempDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the insight temp directory " + tempDir, e);
    }
    Set<String> dirs = new LinkedHashSet<>();
    for (Path f : files) {
      dirs.add(literal(f.toAbsolutePath().getParent() + "/"));
    }
    DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
    try (Statement s = c.createStatement()) {
      s.execute("SET temp_directory = " + literal(tempDir.toAbsolutePath().toString()));
      s.execute("SET allowed_directories = [" + String.join(", ", dirs) + "]");
      s.execute("SET enable_external_access = false");
      s.execute("SET autoinstall_known_extensions = false");
      s.execute("SET autoload_known_extensions = false");
      s.execute("SET memory_limit = " + literal(memoryLimit));
      s.execute("SET threads = " + threads);
      s.execute("SET TimeZone = 'UTC'");
      s.execute("SET lock_configuration = true");
      return new InsightDuck(c, deadline);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Another connection to the same database (its settings included); closing it leaves this one open. */
  InsightDuck fork() throws SQLException {
    deadline.check();
    return new InsightDuck((DuckDBConnection) conn.duplicate(), deadline);
  }

  /** {@code read_parquet} of the files (several by column name, so parts of older schemas read NULLs). */
  static String source(List<Path> files, boolean rowNumbers) {
    StringBuilder list = new StringBuilder("[");
    for (Path f : files) {
      list.append(list.length() > 1 ? ", " : "").append(literal(f.toAbsolutePath().toString()));
    }
    return "read_parquet(" + list + "]" + (files.size() > 1 ? ", union_by_name = true" : "")
      + (rowNumbers ? ", file_row_number = true, filename = true" : "") + ")";
  }

  /** The columns of the files: name and DuckDB type, in order. */
  List<String[]> describe(List<Path> files) throws SQLException {
    List<String[]> out = new ArrayList<>();
    for (Object[] r : rows("DESCRIBE SELECT * FROM " + source(files, false))) {
      out.add(new String[] {(String) r[0], (String) r[1]});
    }
    return out;
  }

  /**
   * Loads table {@code t}: each {@code expressions} entry ({@code <expr> AS "<name>"}) plus {@link #ROW}, the row's
   * number in its file plus the rows of the files before it.
   */
  void load(List<Path> files, List<String> expressions) throws SQLException {
    StringBuilder offsets = new StringBuilder();
    if (files.size() > 1) {
      offsets.append("WITH counts AS (SELECT filename AS f, count(*) AS n FROM ").append(source(files, true))
        .append(" GROUP BY 1), ord AS (SELECT * FROM (VALUES ");
      for (int i = 0; i < files.size(); i++) {
        offsets.append(i > 0 ? ", " : "").append('(').append(literal(files.get(i).toAbsolutePath().toString()))
          .append(", ").append(i).append(')');
      }
      offsets.append(") v(f, i)), off AS (SELECT ord.f, coalesce(sum(counts.n) OVER (ORDER BY ord.i ROWS BETWEEN "
        + "UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS o FROM ord LEFT JOIN counts USING (f)) ");
    }
    StringBuilder sql = new StringBuilder("CREATE TABLE t AS ").append(offsets).append("SELECT ");
    sql.append(files.size() > 1 ? "(file_row_number + off.o)" : "file_row_number").append("::BIGINT AS ").append(ROW);
    for (String e : expressions) {
      sql.append(", ").append(e);
    }
    sql.append(" FROM ").append(source(files, true));
    if (files.size() > 1) {
      sql.append(" JOIN off ON off.f = filename");
    }
    execute(sql.toString());
  }

  void execute(String sql) throws SQLException {
    long started = System.nanoTime();
    try (Statement s = conn.createStatement()) {
      deadline.enter(s);
      try {
        s.execute(sql);
      } catch (SQLException e) {
        throw deadline.translate(e);
      } finally {
        deadline.leave(s);
      }
    }
    trace(sql, started);
  }

  private static void trace(String sql, long started) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} ms: {}", (System.nanoTime() - started) / 1_000_000, sql.length() > 200 ? sql.substring(0, 200) : sql);
    }
  }

  /** Every row of a query, as objects. */
  List<Object[]> rows(String sql) throws SQLException {
    try (Statement s = conn.createStatement()) {
      return rows(sql, s, () -> s.executeQuery(sql));
    }
  }

  /** The one row of an aggregate query with parameters ({@code ?}), bound as they are (a double keeps every bit). */
  Object[] row(String sql, Object... params) throws SQLException {
    try (PreparedStatement s = conn.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      List<Object[]> rows = rows(sql, s, s::executeQuery);
      return rows.isEmpty() ? new Object[0] : rows.get(0);
    }
  }

  private interface Query {
    ResultSet run() throws SQLException;
  }

  /** The rows of {@code query} on {@code s}, registered with the deadline while it runs. */
  private List<Object[]> rows(String sql, Statement s, Query query) throws SQLException {
    List<Object[]> out = new ArrayList<>();
    long started = System.nanoTime();
    deadline.enter(s);
    try (ResultSet rs = query.run()) {
      ResultSetMetaData md = rs.getMetaData();
      int n = md.getColumnCount();
      while (rs.next()) {
        Object[] row = new Object[n];
        for (int i = 0; i < n; i++) {
          row[i] = rs.getObject(i + 1);
        }
        out.add(row);
      }
    } catch (SQLException e) {
      throw deadline.translate(e);
    } finally {
      deadline.leave(s);
    }
    trace(sql, started);
    return out;
  }

  /** The values of a query's only column, which has no nulls and {@code n} rows (more are read if there are). */
  double[] doubles(String sql, int n) throws SQLException {
    double[] out = new double[n];
    long started = System.nanoTime();
    try (Statement s = conn.createStatement()) {
      deadline.enter(s);
      int i = 0;
      try (ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          if (i == out.length) {
            out = java.util.Arrays.copyOf(out, Math.max(16, i * 2));
          }
          out[i++] = rs.getDouble(1);
        }
      } catch (SQLException e) {
        throw deadline.translate(e);
      } finally {
        deadline.leave(s);
      }
      trace(sql, started);
      return i == out.length ? out : java.util.Arrays.copyOf(out, i);
    }
  }

  /** The one row of an aggregate query. */
  Object[] row(String sql) throws SQLException {
    List<Object[]> rows = rows(sql);
    return rows.isEmpty() ? new Object[0] : rows.get(0);
  }

  static double num(Object o) {
    return o == null ? Double.NaN : ((Number) o).doubleValue();
  }

  static long count(Object o) {
    return o == null ? 0 : ((Number) o).longValue();
  }

  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  static String identifier(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  @Override
  public void close() {
    try {
      conn.close();
    } catch (SQLException ignored) {
      // an in-memory database loses nothing when closing fails
    }
  }
}
