package io.tributary.source;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * A PostgreSQL query's rows read with {@code COPY (query) TO STDOUT} (text format): the server streams them without a
 * cursor's round trips, and each field is parsed straight from its bytes ({@link PgText}) into the value JDBC would
 * give. The columns are the query's, as its prepared statement describes them. Blocking.
 */
final class PgCopyRows {

  /** Receives each row; the array is reused for the next one. */
  interface Sink {
    void row(Object[] values) throws SQLException;
  }

  private PgCopyRows() {
  }

  /** Whether the connection is PostgreSQL's, so its rows can be copied out. */
  static boolean supports(Connection c) throws SQLException {
    return c.isWrapperFor(PGConnection.class);
  }

  /** The columns of {@code sql} (a query with no parameters), without running it. */
  static List<SourceColumn> columns(Connection c, String sql) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql)) {
      return SourceColumn.of(st.getMetaData());
    }
  }

  /** Copies the rows of {@code sql} into {@code sink}; returns how many there were. */
  static long copy(Connection c, String sql, List<SourceColumn> columns, Sink sink) throws SQLException {
    CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + sql + ") TO STDOUT");
    int n = columns.size();
    Object[] values = new Object[n];
    long rows = 0;
    try {
      byte[] line;
      while ((line = copy.readFromCopy()) != null) {
        int end = line.length > 0 && line[line.length - 1] == '\n' ? line.length - 1 : line.length;
        int from = 0;
        for (int i = 0; i < n; i++) {
          int to = from;
          while (to < end && line[to] != '\t') {
            to++;
          }
          if (i < n - 1 ? to == end : to != end) {
            throw new SQLException("COPY gave a row of another width than the query's " + n + " columns", "22000");
          }
          values[i] = PgText.parse(columns.get(i), line, from, to);
          from = to + 1;
        }
        sink.row(values);
        rows++;
      }
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
    return rows;
  }
}
