package io.tributary.source;

import org.postgresql.util.PGbytea;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;

/**
 * One field of a row in PostgreSQL's COPY text format (DateStyle ISO, as the JDBC driver sets it), as
 * {@link SourceColumn#read} would give the same value through JDBC: the type's output text with COPY's backslash
 * escapes, {@code \N} for NULL.
 */
final class PgText {

  private PgText() {
  }

  /** The value of {@code column} in {@code row[from, to)}, or null for {@code \N}. */
  static Object parse(SourceColumn column, byte[] row, int from, int to) throws SQLException {
    if (to - from == 2 && row[from] == '\\' && row[from + 1] == 'N') {
      return null;
    }
    try {
      return switch (column.kind()) {
        case INT -> Math.toIntExact(parseLong(row, from, to));
        case LONG -> parseLong(row, from, to);
        case DECIMAL -> decimal(row, from, to, column.scale());
        case FLOAT -> Float.parseFloat(ascii(row, from, to));
        case DOUBLE -> Double.parseDouble(ascii(row, from, to));
        case BOOLEAN -> row[from] == 't' || row[from] == '1';
        case DATE -> Math.toIntExact(epochDay(row, from, endsWithBc(row, from, to)));
        case TIMESTAMP, TIMESTAMPTZ -> micros(row, from, to);
        case BINARY -> PGbytea.toBytes(unescape(row, from, to));
        case TEXT -> escaped(row, from, to) ? new String(unescape(row, from, to), StandardCharsets.UTF_8)
          : new String(row, from, to - from, StandardCharsets.UTF_8);
      };
    } catch (RuntimeException e) {
      throw new SQLException("Column " + column.name() + ": cannot read the value '"
        + new String(row, from, Math.min(to - from, 64), StandardCharsets.UTF_8) + "' (" + e.getMessage() + ")", "22000", e);
    }
  }

  /** A numeric of the column's scale: from its digits when they fit a long, else through its text. */
  private static BigDecimal decimal(byte[] b, int from, int to, int scale) {
    int point = from;
    while (point < to && b[point] != '.') {
      point++;
    }
    int fraction = point == to ? 0 : to - point - 1;
    boolean negative = b[from] == '-';
    int first = negative ? from + 1 : from;
    if (fraction == scale && to - first <= 18 && point > first) {
      long unscaled = digits(b, first, point);
      if (fraction > 0) {
        for (int i = 0; i < fraction; i++) {
          unscaled *= 10;
        }
        unscaled += digits(b, point + 1, to);
      }
      return BigDecimal.valueOf(negative ? -unscaled : unscaled, scale);
    }
    return new BigDecimal(ascii(b, from, to)).setScale(scale);
  }

  private static long parseLong(byte[] b, int from, int to) {
    boolean negative = b[from] == '-';
    int i = negative ? from + 1 : from;
    if (i == to || to - i > 19) {
      return Long.parseLong(ascii(b, from, to));
    }
    long v = 0;
    for (; i < to; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw new NumberFormatException("not an integer");
      }
      v = Math.addExact(Math.multiplyExact(v, 10), negative ? -d : d);
    }
    return v;
  }

  private static String ascii(byte[] b, int from, int to) {
    return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
  }

  /** {@code YYYY-MM-DD} (the year of four or more digits, before Christ when {@code bc}) as days since 1970-01-01. */
  private static long epochDay(byte[] b, int from, boolean bc) {
    int dash = from + 1;
    while (b[dash] != '-') {
      dash++;
    }
    int year = (int) digits(b, from, dash);
    return LocalDate.of(bc ? 1 - year : year, (int) digits(b, dash + 1, dash + 3), (int) digits(b, dash + 4, dash + 6))
      .toEpochDay();
  }

  /**
   * {@code YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]][ BC]} as microseconds since 1970-01-01 (UTC when an offset is
   * given, else the local time as if in UTC).
   */
  private static long micros(byte[] b, int from, int to) {
    int end = endsWithBc(b, from, to) ? to - 3 : to;
    int space = from;
    while (b[space] != ' ') {
      space++;
    }
    long day = epochDay(b, from, end != to);
    int i = space + 1;
    long seconds = day * 86_400 + digits(b, i, i + 2) * 3600 + digits(b, i + 3, i + 5) * 60 + digits(b, i + 6, i + 8);
    i += 8;
    long micros = 0;
    if (i < end && b[i] == '.') {
      int start = ++i;
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      micros = digits(b, start, i);
      for (int k = i - start; k < 6; k++) {
        micros *= 10;
      }
    }
    if (i < end) {
      int sign = b[i] == '-' ? -1 : 1;
      long offset = digits(b, i + 1, i + 3) * 3600;
      if (i + 3 < end) {
        offset += digits(b, i + 4, i + 6) * 60;
      }
      if (i + 6 < end) {
        offset += digits(b, i + 7, i + 9);
      }
      seconds -= sign * offset;
    }
    return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), micros);
  }

  private static boolean endsWithBc(byte[] b, int from, int to) {
    return to - from > 3 && b[to - 3] == ' ' && b[to - 2] == 'B' && b[to - 1] == 'C';
  }

  /** The decimal digits in {@code b[from, to)}, at most 18 of them. */
  private static long digits(byte[] b, int from, int to) {
    if (to - from > 18 || to <= from) {
      throw new NumberFormatException("not a number of 1 to 18 digits");
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw new NumberFormatException("not a digit");
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static boolean escaped(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '\\') {
        return true;
      }
    }
    return false;
  }

  /** The field without COPY's backslash escapes. */
  static byte[] unescape(byte[] b, int from, int to) {
    byte[] out = new byte[to - from];
    int n = 0;
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c != '\\' || i + 1 == to) {
        out[n++] = c;
        continue;
      }
      byte e = b[++i];
      switch (e) {
        case 'b' -> out[n++] = '\b';
        case 'f' -> out[n++] = '\f';
        case 'n' -> out[n++] = '\n';
        case 'r' -> out[n++] = '\r';
        case 't' -> out[n++] = '\t';
        case 'v' -> out[n++] = 0x0B;
        default -> {
          if (e >= '0' && e <= '7') {
            int v = 0;
            int k = 0;
            for (; k < 3 && i < to && b[i] >= '0' && b[i] <= '7'; k++, i++) {
              v = v * 8 + (b[i] - '0');
            }
            i--;
            out[n++] = (byte) v;
          } else {
            out[n++] = e;
          }
        }
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
