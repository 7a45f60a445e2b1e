package io.tributary.stream;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The types a dataset created from a schema declares, for a stream that fills it: a parsed JSON value (see
 * {@link RecordParser}, exact mode) converts to the value Parquet stores for the type, or fails with the reason.
 * JSON numbers fill the numeric types (no fraction into an integer type, nothing out of the type's range, no more
 * decimal places than a DECIMAL's scale); ISO-8601 strings fill DATE, TIME, TIMESTAMP (no offset) and TIMESTAMP WITH
 * TIME ZONE (an offset or Z required); a JSON boolean fills BOOLEAN; base64 text fills BLOB; anything fills VARCHAR
 * as its text (objects and arrays as their JSON text). JSON null is NULL.
 */
final class DeclaredTypes {

  static final String TIMESTAMPTZ = "TIMESTAMP WITH TIME ZONE";
  private static final Pattern DECIMAL = Pattern.compile("^DECIMAL\\((\\d+),(\\d+)\\)$");
  private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder().appendPattern("HH:mm:ss")
    .appendFraction(ChronoField.NANO_OF_SECOND, 0, 6, true).toFormatter();
  private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
    .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral('T').append(TIME).toFormatter();

  /** A value that does not convert; the message names the problem (the caller adds the column). */
  static final class BadValue extends Exception {
    private static final long serialVersionUID = 1L;

    BadValue(String message) {
      super(message, null, false, false);
    }
  }

  private DeclaredTypes() {
  }

  /**
   * The value Parquet stores for {@code type}: Boolean, Integer, Long, Float, Double, byte[] (DECIMAL's unscaled
   * two's-complement bytes, BLOB's bytes), Integer days (DATE), Long microseconds (TIME of the day, TIMESTAMP local,
   * TIMESTAMP WITH TIME ZONE since the epoch in UTC) or String.
   */
  static Object convert(Object value, String type) throws BadValue {
    if (value == null) {
      return null;
    }
    switch (type) {
      case "VARCHAR":
        return value.toString();
      case "BOOLEAN":
        if (value instanceof Boolean) {
          return value;
        }
        throw new BadValue(describe(value) + " is not a JSON boolean");
      case "INTEGER":
        return integer(value, Integer.MIN_VALUE, Integer.MAX_VALUE).intValue();
      case "BIGINT":
        return integer(value, Long.MIN_VALUE, Long.MAX_VALUE).longValue();
      case "FLOAT": {
        double d = number(value).doubleValue();
        if (Math.abs(d) > Float.MAX_VALUE) {
          throw new BadValue(describe(value) + " is out of the range of FLOAT");
        }
        return (float) d;
      }
      case "DOUBLE": {
        double d = number(value).doubleValue();
        if (!Double.isFinite(d)) {
          throw new BadValue(describe(value) + " is out of the range of DOUBLE");
        }
        return d;
      }
      case "DATE":
        try {
          return (int) LocalDate.parse(text(value, "an ISO date (2024-01-31)")).toEpochDay();
        } catch (DateTimeParseException e) {
          throw new BadValue(describe(value) + " is not an ISO date (2024-01-31)");
        }
      case "TIME":
        try {
          LocalTime t = LocalTime.parse(text(value, "an ISO time (13:45:00)"));
          return micros(t.toSecondOfDay(), t.getNano(), value);
        } catch (DateTimeParseException e) {
          throw new BadValue(describe(value) + " is not an ISO time (13:45:00)");
        }
      case "TIMESTAMP":
        return timestamp(value);
      case TIMESTAMPTZ:
        return timestampTz(value);
      case "BLOB":
        try {
          return Base64.getDecoder().decode(text(value, "base64 text"));
        } catch (IllegalArgumentException e) {
          throw new BadValue(describe(value) + " is not base64 text");
        }
      default:
        return decimal(value, type);
    }
  }

  /** A converted value as the profile's statistics count it: a number, a Boolean, or text (ISO for dates and times). */
  static Object statsValue(Object stored, String type) {
    return switch (type) {
      case "DATE" -> LocalDate.ofEpochDay((Integer) stored).toString();
      case "TIME" -> TIME.format(LocalTime.ofNanoOfDay((Long) stored * 1000));
      case "TIMESTAMP" -> DATE_TIME.format(LocalDateTime.ofEpochSecond(Math.floorDiv((Long) stored, 1_000_000L),
        (int) Math.floorMod((Long) stored, 1_000_000L) * 1000, ZoneOffset.UTC));
      case TIMESTAMPTZ -> DATE_TIME.format(LocalDateTime.ofEpochSecond(Math.floorDiv((Long) stored, 1_000_000L),
        (int) Math.floorMod((Long) stored, 1_000_000L) * 1000, ZoneOffset.UTC)) + "+00:00";
      case "BLOB" -> Base64.getEncoder().encodeToString((byte[]) stored);
      default -> stored instanceof byte[] unscaled ? new BigDecimal(new BigInteger(unscaled), scale(type)) : stored;
    };
  }

  /** Whether the type's values are numbers (their statistics have a mean and quartiles). */
  static boolean numeric(String type) {
    return "INTEGER".equals(type) || "FLOAT".equals(type) || type != null && type.startsWith("DECIMAL(");
  }

  /** The Avro type of a column of {@code type} (with the logical type DuckDB reads back as {@code type}). */
  static Object avroType(String type) {
    return switch (type) {
      case "BOOLEAN" -> "boolean";
      case "INTEGER" -> "int";
      case "BIGINT" -> "long";
      case "FLOAT" -> "float";
      case "DOUBLE" -> "double";
      case "DATE" -> new JsonObject().put("type", "int").put("logicalType", "date");
      case "TIME" -> new JsonObject().put("type", "long").put("logicalType", "time-micros");
      case "TIMESTAMP" -> new JsonObject().put("type", "long").put("logicalType", "local-timestamp-micros");
      case TIMESTAMPTZ -> new JsonObject().put("type", "long").put("logicalType", "timestamp-micros");
      case "BLOB" -> "bytes";
      case "VARCHAR" -> new JsonObject().put("type", "string").put("avro.java.string", "String");
      default -> {
        Matcher m = DECIMAL.matcher(type);
        if (!m.matches()) {
          throw new IllegalArgumentException("not a declared type: " + type);
        }
        yield new JsonObject().put("type", "bytes").put("logicalType", "decimal")
          .put("precision", Integer.parseInt(m.group(1))).put("scale", Integer.parseInt(m.group(2)));
      }
    };
  }

  /** Whether a stream can fill a column of this (canonical) type. */
  static boolean supported(String type) {
    try {
      avroType(type);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static int scale(String type) {
    Matcher m = DECIMAL.matcher(type);
    return m.matches() ? Integer.parseInt(m.group(2)) : 0;
  }

  private static byte[] decimal(Object value, String type) throws BadValue {
    Matcher m = DECIMAL.matcher(type);
    if (!m.matches()) {
      throw new BadValue("the type " + type + " cannot be filled by a stream");
    }
    int precision = Integer.parseInt(m.group(1));
    int scale = Integer.parseInt(m.group(2));
    Number n = number(value);
    BigDecimal d = n instanceof BigDecimal b ? b : n instanceof BigInteger i ? new BigDecimal(i) : BigDecimal.valueOf(n.longValue());
    try {
      d = d.setScale(scale, RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      throw new BadValue(describe(value) + " has more than " + scale + " decimal places for " + type);
    }
    if (d.precision() > precision) {
      throw new BadValue(describe(value) + " is out of the range of " + type);
    }
    return d.unscaledValue().toByteArray();
  }

  private static Number integer(Object value, long min, long max) throws BadValue {
    Number n = number(value);
    BigInteger i;
    if (n instanceof BigDecimal d) {
      try {
        i = d.toBigIntegerExact();
      } catch (ArithmeticException e) {
        throw new BadValue(describe(value) + " has a fraction; the column holds integers");
      }
    } else {
      i = n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue());
    }
    if (i.compareTo(BigInteger.valueOf(min)) < 0 || i.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new BadValue(describe(value) + " is out of the range of " + (max == Integer.MAX_VALUE ? "INTEGER" : "BIGINT"));
    }
    return i.longValue();
  }

  private static Number number(Object value) throws BadValue {
    if (value instanceof Number n) {
      return n;
    }
    throw new BadValue(describe(value) + " is not a JSON number");
  }

  private static String text(Object value, String what) throws BadValue {
    if (value instanceof String s) {
      return s;
    }
    throw new BadValue(describe(value) + " is not a string with " + what);
  }

  private static long timestamp(Object value) throws BadValue {
    String s = text(value, "an ISO timestamp (2024-01-31T13:45:00)");
    try {
      LocalDateTime t = s.length() == 10 ? LocalDate.parse(s).atStartOfDay() : LocalDateTime.parse(s.replace(' ', 'T'));
      return micros(t.toEpochSecond(ZoneOffset.UTC), t.getNano(), value);
    } catch (DateTimeParseException e) {
      throw new BadValue(describe(value) + (looksOffset(s) ? " has a time zone offset; the column is TIMESTAMP "
        + "(without time zone)" : " is not an ISO timestamp (2024-01-31T13:45:00)"));
    } catch (ArithmeticException e) {
      throw new BadValue(describe(value) + " is out of the range of TIMESTAMP");
    }
  }

  private static long timestampTz(Object value) throws BadValue {
    String s = text(value, "an ISO timestamp with an offset (2024-01-31T13:45:00Z)");
    try {
      OffsetDateTime t = OffsetDateTime.parse(s.replace(' ', 'T'));
      return micros(t.toEpochSecond(), t.getNano(), value);
    } catch (DateTimeParseException e) {
      throw new BadValue(describe(value) + " is not an ISO timestamp with an offset or Z (2024-01-31T13:45:00Z)");
    } catch (ArithmeticException e) {
      throw new BadValue(describe(value) + " is out of the range of TIMESTAMP WITH TIME ZONE");
    }
  }

  private static boolean looksOffset(String s) {
    return s.endsWith("Z") || s.matches(".*T.*[+-]\\d\\d(:?\\d\\d)?$");
  }

  /** Seconds and nanoseconds as microseconds; finer precision than microseconds does not convert. */
  private static long micros(long seconds, int nanos, Object value) throws BadValue {
    if (nanos % 1000 != 0) {
      throw new BadValue(describe(value) + " is more precise than microseconds");
    }
    return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nanos / 1000);
  }

  /** The value as the reason quotes it (long text cut). */
  static String describe(Object value) {
    String text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }
}
