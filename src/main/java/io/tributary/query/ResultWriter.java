package io.tributary.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Struct;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes result rows as the contract's JSON values: integers beyond ±2^53 as strings (JavaScript cannot hold
 * them), DATE as {@code YYYY-MM-DD}, TIMESTAMP as ISO-8601 ({@code 2024-01-05T10:00:00}), TIMESTAMPTZ with its
 * offset ({@code Z} in the sandbox's UTC), TIME as {@code HH:MM:SS}, NaN and infinities as strings, BLOB as
 * base64, lists and structs as JSON arrays and objects, everything else as its text. The same rules give the
 * text of a CSV cell.
 */
final class ResultWriter {

  static final JsonFactory JSON = new JsonFactory();
  private static final long MAX_SAFE = 9_007_199_254_740_991L;
  private static final BigInteger MAX_SAFE_BIG = BigInteger.valueOf(MAX_SAFE);

  private enum Kind { BOOLEAN, INT, BIGINT, BIG_INTEGER, FLOATING, DECIMAL, TEXT, DATE, TIMESTAMP, TIMESTAMPTZ, TIME, BLOB, NESTED }

  private final List<ColumnInfo> columns;
  private final Kind[] kinds;

  ResultWriter(ResultSetMetaData meta) throws SQLException {
    int n = meta.getColumnCount();
    columns = new ArrayList<>(n);
    kinds = new Kind[n];
    for (int i = 0; i < n; i++) {
      String type = meta.getColumnTypeName(i + 1);
      columns.add(new ColumnInfo(meta.getColumnLabel(i + 1), type));
      kinds[i] = kind(type);
    }
  }

  List<ColumnInfo> columns() {
    return columns;
  }

  /** The current row as a JSON object. */
  void writeRow(ResultSet rs, JsonGenerator out) throws SQLException, IOException {
    out.writeStartObject();
    for (int i = 0; i < kinds.length; i++) {
      out.writeFieldName(columns.get(i).name());
      writeValue(rs, i + 1, kinds[i], out);
    }
    out.writeEndObject();
  }

  /** The text of a cell for CSV (null for SQL NULL). */
  String text(ResultSet rs, int column) throws SQLException {
    Kind kind = kinds[column - 1];
    return switch (kind) {
      case DATE, TIMESTAMP, TIMESTAMPTZ, TIME -> temporal(rs, column, kind);
      case BLOB -> {
        byte[] bytes = rs.getBytes(column);
        yield bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
      }
      case NESTED -> {
        Object value = rs.getObject(column);
        if (value == null) {
          yield null;
        }
        var buffer = new java.io.StringWriter();
        try (JsonGenerator g = JSON.createGenerator(buffer)) {
          writeObject(plain(value), g);
        } catch (IOException e) {
          throw new SQLException("cannot render a nested value", e);
        }
        yield buffer.toString();
      }
      default -> rs.getString(column);
    };
  }

  private static void writeValue(ResultSet rs, int c, Kind kind, JsonGenerator out) throws SQLException, IOException {
    switch (kind) {
      case BOOLEAN -> {
        boolean v = rs.getBoolean(c);
        if (rs.wasNull()) {
          out.writeNull();
        } else {
          out.writeBoolean(v);
        }
      }
      case INT -> {
        int v = rs.getInt(c);
        if (rs.wasNull()) {
          out.writeNull();
        } else {
          out.writeNumber(v);
        }
      }
      case BIGINT -> {
        long v = rs.getLong(c);
        if (rs.wasNull()) {
          out.writeNull();
        } else if (v > MAX_SAFE || v < -MAX_SAFE) {
          out.writeString(Long.toString(v));
        } else {
          out.writeNumber(v);
        }
      }
      case BIG_INTEGER -> {
        Object v = rs.getObject(c);
        if (v == null) {
          out.writeNull();
        } else {
          BigInteger big = v instanceof BigInteger b ? b : new BigInteger(v.toString());
          if (big.abs().compareTo(MAX_SAFE_BIG) > 0) {
            out.writeString(big.toString());
          } else {
            out.writeNumber(big.longValue());
          }
        }
      }
      case FLOATING -> {
        double v = rs.getDouble(c);
        if (rs.wasNull()) {
          out.writeNull();
        } else if (Double.isNaN(v) || Double.isInfinite(v)) {
          out.writeString(Double.toString(v));
        } else {
          out.writeNumber(v);
        }
      }
      case DECIMAL -> {
        BigDecimal v = rs.getBigDecimal(c);
        if (v == null) {
          out.writeNull();
        } else {
          out.writeNumber(v);
        }
      }
      case DATE, TIMESTAMP, TIMESTAMPTZ, TIME -> {
        String v = temporal(rs, c, kind);
        if (v == null) {
          out.writeNull();
        } else {
          out.writeString(v);
        }
      }
      case BLOB -> {
        byte[] v = rs.getBytes(c);
        if (v == null) {
          out.writeNull();
        } else {
          out.writeString(Base64.getEncoder().encodeToString(v));
        }
      }
      case NESTED -> writeObject(plain(rs.getObject(c)), out);
      default -> {
        String v = rs.getString(c);
        if (v == null) {
          out.writeNull();
        } else {
          out.writeString(v);
        }
      }
    }
  }

  private static String temporal(ResultSet rs, int c, Kind kind) throws SQLException {
    Object raw = rs.getObject(c);
    if (raw == null) {
      return null;
    }
    return switch (kind) {
      case DATE -> raw instanceof LocalDate d ? d.toString() : rs.getString(c);
      case TIMESTAMP -> {
        LocalDateTime t = rs.getObject(c, LocalDateTime.class);
        yield t == null ? rs.getString(c) : DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
      }
      case TIMESTAMPTZ -> raw instanceof OffsetDateTime t ? DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t)
        : rs.getString(c);
      default -> raw instanceof LocalTime t ? DateTimeFormatter.ISO_LOCAL_TIME.format(t) : rs.getString(c);
    };
  }

  /** DuckDB's nested values (arrays, structs, maps) as plain Java lists and maps. */
  private static Object plain(Object value) throws SQLException {
    if (value instanceof Array array) {
      Object[] items = (Object[]) array.getArray();
      List<Object> list = new ArrayList<>(items.length);
      for (Object item : items) {
        list.add(plain(item));
      }
      return list;
    }
    if (value instanceof Struct struct && value instanceof org.duckdb.DuckDBStruct duck) {
      Map<String, Object> map = new java.util.LinkedHashMap<>();
      for (var e : duck.getMap().entrySet()) {
        map.put(e.getKey(), plain(e.getValue()));
      }
      return map;
    }
    if (value instanceof Map<?, ?> source) {
      Map<String, Object> map = new java.util.LinkedHashMap<>();
      for (var e : source.entrySet()) {
        map.put(String.valueOf(e.getKey()), plain(e.getValue()));
      }
      return map;
    }
    return value;
  }

  private static void writeObject(Object value, JsonGenerator out) throws IOException {
    if (value == null) {
      out.writeNull();
    } else if (value instanceof List<?> list) {
      out.writeStartArray();
      for (Object item : list) {
        writeObject(item, out);
      }
      out.writeEndArray();
    } else if (value instanceof Map<?, ?> map) {
      out.writeStartObject();
      for (var e : map.entrySet()) {
        out.writeFieldName(String.valueOf(e.getKey()));
        writeObject(e.getValue(), out);
      }
      out.writeEndObject();
    } else if (value instanceof Boolean b) {
      out.writeBoolean(b);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      long v = ((Number) value).longValue();
      if (v > MAX_SAFE || v < -MAX_SAFE) {
        out.writeString(Long.toString(v));
      } else {
        out.writeNumber(v);
      }
    } else if (value instanceof Double || value instanceof Float) {
      double v = ((Number) value).doubleValue();
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        out.writeString(Double.toString(v));
      } else {
        out.writeNumber(v);
      }
    } else if (value instanceof BigDecimal d) {
      out.writeNumber(d);
    } else if (value instanceof BigInteger b) {
      if (b.abs().compareTo(MAX_SAFE_BIG) > 0) {
        out.writeString(b.toString());
      } else {
        out.writeNumber(b.longValue());
      }
    } else if (value instanceof LocalDateTime t) {
      out.writeString(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t));
    } else if (value instanceof java.sql.Timestamp t) {
      out.writeString(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t.toLocalDateTime()));
    } else if (value instanceof OffsetDateTime t) {
      out.writeString(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t));
    } else if (value instanceof byte[] bytes) {
      out.writeString(Base64.getEncoder().encodeToString(bytes));
    } else {
      out.writeString(value.toString());
    }
  }

  private static Kind kind(String type) {
    String t = type.toUpperCase(Locale.ROOT);
    if (t.endsWith("]") || t.startsWith("STRUCT") || t.startsWith("MAP") || t.startsWith("UNION")) {
      return Kind.NESTED;
    }
    if (t.startsWith("DECIMAL")) {
      return Kind.DECIMAL;
    }
    return switch (t) {
      case "BOOLEAN" -> Kind.BOOLEAN;
      case "TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT" -> Kind.INT;
      case "BIGINT", "UINTEGER" -> Kind.BIGINT;
      case "UBIGINT", "HUGEINT", "UHUGEINT" -> Kind.BIG_INTEGER;
      case "FLOAT", "DOUBLE" -> Kind.FLOATING;
      case "DATE" -> Kind.DATE;
      case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS" -> Kind.TIMESTAMP;
      case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ" -> Kind.TIMESTAMPTZ;
      case "TIME" -> Kind.TIME;
      case "BLOB" -> Kind.BLOB;
      default -> Kind.TEXT;
    };
  }
}
