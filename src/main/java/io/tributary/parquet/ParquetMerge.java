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
import java.util.List;
import java.util.stream.Collectors;

/**
 * Merges Parquet files into one with DuckDB, reading them by column name (files of older schema generations get
 * NULLs for the columns they lack). The result appears under its name only when complete. Blocking: workers only.
 */
public final class ParquetMerge {

  private ParquetMerge() {
  }

  /** Merges the files into {@code target}; returns the number of rows written. */
  public static long merge(List<Path> files, Path target) throws SQLException, IOException {
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    String list = files.stream().map(p -> literal(p.toAbsolutePath().toString())).collect(Collectors.joining(", ", "[", "]"));
    long rows;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET threads = 1");
      s.execute("SET memory_limit = '512MB'");
      s.execute("SET preserve_insertion_order = false");
      s.execute("COPY (SELECT * FROM read_parquet(" + list + ", union_by_name = true)) TO " + literal(temp.toString())
        + " (FORMAT parquet, COMPRESSION snappy)");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet(" + literal(temp.toString()) + ")")) {
        rs.next();
        rows = rs.getLong(1);
      }
    } catch (SQLException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return rows;
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
