package io.tributary.source;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.transform.ParquetSink;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Streams one query's rows from a source database into a Parquet file: through a server-side cursor (PostgreSQL:
 * autocommit off and a fetch size; MariaDB: a fetch size streams the result), so memory holds one batch of rows and
 * one row group, never the whole result. Blocking.
 */
final class Extractor {

  /** What an extraction produced: its rows, and the largest value of the incremental column (as a literal) or null. */
  record Extracted(long rows, String lastValue) {
  }

  private final int fetchSize;

  Extractor(int fetchSize) {
    this.fetchSize = fetchSize;
  }

  /** The statement an import runs: its table or query, past the last value of its incremental column. */
  static String query(ImportDefinition def, String type, boolean past) {
    String from = def.table() != null ? quoteTable(def.table(), type) : "(" + trimSql(def.sql()) + ") src";
    if (def.incrementalColumn() == null && def.table() == null) {
      return trimSql(def.sql());
    }
    String sql = "SELECT * FROM " + from;
    if (def.incrementalColumn() != null && past) {
      sql += " WHERE " + quote(def.incrementalColumn(), type) + " > ?";
    }
    return sql;
  }

  /** The query with no rows, to check it and its columns before a job is queued. */
  static String probe(ImportDefinition def, String type) {
    String from = def.table() != null ? quoteTable(def.table(), type) : "(" + trimSql(def.sql()) + ") src";
    return "SELECT * FROM " + from + " WHERE 1 = 0";
  }

  static String quoteTable(String table, String type) {
    List<String> parts = new ArrayList<>();
    for (String part : table.split("\\.", -1)) {
      parts.add(quote(part, type));
    }
    return String.join(".", parts);
  }

  static String quote(String identifier, String type) {
    if (identifier.isEmpty() || identifier.indexOf('\0') >= 0) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "Not a valid table or column name: " + identifier);
    }
    String q = ConnectionSpec.MYSQL.equals(type) ? "`" : "\"";
    return q + identifier.replace(q, q + q) + q;
  }

  private static String trimSql(String sql) {
    String s = sql.strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s;
  }

  /**
   * Writes the rows of {@code sql} (with {@code lastValue} bound to its one parameter, when given) to {@code output}.
   * Stops with a failure when {@code cancelled} turns true; {@code progress} is told the rows written so far.
   */
  Extracted extract(Connection c, String sql, String lastValue, String incrementalColumn, Path output,
                    BooleanSupplier cancelled, LongConsumer progress) throws SQLException, java.io.IOException {
    try (PreparedStatement st = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      st.setFetchSize(fetchSize);
      if (lastValue != null) {
        st.setString(1, lastValue);
      }
      try (ResultSet rs = st.executeQuery()) {
        List<SourceColumn> columns = SourceColumn.of(rs.getMetaData());
        int tracked = indexOf(columns, incrementalColumn);
        List<String> names = new ArrayList<>();
        List<Schema> types = new ArrayList<>();
        for (SourceColumn column : columns) {
          names.add(column.name());
          types.add(column.avro());
        }
        Schema schema = ParquetSink.recordSchema(names, types);
        long rows = 0;
        Object max = null;
        try (ParquetSink sink = ParquetSink.open(output, schema, GenericData.get())) {
          GenericData.Record record = new GenericData.Record(schema);
          int n = columns.size();
          while (rs.next()) {
            for (int i = 0; i < n; i++) {
              record.put(i, columns.get(i).read(rs, i + 1));
            }
            if (tracked >= 0) {
              Object v = record.get(tracked);
              if (v != null && (max == null || columns.get(tracked).compare(v, max) > 0)) {
                max = v instanceof java.nio.ByteBuffer b ? b.duplicate() : v;
              }
            }
            sink.write(record);
            if (++rows % fetchSize == 0) {
              if (cancelled.getAsBoolean()) {
                st.cancel();
                throw new ApiException(ErrorCode.CONFLICT, "The import was cancelled");
              }
              progress.accept(rows);
            }
          }
          sink.commit();
        }
        return new Extracted(rows, max == null ? null : columns.get(tracked).literal(max));
      }
    }
  }

  private static int indexOf(List<SourceColumn> columns, String name) {
    if (name == null) {
      return -1;
    }
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return i;
      }
    }
    throw new ApiException(ErrorCode.VALIDATION_FAILED, "The source has no column " + name
      + " (incremental_column)", new io.vertx.core.json.JsonObject().put("field", "incremental_column"));
  }
}
