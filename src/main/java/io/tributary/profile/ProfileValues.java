package io.tributary.profile;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Set;

/**
 * How DuckDB's values become the profile's JSON values: the kind of a column from its DuckDB type, JSON-safe
 * min/max (no digit lost, no NaN), ISO-8601 timestamps, and quoted identifiers for column names.
 */
final class ProfileValues {

  private static final BigInteger MAX_SAFE = BigInteger.valueOf(1L << 53);
  private static final BigInteger MIN_SAFE = MAX_SAFE.negate();

  private static final Set<String> INTEGER_TYPES = Set.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT",
      "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT");
  private static final Set<String> TIMESTAMP_TYPES = Set.of("TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS",
      "TIMESTAMP_NS", "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ");
  private static final Set<String> STRING_TYPES = Set.of("VARCHAR", "UUID");

  private ProfileValues() {
  }

  /** How a column is summarised, from the type DuckDB reads from the file. */
  enum Kind {
    INTEGER, FLOAT, DECIMAL, DATE, TIMESTAMP, TIME, STRING, BOOLEAN, OTHER;

    boolean numeric() {
      return this == INTEGER || this == FLOAT || this == DECIMAL;
    }

    static Kind of(String duckType) {
      String t = duckType.toUpperCase(Locale.ROOT).trim();
      if (INTEGER_TYPES.contains(t)) {
        return INTEGER;
      }
      if (t.equals("FLOAT") || t.equals("DOUBLE")) {
        return FLOAT;
      }
      if (t.startsWith("DECIMAL")) {
        return DECIMAL;
      }
      if (t.equals("DATE")) {
        return DATE;
      }
      if (TIMESTAMP_TYPES.contains(t)) {
        return TIMESTAMP;
      }
      if (t.equals("TIME")) {
        return TIME;
      }
      if (STRING_TYPES.contains(t)) {
        return STRING;
      }
      if (t.equals("BOOLEAN")) {
        return BOOLEAN;
      }
      return OTHER;
    }
  }

  /** A finite double, or null (NaN, ±Infinity, not a number). */
  static Double finite(Object o) {
    if (o instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? d : null;
    }
    return null;
  }

  /** A JSON-safe value for a min/max as returned by the statistics query. */
  static Object jsonValue(Kind kind, Object v) {
    if (v == null) {
      return null;
    }
    switch (kind) {
      case INTEGER: {
        BigInteger b = new BigInteger(v.toString());
        return b.compareTo(MIN_SAFE) >= 0 && b.compareTo(MAX_SAFE) <= 0 ? (Object) b.longValue() : b.toString();
      }
      case DECIMAL: {
        BigDecimal b = new BigDecimal(v.toString());
        if (b.precision() <= 15) {
          return b.doubleValue();
        }
        return b.toPlainString();
      }
      case FLOAT:
        return finite(v);
      case TIMESTAMP:
        return isoTimestamp(v.toString());
      case BOOLEAN:
        return v instanceof Boolean ? v : Boolean.valueOf(v.toString());
      case DATE:
      case TIME:
      case STRING:
        return v.toString();
      default:
        return null;
    }
  }

  /** DuckDB's VARCHAR form of a timestamp ({@code 2024-01-02 03:04:05.5[+00]}) as ISO-8601. */
  static String isoTimestamp(String s) {
    int sp = s.indexOf(' ');
    if (sp < 0) {
      return s; // 'infinity' and the like
    }
    String iso = s.substring(0, sp) + 'T' + s.substring(sp + 1);
    if (iso.matches(".*[+-]\\d\\d$")) {
      iso = iso + ":00";
    }
    return iso;
  }

  /** A DuckDB identifier: double-quoted, embedded double quotes doubled. */
  static String quoteIdentifier(String name) {
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("NUL character in column name");
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
