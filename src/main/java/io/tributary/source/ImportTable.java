package io.tributary.source;

import io.tributary.parquet.DuckCopy;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The rows of one extraction on their way to Parquet: appended to a table of their own in-memory DuckDB (its
 * {@code memory_limit}; beyond it DuckDB spills to the temp directory), then written by DuckDB's {@code COPY} (snappy,
 * row groups of 122,880 rows, the columns' names exactly). The appender buffers one vector of rows in the JVM, so the
 * heap holds no more than that and the fetched batch. Blocking.
 */
final class ImportTable implements AutoCloseable {

  private final DuckCopy duck;
  private final List<SourceColumn> columns;
  private final DuckDBAppender appender;

  ImportTable(List<SourceColumn> columns, String memoryLimit, int threads, Path tempDirectory)
      throws SQLException {
    this.columns = columns;
    this.duck = new DuckCopy(memoryLimit, threads, tempDirectory);
    try (Statement s = duck.connection().createStatement()) {
      StringBuilder create = new StringBuilder("CREATE TABLE rows (");
      for (int i = 0; i < columns.size(); i++) {
        create.append(i == 0 ? "" : ", ").append('c').append(i).append(' ').append(columns.get(i).duckType());
      }
      s.execute(create.append(')').toString());
      this.appender = ((DuckDBConnection) duck.connection()).createAppender("rows");
    } catch (SQLException e) {
      duck.close();
      throw e;
    }
  }

  /** Appends one row of values as {@link SourceColumn#read} gives them. */
  void append(Object[] row) throws SQLException {
    appender.beginRow();
    for (int i = 0; i < row.length; i++) {
      columns.get(i).append(appender, row[i]);
    }
    appender.endRow();
  }

  /** Writes the rows appended to {@code output} (atomically); returns how many there are. */
  long copyTo(Path output) throws SQLException, IOException {
    appender.close();
    StringBuilder select = new StringBuilder("SELECT ");
    for (int i = 0; i < columns.size(); i++) {
      select.append(i == 0 ? "" : ", ").append('c').append(i).append(" AS ").append(DuckCopy.quote(columns.get(i).name()));
    }
    return duck.copy(select.append(" FROM rows").toString(), output);
  }

  @Override
  public void close() throws SQLException {
    try {
      appender.close();
    } finally {
      duck.close();
    }
  }
}
