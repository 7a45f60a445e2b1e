package io.tributary.source;

import io.tributary.parquet.DistinctTally;
import org.duckdb.DuckDBAppender;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A column of a source database's result and how its values are written to Parquet (through DuckDB), exactly:
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

  /** The DuckDB (and so Parquet) type of the values. */
  String duckType() {
    return switch (kind) {
      case INT -> "INTEGER";
      case LONG -> "BIGINT";
      case DECIMAL -> "DECIMAL(" + precision + "," + scale + ")";
      case FLOAT -> "FLOAT";
      case DOUBLE -> "DOUBLE";
      case BOOLEAN -> "BOOLEAN";
      case DATE -> "DATE";
      case TIMESTAMP -> "TIMESTAMP";
      case TIMESTAMPTZ -> "TIMESTAMP WITH TIME ZONE";
      case BINARY -> "BLOB";
      case TEXT -> "VARCHAR";
    };
  }

  /**
   * The value of this column in the current row (1-based {@code index}), or null: Integer, Long, BigDecimal of this
   * column's scale, Float, Double, Boolean, Integer (a date's epoch day), Long (a timestamp's epoch microseconds),
   * byte[] or String.
   */
  Object read(ResultSet rs, int index) throws SQLException {
    Object value = switch (kind) {
      case INT -> rs.getInt(index);
      case LONG -> rs.getLong(index);
      case DECIMAL -> {
        BigDecimal d = rs.getBigDecimal(index);
        yield d == null ? null : d.setScale(scale);
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
      case BINARY -> rs.getBytes(index);
      case TEXT -> rs.getString(index);
    };
    return rs.wasNull() ? null : value;
  }

  /** Appends a value {@link #read} gave (null included) as this column's next value. */
  void append(DuckDBAppender appender, Object value) throws SQLException {
    if (value == null) {
      appender.appendNull();
      return;
    }
    switch (kind) {
      case INT -> appender.append((int) (Integer) value);
      case LONG -> appender.append((long) (Long) value);
      case DECIMAL -> appender.append((BigDecimal) value);
      case FLOAT -> appender.append((float) (Float) value);
      case DOUBLE -> appender.append((double) (Double) value);
      case BOOLEAN -> appender.append((boolean) (Boolean) value);
      case DATE -> appender.appendEpochDays((Integer) value);
      case TIMESTAMP, TIMESTAMPTZ -> appender.appendEpochMicros((Long) value);
      case BINARY -> appender.append((byte[]) value);
      case TEXT -> appender.append((String) value);
    }
  }

  /** Counts a non-null value {@link #read} gave, as DuckDB tells values apart. */
  void tally(DistinctTally tally, Object value) {
    switch (kind) {
      case INT, DATE -> tally.addLong((Integer) value);
      case LONG, TIMESTAMP, TIMESTAMPTZ -> tally.addLong((Long) value);
      case BOOLEAN -> tally.addLong((Boolean) value ? 1 : 0);
      case FLOAT -> tally.addDouble((Float) value);
      case DOUBLE -> tally.addDouble((Double) value);
      // one scale per column: equal values have equal unscaled values, and equal text
      case DECIMAL -> {
        BigDecimal d = (BigDecimal) value;
        if (precision <= 18) {
          tally.addLong(d.unscaledValue().longValueExact());
        } else {
          tally.addString(d.toPlainString());
        }
      }
      case BINARY -> tally.addString(new String((byte[]) value, StandardCharsets.ISO_8859_1));
      case TEXT -> tally.addString((String) value);
    }
  }

  private static long micros(long seconds, int nanos) {
    return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nanos / 1000);
  }

  /** Orders two non-null values of this column (for the last value an incremental import has seen). */
  int compare(Object a, Object b) {
    return switch (kind) {
      case DECIMAL -> ((BigDecimal) a).compareTo((BigDecimal) b);
      case BINARY -> Arrays.compareUnsigned((byte[]) a, (byte[]) b);
      case BOOLEAN -> Boolean.compare((Boolean) a, (Boolean) b);
      case TEXT -> ((String) a).compareTo((String) b);
      case FLOAT, DOUBLE -> Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
      default -> Long.compare(((Number) a).longValue(), ((Number) b).longValue());
    };
  }

  /** A value as the text of a SQL literal both PostgreSQL and MySQL read back as the same value. */
  String literal(Object value) {
    return switch (kind) {
      case DECIMAL -> ((BigDecimal) value).toPlainString();
      case DATE -> LocalDate.ofEpochDay((Integer) value).toString();
      case TIMESTAMP -> timestamp((Long) value).toString().replace('T', ' ');
      case TIMESTAMPTZ -> timestamp((Long) value).toString().replace('T', ' ') + "+00";
      default -> String.valueOf(value);
    };
  }

  private static LocalDateTime timestamp(long micros) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), (int) Math.floorMod(micros, 1_000_000L) * 1000,
      ZoneOffset.UTC);
  }
}
