package io.tributary.profile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.duckdb.DuckDBConnection;

/**
 * The profiler's one in-memory DuckDB instance, opened with its {@link ProfilerSettings} (so {@code memory_limit}
 * and {@code threads} bound all profiles together), handing out a connection per call. An instance a failure left
 * unusable is replaced by the next call.
 */
final class ProfilerConnection implements AutoCloseable {

  private final ProfilerSettings settings;
  private final Object lock = new Object();
  private DuckDBConnection root;
  private boolean closed;

  ProfilerConnection(ProfilerSettings settings) {
    this.settings = settings;
  }

  /** A new connection to the shared instance (opened first when needed); the caller closes it. */
  Connection open() throws SQLException {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("profiler closed");
      }
      if (root == null || root.isClosed()) {
        root = openRoot();
      }
      return root.duplicate();
    }
  }

  /** After a failed call: drops the instance if it no longer answers, so the next call opens a new one. */
  void failed() {
    try (Connection c = open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
      rs.next();
    } catch (SQLException | RuntimeException e) {
      reset();
    }
  }

  private DuckDBConnection openRoot() throws SQLException {
    try {
      Files.createDirectories(settings.tempDirectory());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create DuckDB temp directory " + settings.tempDirectory(), e);
    }
    Properties p = new Properties();
    p.setProperty("memory_limit", settings.duckDbMemoryLimit());
    p.setProperty("threads", Integer.toString(settings.threads()));
    p.setProperty("temp_directory", settings.tempDirectory().toAbsolutePath().toString());
    p.setProperty("preserve_insertion_order", "false");
    p.setProperty("autoinstall_known_extensions", "false");
    DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", p);
    try (Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute("SET parquet_metadata_cache = true"); // a profile reads the same footer in every query
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private void reset() {
    synchronized (lock) {
      if (root != null) {
        try {
          root.close();
        } catch (SQLException ignored) {
          // the instance is already unusable
        }
        root = null;
      }
    }
  }

  /** Closes the shared instance; calls in flight keep their own connections until they end. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      reset();
    }
  }
}
