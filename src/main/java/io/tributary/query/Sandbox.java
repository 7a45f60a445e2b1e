package io.tributary.query;

import org.duckdb.DuckDBConnection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One user's DuckDB: an in-memory database whose only tables are views of that user's datasets. Configured
 * once, in this order, then locked: a private temp directory, {@code allowed_directories} = the user's lake
 * folder, external access off, extension auto-install/auto-load off, memory limit, threads, UTC. After
 * {@code lock_configuration} no statement can change any of it, and DuckDB refuses every file outside the
 * folder (also through {@code ..} and symlinks).
 */
final class Sandbox implements AutoCloseable {

  private final DuckDBConnection root;
  private final Map<String, String> views = new HashMap<>();
  private final Set<String> systemNames;
  private final List<Path> sharedDirs;
  private final AtomicInteger inUse = new AtomicInteger();
  private volatile long lastUsed = System.nanoTime();
  /** Replaced by a sandbox with other shared folders: closes when its last query ends. */
  private volatile boolean retired;

  private Sandbox(DuckDBConnection root, Set<String> systemNames, List<Path> sharedDirs) {
    this.root = root;
    this.systemNames = systemNames;
    this.sharedDirs = sharedDirs;
  }

  /**
   * @param sharedDirs folders of datasets shared with the user through collections: {@code allowed_directories} is
   *                   the user's folder and exactly these
   */
  static Sandbox open(Path userDir, List<Path> sharedDirs, Path tempDir, QuerySettings settings) throws SQLException {
    try {
      Files.createDirectories(userDir);
      Files.createDirectories(tempDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the query sandbox folders", e);
    }
    Properties p = new Properties();
    p.setProperty("jdbc_stream_results", "true");
    DuckDBConnection root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", p);
    try (Statement s = root.createStatement()) {
      s.execute("SET temp_directory = " + literal(tempDir.toAbsolutePath().toString()));
      StringBuilder allowed = new StringBuilder(literal(userDir.toAbsolutePath() + "/"));
      for (Path dir : sharedDirs) {
        allowed.append(", ").append(literal(dir.toAbsolutePath() + "/"));
      }
      s.execute("SET allowed_directories = [" + allowed + "]");
      s.execute("SET enable_external_access = false");
      s.execute("SET autoinstall_known_extensions = false");
      s.execute("SET autoload_known_extensions = false");
      s.execute("SET memory_limit = " + literal(settings.memoryLimit()));
      s.execute("SET threads = " + settings.threads());
      s.execute("SET TimeZone = 'UTC'");
      Set<String> system = new HashSet<>();
      try (ResultSet rs = s.executeQuery("SELECT view_name FROM duckdb_views() UNION ALL SELECT table_name FROM duckdb_tables()")) {
        while (rs.next()) {
          system.add(rs.getString(1).toLowerCase(Locale.ROOT));
        }
      }
      s.execute("SET lock_configuration = true");
      return new Sandbox(root, system, List.copyOf(sharedDirs));
    } catch (SQLException | RuntimeException e) {
      root.close();
      throw e;
    }
  }

  /** Names of DuckDB's own catalog views and tables (a CTE must not take one: out of scope it would resolve there). */
  Set<String> systemNames() {
    return systemNames;
  }

  /**
   * Makes a view of each of these datasets current (created, or replaced when its file or version changed) and
   * returns a new connection to run one query on. Views of datasets a request does not name stay: admission
   * lets a query name only the datasets of its request, so a view of a deleted dataset is out of reach.
   */
  synchronized DuckDBConnection connect(List<QueryTable> tables) throws SQLException {
    try (Statement s = root.createStatement()) {
      for (QueryTable t : tables) {
        String key = t.version() + "#" + t.files();
        if (!key.equals(views.get(t.name()))) {
          int dot = t.name().indexOf('.');
          String view = identifier(t.name());
          if (dot > 0) {
            // a dataset of a collection: the collection is a schema
            s.execute("CREATE SCHEMA IF NOT EXISTS " + identifier(t.name().substring(0, dot)));
            view = identifier(t.name().substring(0, dot)) + "." + identifier(t.name().substring(dot + 1));
          }
          s.execute("CREATE OR REPLACE VIEW " + view + " AS SELECT * FROM " + source(t.files()));
          views.put(t.name(), key);
        }
      }
    }
    return (DuckDBConnection) root.duplicate();
  }

  void acquire() {
    inUse.incrementAndGet();
    lastUsed = System.nanoTime();
  }

  void release() {
    lastUsed = System.nanoTime();
    if (inUse.decrementAndGet() == 0 && retired) {
      close();
    }
  }

  /** The shared folders it may read besides the user's own. */
  List<Path> sharedDirs() {
    return sharedDirs;
  }

  /** No new queries come; closes now if idle, else when its last query ends. */
  void retire() {
    retired = true;
    if (inUse.get() == 0) {
      close();
    }
  }

  /** Whether nobody is using it and it has been idle for at least this long. */
  boolean idleFor(long nanos) {
    return inUse.get() == 0 && System.nanoTime() - lastUsed >= nanos;
  }

  @Override
  public void close() {
    try {
      root.close();
    } catch (SQLException ignored) {
      // closing an in-memory database cannot lose anything
    }
  }

  /** One file as it is; several (a stream's parts) by column name, so parts of older schemas read NULLs. */
  private static String source(List<Path> files) {
    if (files.size() == 1) {
      return "read_parquet(" + literal(files.get(0).toAbsolutePath().toString()) + ")";
    }
    StringBuilder list = new StringBuilder("[");
    for (Path f : files) {
      list.append(list.length() > 1 ? ", " : "").append(literal(f.toAbsolutePath().toString()));
    }
    return "read_parquet(" + list + "], union_by_name = true)";
  }

  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  static String identifier(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
