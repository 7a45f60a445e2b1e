package io.tributary.source;

import io.tributary.parquet.ParquetMerge;
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
import java.util.Properties;

/**
 * Turns an extraction into a dataset version: the extracted file itself (replace), or the current version and the
 * new rows merged by column name (append). The version's columns are what DuckDB reads in it. Blocking.
 */
final class ImportFiles {

  /** A written version: its rows, size and columns {@code [{name, type}]}. */
  record Version(long rows, long sizeBytes, JsonArray columns) {
  }

  private ImportFiles() {
  }

  static Version publish(Path extracted, Path current, Path target, String memoryLimit) throws IOException, SQLException {
    Files.createDirectories(target.getParent());
    if (current != null && Files.exists(current)) {
      ParquetMerge.merge(List.of(current, extracted), target);
      Files.deleteIfExists(extracted);
    } else {
      Files.move(extracted, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    return describe(target, memoryLimit);
  }

  static Version describe(Path file, String memoryLimit) throws SQLException, IOException {
    Properties props = new Properties();
    props.setProperty("memory_limit", memoryLimit);
    props.setProperty("threads", "1");
    String literal = "'" + file.toAbsolutePath().toString().replace("'", "''") + "'";
    JsonArray columns = new JsonArray();
    long rows;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:", props); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + literal + ")")) {
        while (rs.next()) {
          columns.add(new JsonObject().put("name", rs.getString("column_name")).put("type", rs.getString("column_type")));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet(" + literal + ")")) {
        rs.next();
        rows = rs.getLong(1);
      }
    }
    return new Version(rows, Files.size(file), columns);
  }
}
