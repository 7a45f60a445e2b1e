package io.tributary.parquet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * An in-memory DuckDB of one conversion or import (its {@code memory_limit} and threads, no extension loading) and
 * its {@code COPY (select) TO} a normalized Parquet file (snappy, row groups of 122,880 rows) under a temporary name,
 * moved into place only when complete: no row crosses into the JVM.
 */
public final class DuckCopy implements AutoCloseable {

  private final Connection connection;
  private volatile Statement running;

  /** @param tempDirectory where DuckDB spills beyond its memory limit, or null for none */
  public DuckCopy(String memoryLimit, int threads, Path tempDirectory) throws SQLException {
    Properties props = new Properties();
    props.setProperty("memory_limit", memoryLimit);
    props.setProperty("threads", Integer.toString(threads));
    props.setProperty("duckdb.read_only", "false");
    if (tempDirectory != null) {
      props.setProperty("temp_directory", tempDirectory.toString());
    }
    connection = DriverManager.getConnection("jdbc:duckdb:", props);
    try (Statement s = connection.createStatement()) {
      s.execute("SET autoinstall_known_extensions = false");
      s.execute("SET autoload_known_extensions = false");
    }
  }

  public Connection connection() {
    return connection;
  }

  /** Writes the rows of {@code select} to {@code output} (atomically); returns the rows written. */
  public long copy(String select, Path output) throws SQLException, IOException {
    Path temp = output.resolveSibling(output.getFileName() + ".tmp-" + UUID.randomUUID());
    try (Statement s = connection.createStatement()) {
      running = s;
      s.execute("COPY (" + select + ") TO " + literal(temp.toString())
        + " (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880)");
      long rows;
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet(" + literal(temp.toString()) + ")")) {
        rs.next();
        rows = rs.getLong(1);
      }
      Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return rows;
    } finally {
      running = null;
      Files.deleteIfExists(temp);
    }
  }

  /** Cancels the {@link #copy} running on another thread, if any (it then fails). */
  public void cancel() {
    Statement s = running;
    if (s != null) {
      try {
        s.cancel();
      } catch (SQLException e) {
        // the statement ended meanwhile
      }
    }
  }

  public static String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  public static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
