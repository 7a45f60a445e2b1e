package io.tributary.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** DuckDB as the independent reader of test files (the originals and what Tributary produced). */
public final class Duck {

  private Duck() {
  }

  /** Rows of a query as ordered maps of column name to value (as DuckDB's JDBC returns them). */
  public static List<Map<String, Object>> rows(String sql) {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<Map<String, Object>> out = new ArrayList<>();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnName(i), rs.getObject(i));
        }
        out.add(row);
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** A single value. */
  public static Object value(String sql) {
    return rows(sql).get(0).values().iterator().next();
  }

  /** Executes statements (e.g. COPY ... TO to make a test file). */
  public static void exec(String... sql) {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(String.join("; ", sql), e);
    }
  }

  /** A path as a SQL string literal. */
  public static String lit(Path p) {
    return "'" + p.toString().replace("'", "''") + "'";
  }
}
