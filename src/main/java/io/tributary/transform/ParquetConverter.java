package io.tributary.transform;

import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parquet to Parquet: the upload is read in full by DuckDB (which proves every page readable and, unlike
 * Avro's reader, accepts any column name) and written again with parquet-avro. Types are kept: integers,
 * floats, decimals, booleans, strings, blobs, dates, times, timestamps with and without time zone; types
 * without an Avro form (nested lists, structs, maps, UUID, intervals, 128-bit integers) become their text.
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
    Properties props = new Properties();
    props.setProperty("memory_limit", limits.memoryLimit());
    props.setProperty("threads", "1");
    props.setProperty("duckdb.read_only", "false");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:", props)) {
      try (Statement s = c.createStatement()) {
        s.execute("SET autoinstall_known_extensions = false");
        s.execute("SET autoload_known_extensions = false");
      }
      List<Column> columns = describe(c);
      if (columns.size() > limits.maxColumns()) {
        throw new ConversionException(limits.beyond(InputLimits.Limit.COLUMNS, "the file", "it has more than",
          "Split the data into files of fewer columns").getMessage());
      }
      progress.progress(5);
      long total = count(c);
      List<Schema> types = new ArrayList<>();
      List<String> names = new ArrayList<>();
      StringBuilder select = new StringBuilder("SELECT ");
      List<String> guards = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        Column col = columns.get(i);
        names.add(col.name());
        types.add(col.avro());
        String q = "\"" + col.name().replace("\"", "\"\"") + "\"";
        String value = "text".equals(col.kind()) ? "CAST(" + q + " AS VARCHAR)" : q;
        String length = switch (col.kind()) {
          case "string", "text" -> "strlen(" + value + ")";
          case "blob" -> "octet_length(" + value + ")";
          default -> null;
        };
        if (length != null) {
          // values beyond the limit stop the scan before Java holds them
          value = "CASE WHEN " + length + " > " + limits.maxFieldChars() + " THEN error(?) ELSE " + value + " END";
          guards.add(limits.beyond(InputLimits.Limit.FIELD, "column '" + col.name() + "'", "a value is longer than",
            "Shorten the values").getMessage());
        }
        select.append(i == 0 ? "" : ", ").append(value);
      }
      select.append(" FROM read_parquet(?)");
      Schema schema = ParquetSink.recordSchema(names, types);
      GenericData model = new GenericData();
      model.addLogicalTypeConversion(new Conversions.DecimalConversion());
      long rows = 0;
      try (ParquetSink sink = ParquetSink.open(request.outputFile(), schema, model);
           PreparedStatement ps = c.prepareStatement(select.toString())) {
        for (int i = 0; i < guards.size(); i++) {
          ps.setString(i + 1, guards.get(i));
        }
        ps.setString(guards.size() + 1, request.input().toString());
        try (ResultSet rs = ps.executeQuery()) {
          GenericData.Record record = new GenericData.Record(schema);
          int last = -1;
          while (rs.next()) {
            for (int i = 0; i < columns.size(); i++) {
              record.put(i, value(rs, i + 1, columns.get(i)));
            }
            sink.write(record);
            rows++;
            int percent = 5 + (int) Math.min(94, 94 * rows / Math.max(1, total)); // the footer may lie
            if (percent != last) {
              last = percent;
              progress.progress(percent);
              if (Thread.currentThread().isInterrupted()) {
                throw new IOException("conversion interrupted");
              }
            }
          }
        }
        long bytes = sink.commit();
        List<ColumnSpec> specs = new ArrayList<>();
        columns.forEach(col -> specs.add(new ColumnSpec(col.name(), col.outType())));
        return new ConvertResult(rows, 0, specs, bytes);
      }
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

  private long count(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM read_parquet(?)")) {
      ps.setString(1, request.input().toString());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
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

  private static Object value(ResultSet rs, int i, Column col) throws SQLException {
    Object raw = rs.getObject(i);
    if (raw == null) {
      return null;
    }
    return switch (col.kind()) {
      case "boolean" -> rs.getBoolean(i);
      case "int" -> rs.getInt(i);
      case "long" -> rs.getLong(i);
      case "float" -> rs.getFloat(i);
      case "double" -> rs.getDouble(i);
      case "decimal" -> rs.getBigDecimal(i).setScale(((LogicalTypes.Decimal) col.avro().getLogicalType()).getScale());
      case "blob" -> ByteBuffer.wrap(rs.getBytes(i));
      case "date" -> (int) rs.getObject(i, LocalDate.class).toEpochDay();
      case "time" -> rs.getObject(i, LocalTime.class).toNanoOfDay() / 1000;
      case "timestamp" -> ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0),
        rs.getObject(i, LocalDateTime.class));
      case "timestamptz" -> ChronoUnit.MICROS.between(OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
        rs.getObject(i, OffsetDateTime.class));
      default -> rs.getString(i);
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
