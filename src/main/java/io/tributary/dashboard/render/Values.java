package io.tributary.dashboard.render;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the query API's JSON cell values: numbers (integers beyond 2^53 and NaN/Infinity arrive as strings),
 * DATE as {@code YYYY-MM-DD}, TIMESTAMP as local ISO-8601 text (read as UTC) and TIMESTAMPTZ with its offset.
 */
public final class Values {

  /** How an x column is drawn. */
  public enum Kind { NUMBER, TIME, TEXT }

  private static final Set<String> NUMERIC = Set.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
    "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "REAL", "DOUBLE");

  private Values() {
  }

  /** The kind of a DuckDB type name, or of the first non-null value when the type says nothing. */
  public static Kind kind(String type, JsonArray rows, String column) {
    String t = type == null ? "" : type.toUpperCase(Locale.ROOT);
    if (t.equals("DATE") || t.startsWith("TIMESTAMP")) {
      return Kind.TIME;
    }
    if (t.startsWith("DECIMAL") || NUMERIC.contains(t)) {
      return Kind.NUMBER;
    }
    if (!t.isEmpty() || rows == null) {
      return Kind.TEXT;
    }
    for (int i = 0; i < rows.size(); i++) {
      Object v = rows.getJsonObject(i).getValue(column);
      if (v != null) {
        return v instanceof Number ? Kind.NUMBER : !Double.isNaN(millis(v)) ? Kind.TIME : Kind.TEXT;
      }
    }
    return Kind.TEXT;
  }

  /** The type name of a column from a data object's {@code columns}, or null when not listed. */
  public static String type(JsonObject data, String column) {
    JsonArray columns = data.getJsonArray("columns");
    if (columns != null) {
      for (int i = 0; i < columns.size(); i++) {
        JsonObject c = columns.getJsonObject(i);
        if (column.equals(c.getString("name"))) {
          return c.getString("type");
        }
      }
    }
    return null;
  }

  /** A cell as a double: NaN for null, text that is not a number, and booleans. */
  public static double number(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s && !s.isEmpty()) {
      char c = s.charAt(0);
      if (c == '-' || c == '+' || c == '.' || Character.isDigit(c) || c == 'I' || c == 'N') {
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
      }
    }
    return Double.NaN;
  }

  /** A DATE or TIMESTAMP cell as epoch milliseconds (local times read as UTC); NaN when not a time. */
  public static double millis(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (!(v instanceof String s) || s.length() < 10) {
      return Double.NaN;
    }
    double fast = IsoTime.millis(s);
    if (!Double.isNaN(fast)) {
      return fast;
    }
    try {
      if (s.length() == 10) {
        return LocalDate.parse(s).toEpochDay() * 86_400_000d;
      }
      String iso = s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
      char last = iso.charAt(iso.length() - 1);
      boolean zoned = last == 'Z' || iso.lastIndexOf('+') > 10 || iso.lastIndexOf('-') > 10;
      Instant at = zoned ? OffsetDateTime.parse(iso).toInstant() : LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
      return at.toEpochMilli();
    } catch (DateTimeParseException e) {
      return Double.NaN;
    }
  }

  /** A cell's x value for the given kind (NaN when it cannot be placed on that axis). */
  public static double x(Object v, Kind kind) {
    return kind == Kind.TIME ? millis(v) : number(v);
  }

  /** A cell as table text: numbers without exponent where readable, null as an empty string. */
  public static String text(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      double abs = Math.abs(d);
      if (Double.isFinite(d) && (abs == 0 || (abs >= 1e-6 && abs < 1e15))) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
      }
      return Double.toString(d);
    }
    return v.toString();
  }

  /** A number for a headline: grouped, two decimals at most, three significant digits when below 1. */
  public static String headline(Object v) {
    if (v == null) {
      return "—";
    }
    if (v instanceof String s) {
      try {
        return grouped("#,##0").format(new BigInteger(s));
      } catch (NumberFormatException e) {
        return s;
      }
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (!Double.isFinite(d)) {
        return Double.toString(d);
      }
      if (d != 0 && Math.abs(d) < 1) {
        return new BigDecimal(d).round(new MathContext(3)).stripTrailingZeros().toPlainString();
      }
      return grouped(d == Math.rint(d) && Math.abs(d) < 1e15 ? "#,##0" : "#,##0.##").format(d);
    }
    return v.toString();
  }

  private static DecimalFormat grouped(String pattern) {
    return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
  }
}
