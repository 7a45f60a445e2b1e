package io.tributary.transform;

import io.tributary.parquet.DuckCopy;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parquet to Parquet inside DuckDB: {@code COPY (SELECT ... FROM read_parquet(upload)) TO ... (FORMAT parquet)} reads
 * every page (a corrupt file fails) and writes a normalized file (snappy, row groups of 122,880 rows), with no row
 * crossing into the JVM. Column names are kept exactly. Types are kept: integers (small ones widened to INTEGER,
 * UINTEGER to BIGINT), floats, decimals, booleans, strings, blobs, dates, times, timestamps (any unit to
 * microseconds) with and without time zone; other types (nested lists, structs, maps, UUID, intervals, 128-bit
 * integers) become their text.
 */
final class ParquetConverter {

  private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),(\\d+)\\)");

  private final ConvertRequest request;
  private final ProgressListener progress;

  ParquetConverter(ConvertRequest request, ProgressListener progress) {
    this.request = request;
    this.progress = progress;
  }

  /** How one input column is read and written. */
  private record Column(String name, String duckType, String kind, Schema avro, String outType) {
  }

  ConvertResult convert() throws ConversionException, IOException {
    InputLimits limits = request.limits();
    try (DuckCopy duck = new DuckCopy(limits.memoryLimit(), 1, null)) {
      Connection c = duck.connection();
      List<Column> columns = describe(c);
      if (columns.size() > limits.maxColumns()) {
        throw new ConversionException(limits.beyond(InputLimits.Limit.COLUMNS, "the file", "it has more than",
          "Split the data into files of fewer columns").getMessage());
      }
      progress.progress(5);
      StringBuilder select = new StringBuilder("SELECT ");
      for (int i = 0; i < columns.size(); i++) {
        Column col = columns.get(i);
        String q = DuckCopy.quote(col.name());
        String value = col.duckType().equals(col.outType()) ? q : "CAST(" + q + " AS " + col.outType() + ")";
        String length = switch (col.kind()) {
          case "string", "text" -> "strlen(" + value + ")";
          case "blob" -> "octet_length(" + value + ")";
          default -> null;
        };
        if (length != null) {
          // a value beyond the limit stops the copy with this message
          String guard = limits.beyond(InputLimits.Limit.FIELD, "column '" + col.name() + "'", "a value is longer than",
            "Shorten the values").getMessage();
          value = "CASE WHEN " + length + " > " + limits.maxFieldChars() + " THEN error(" + DuckCopy.literal(guard)
            + ") ELSE " + value + " END";
        }
        select.append(i == 0 ? "" : ", ").append(value).append(" AS ").append(q);
      }
      select.append(" FROM read_parquet(").append(DuckCopy.literal(request.input().toString())).append(")");
      // DuckDB reads every page (a corrupt one fails here) and writes the normalized file: no row crosses JDBC
      long rows = duck.copy(select.toString(), request.outputFile());
      progress.progress(99);
      List<ColumnSpec> specs = new ArrayList<>();
      columns.forEach(col -> specs.add(new ColumnSpec(col.name(), col.outType())));
      return new ConvertResult(rows, 0, specs, Files.size(request.outputFile()));
    } catch (SQLException e) {
      String m = String.valueOf(e.getMessage());
      int limit = m.indexOf("column '");
      if (limit >= 0 && m.contains("(limit transform.")) {
        String mine = m.substring(limit);
        throw new ConversionException(mine.contains("\n") ? mine.substring(0, mine.indexOf('\n')) : mine);
      }
      if (m.contains("Out of Memory")) {
        throw new ConversionException("reading the Parquet file needs more memory than its conversion may take "
          + "(transform.memory_limit = " + limits.memoryLimit() + ", env TRIBUTARY_TRANSFORM_MEMORY_LIMIT): raise it, "
          + "or write the file with smaller row groups");
      }
      throw new ConversionException("not a valid Parquet file: " + clean(m));
    }
  }

  private List<Column> describe(Connection c) throws SQLException {
    List<Column> columns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("DESCRIBE SELECT * FROM read_parquet(?)")) {
      ps.setString(1, request.input().toString());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(column(rs.getString("column_name"), rs.getString("column_type")));
        }
      }
    }
    return columns;
  }

  private static Column column(String name, String type) {
    Matcher decimal = DECIMAL.matcher(type);
    if (decimal.matches()) {
      int precision = Integer.parseInt(decimal.group(1));
      int scale = Integer.parseInt(decimal.group(2));
      return new Column(name, type, "decimal",
        LogicalTypes.decimal(precision, scale).addToSchema(Schema.create(Schema.Type.BYTES)), type);
    }
    return switch (type) {
      case "BOOLEAN" -> new Column(name, type, "boolean", Schema.create(Schema.Type.BOOLEAN), type);
      case "TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT" ->
        new Column(name, type, "int", Schema.create(Schema.Type.INT), "INTEGER");
      case "BIGINT", "UINTEGER" -> new Column(name, type, "long", Schema.create(Schema.Type.LONG), "BIGINT");
      case "FLOAT" -> new Column(name, type, "float", Schema.create(Schema.Type.FLOAT), type);
      case "DOUBLE" -> new Column(name, type, "double", Schema.create(Schema.Type.DOUBLE), type);
      case "BLOB" -> new Column(name, type, "blob", Schema.create(Schema.Type.BYTES), type);
      case "DATE" -> new Column(name, type, "date", LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT)), type);
      case "TIME" -> new Column(name, type, "time",
        LogicalTypes.timeMicros().addToSchema(Schema.create(Schema.Type.LONG)), type);
      case "TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP_S" -> new Column(name, type, "timestamp",
        LogicalTypes.localTimestampMicros().addToSchema(Schema.create(Schema.Type.LONG)), "TIMESTAMP");
      case "TIMESTAMP WITH TIME ZONE" -> new Column(name, type, "timestamptz",
        LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG)), type);
      case "VARCHAR" -> new Column(name, type, "string", ColumnKind.VARCHAR.avro(), type);
      default -> new Column(name, type, "text", ColumnKind.VARCHAR.avro(), "VARCHAR");
    };
  }

  /** DuckDB's message without the server's paths. */
  private String clean(String message) {
    String m = message == null ? "unreadable" : message;
    m = m.replace(request.input().toString(), "the upload");
    m = m.replaceAll("(/[^\\s'\"]+)+", "<path>");
    int newline = m.indexOf('\n');
    return newline > 0 ? m.substring(0, newline) : m;
  }
}
