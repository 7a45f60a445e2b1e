package io.tributary.source;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A column of a source database's result and how its values are written to Parquet, exactly:
 * integers as INTEGER or BIGINT (unsigned BIGINT as DECIMAL(20,0)), numerics with precision up to 38 as DECIMAL(p,s)
 * (wider or unconstrained ones as their exact text), real as FLOAT, double as DOUBLE, booleans, dates, timestamps
 * without time zone as TIMESTAMP and with time zone as TIMESTAMP WITH TIME ZONE (microseconds), bytea and binary
 * types as BLOB, and everything else (text, json, uuid, enums, times, intervals, arrays) as its text.
 */
record SourceColumn(String name, Kind kind, int precision, int scale) {

  enum Kind { INT, LONG, DECIMAL, FLOAT, DOUBLE, BOOLEAN, DATE, TIMESTAMP, TIMESTAMPTZ, BINARY, TEXT }

  /** The columns of a result, mapped. */
  static List<SourceColumn> of(ResultSetMetaData meta) throws SQLException {
    List<SourceColumn> columns = new ArrayList<>();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      columns.add(map(meta.getColumnLabel(i), meta.getColumnType(i), meta.getColumnTypeName(i), meta.getPrecision(i),
        meta.getScale(i), meta.isSigned(i)));
    }
    return columns;
  }

  static SourceColumn map(String name, int jdbcType, String typeName, int precision, int scale, boolean signed) {
    String type = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
    Kind kind = switch (jdbcType) {
      case Types.TINYINT, Types.SMALLINT -> Kind.INT;
      case Types.INTEGER -> signed || type.contains("int4") ? Kind.INT : Kind.LONG;
      case Types.BIGINT -> signed ? Kind.LONG : Kind.DECIMAL;
      case Types.NUMERIC, Types.DECIMAL -> precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision
        ? Kind.DECIMAL : Kind.TEXT;
      case Types.REAL -> Kind.FLOAT;
      case Types.FLOAT, Types.DOUBLE -> Kind.DOUBLE;
      case Types.BOOLEAN -> Kind.BOOLEAN;
      case Types.BIT -> type.startsWith("bool") || precision <= 1 ? Kind.BOOLEAN : Kind.TEXT;
      case Types.DATE -> type.equals("year") ? Kind.INT : Kind.DATE;
      case Types.TIMESTAMP -> type.equals("timestamptz") ? Kind.TIMESTAMPTZ : Kind.TIMESTAMP;
      case Types.TIMESTAMP_WITH_TIMEZONE -> Kind.TIMESTAMPTZ;
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Kind.BINARY;
      default -> Kind.TEXT;
    };
    if (kind == Kind.DECIMAL && jdbcType == Types.BIGINT) {
      return new SourceColumn(name, kind, 20, 0);
    }
    return new SourceColumn(name, kind, precision, scale);
  }

  /** The Avro type of the values (the field is a union with null). */
  Schema avro() {
    return switch (kind) {
      case INT -> Schema.create(Schema.Type.INT);
      case LONG -> Schema.create(Schema.Type.LONG);
      case DECIMAL -> LogicalTypes.decimal(precision, scale).addToSchema(Schema.create(Schema.Type.BYTES));
      case FLOAT -> Schema.create(Schema.Type.FLOAT);
      case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
      case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
      case DATE -> LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
      case TIMESTAMP -> LogicalTypes.localTimestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
      case TIMESTAMPTZ -> LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
      case BINARY -> Schema.create(Schema.Type.BYTES);
      case TEXT -> {
        Schema s = Schema.create(Schema.Type.STRING);
        s.addProp("avro.java.string", "String");
        yield s;
      }
    };
  }

  /** The value of this column in the current row (1-based {@code index}), as Avro writes it, or null. */
  Object read(ResultSet rs, int index) throws SQLException {
    Object value = switch (kind) {
      case INT -> rs.getInt(index);
      case LONG -> rs.getLong(index);
      case DECIMAL -> {
        BigDecimal d = rs.getBigDecimal(index);
        yield d == null ? null : ByteBuffer.wrap(d.setScale(scale).unscaledValue().toByteArray());
      }
      case FLOAT -> rs.getFloat(index);
      case DOUBLE -> rs.getDouble(index);
      case BOOLEAN -> rs.getBoolean(index);
      case DATE -> {
        LocalDate d = rs.getObject(index, LocalDate.class);
        yield d == null ? null : Math.toIntExact(d.toEpochDay());
      }
      case TIMESTAMP -> {
        LocalDateTime t = rs.getObject(index, LocalDateTime.class);
        yield t == null ? null : micros(t.toEpochSecond(ZoneOffset.UTC), t.getNano());
      }
      case TIMESTAMPTZ -> {
        OffsetDateTime t = rs.getObject(index, OffsetDateTime.class);
        yield t == null ? null : micros(t.toEpochSecond(), t.getNano());
      }
      case BINARY -> {
        byte[] b = rs.getBytes(index);
        yield b == null ? null : ByteBuffer.wrap(b);
      }
      case TEXT -> rs.getString(index);
    };
    return rs.wasNull() ? null : value;
  }

  private static long micros(long seconds, int nanos) {
    return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nanos / 1000);
  }

  /** Orders two non-null values of this column (for the last value an incremental import has seen). */
  int compare(Object a, Object b) {
    return switch (kind) {
      case DECIMAL -> decimal(a).compareTo(decimal(b));
      case BINARY -> ((ByteBuffer) a).compareTo((ByteBuffer) b);
      case BOOLEAN -> Boolean.compare((Boolean) a, (Boolean) b);
      case TEXT -> ((String) a).compareTo((String) b);
      case FLOAT, DOUBLE -> Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
      default -> Long.compare(((Number) a).longValue(), ((Number) b).longValue());
    };
  }

  /** A value as the text of a SQL literal both PostgreSQL and MySQL read back as the same value. */
  String literal(Object value) {
    return switch (kind) {
      case DECIMAL -> decimal(value).toPlainString();
      case DATE -> LocalDate.ofEpochDay((Integer) value).toString();
      case TIMESTAMP -> timestamp((Long) value).toString().replace('T', ' ');
      case TIMESTAMPTZ -> timestamp((Long) value).toString().replace('T', ' ') + "+00";
      default -> String.valueOf(value);
    };
  }

  private BigDecimal decimal(Object value) {
    ByteBuffer b = ((ByteBuffer) value).duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return new BigDecimal(new BigInteger(bytes), scale);
  }

  private static LocalDateTime timestamp(long micros) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), (int) Math.floorMod(micros, 1_000_000L) * 1000,
      ZoneOffset.UTC);
  }
}
