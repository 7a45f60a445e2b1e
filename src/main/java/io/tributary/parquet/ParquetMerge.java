package io.tributary.parquet;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

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
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Merges Parquet files into one with DuckDB, reading them by column name (files of older schema generations get
 * NULLs for the columns they lack). The result appears under its name only when complete. Blocking: workers only.
 */
public final class ParquetMerge {

  private static final Pattern TYPE = Pattern.compile("^[A-Z][A-Z0-9_ ]*(\\(\\d+,\\s*\\d+\\))?$");

  private ParquetMerge() {
  }

  /** Merges the files into {@code target}; returns the number of rows written. */
  public static long merge(List<Path> files, Path target) throws SQLException, IOException {
    String list = files.stream().map(p -> literal(p.toAbsolutePath().toString())).collect(Collectors.joining(", ", "[", "]"));
    return write("SELECT * FROM read_parquet(" + list + ", union_by_name = true)", target);
  }

  /**
   * Writes {@code base}'s rows then {@code added}'s into {@code target}, both read by column name and cast to the
   * {@code schema} ({@code [{name, type}]}, DuckDB type names) in its column order; returns the rows written.
   */
  public static long append(Path base, Path added, JsonArray schema, Path target) throws SQLException, IOException {
    String columns = select(schema);
    return write("SELECT " + columns + " FROM read_parquet(" + literal(base.toAbsolutePath().toString()) + ") UNION ALL "
      + "SELECT " + columns + " FROM read_parquet(" + literal(added.toAbsolutePath().toString()) + ")", target);
  }

  /** Writes a file of the {@code schema} without rows into {@code target}; returns its size in bytes. */
  public static long empty(JsonArray schema, Path target) throws SQLException, IOException {
    String columns = schema.stream().map(o -> (JsonObject) o)
      .map(c -> "CAST(NULL AS " + type(c) + ") AS " + identifier(c.getString("name"))).collect(Collectors.joining(", "));
    write("SELECT " + columns + " LIMIT 0", target);
    return Files.size(target);
  }

  private static String select(JsonArray schema) {
    return schema.stream().map(o -> (JsonObject) o).map(c -> "CAST(" + identifier(c.getString("name")) + " AS "
      + type(c) + ") AS " + identifier(c.getString("name"))).collect(Collectors.joining(", "));
  }

  /** Runs {@code select} into {@code target} (complete or absent); returns the rows written. */
  private static long write(String select, Path target) throws SQLException, IOException {
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    long rows;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET threads = 1");
      s.execute("SET memory_limit = '512MB'");
      s.execute("SET preserve_insertion_order = false");
      s.execute("COPY (" + select + ") TO " + literal(temp.toString()) + " (FORMAT parquet, COMPRESSION snappy)");
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

  /** A column type as stored with a dataset; anything but a plain type name is refused rather than spliced. */
  private static String type(JsonObject column) {
    String type = column.getString("type");
    if (type == null || !TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException("Not a column type: " + type);
    }
    return type;
  }

  private static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
