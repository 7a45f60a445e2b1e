package io.tributary.profile;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Queries over one Parquet file on one connection. The file is always a bound parameter ({@link #FILE} marks its
 * place among the parameters of {@code read_parquet(?)}), and each query has its own statement: DuckDB's JDBC driver
 * closes a statement whose query failed.
 */
final class ParquetQueries {

  /** Stands for the file's path among a query's parameters. */
  static final Object FILE = new Object();

  /** Reads a result set. */
  interface Rows<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private final Connection conn;
  private final String path;

  ParquetQueries(Connection conn, String path) {
    this.conn = conn;
    this.path = path;
  }

  <T> T query(String sql, Rows<T> rows, Object... params) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        Object p = params[i] == FILE ? path : params[i];
        if (p instanceof Double d) {
          ps.setDouble(i + 1, d);
        } else if (p instanceof Long l) {
          ps.setLong(i + 1, l);
        } else if (p instanceof Integer n) {
          ps.setInt(i + 1, n);
        } else {
          ps.setString(i + 1, (String) p);
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rows.read(rs);
      }
    }
  }

  /** The first column of the first row, as a long. */
  long single(String sql, Object... params) throws SQLException {
    return query(sql, rs -> {
      rs.next();
      return rs.getLong(1);
    }, params);
  }
}
