package io.tributary.source;

import org.postgresql.copy.CopyOut;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A PostgreSQL query's rows in COPY's binary format, each field decoded from the type's send format into the value
 * {@link SourceColumn#read} gives through JDBC (and {@link PgText} from the text format): no digits or dates to parse,
 * integers, floats, dates and timestamps are read as they are stored. Only for results whose every column has one of
 * the {@link #supports supported} types; others are copied as text. Not thread-safe: one per copy.
 */
final class PgBinary {

  /** The types whose send format is decoded here (domains, arrays and others are copied as text). */
  private static final Set<String> TYPES = Set.of("int2", "int4", "int8", "numeric", "float4", "float8", "bool",
    "date", "timestamp", "timestamptz", "bytea", "text", "varchar", "bpchar", "name", "json", "jsonb", "uuid");
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
  /** Days and microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
  private static final int EPOCH_DAYS = 10_957;
  private static final long EPOCH_MICROS = EPOCH_DAYS * 86_400_000_000L;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final CopyOut copy;
  private final List<SourceColumn> columns;
  private final String[] types;
  private byte[] buf = new byte[0];
  private int pos;

  PgBinary(CopyOut copy, List<SourceColumn> columns, List<String> types) {
    this.copy = copy;
    this.columns = columns;
    this.types = types.toArray(new String[0]);
  }

  /** Whether every column of a result has a type decoded here (the result's {@code getColumnTypeName}s). */
  static boolean supports(List<String> types) {
    return types.stream().allMatch(t -> t != null && TYPES.contains(t.toLowerCase(Locale.ROOT)));
  }

  /** The next row's values, or null after the last row. */
  Object[] next() throws SQLException {
    if (buf.length == 0 && !header()) {
      return null;
    }
    need(2);
    int fields = (short) ((buf[pos] & 0xff) << 8 | buf[pos + 1] & 0xff);
    pos += 2;
    if (fields == -1) {
      return null;
    }
    if (fields != types.length) {
      throw new SQLException("COPY gave a row of " + fields + " fields where the query has " + types.length
        + " columns", "22000");
    }
    Object[] values = new Object[fields];
    for (int i = 0; i < fields; i++) {
      need(4);
      int length = int32(pos);
      pos += 4;
      if (length >= 0) {
        need(length);
        values[i] = decode(i, length);
        pos += length;
      }
    }
    return values;
  }

  /** Reads the signature, flags and header extension; false when the copy gave no data at all. */
  private boolean header() throws SQLException {
    byte[] first = copy.readFromCopy();
    if (first == null) {
      return false;
    }
    buf = first;
    need(SIGNATURE.length + 8);
    for (int i = 0; i < SIGNATURE.length; i++) {
      if (buf[pos + i] != SIGNATURE[i]) {
        throw new SQLException("COPY did not give its binary format's signature", "22000");
      }
    }
    int flags = int32(pos + SIGNATURE.length);
    int extension = int32(pos + SIGNATURE.length + 4);
    if ((flags & 0xffff0000) != 0 || extension < 0) {
      throw new SQLException("COPY's binary format has flags this reader does not know: " + flags, "22000");
    }
    pos += SIGNATURE.length + 8;
    need(extension);
    pos += extension;
    return true;
  }

  /** Makes {@code n} bytes available from {@code pos}, reading further messages of the copy as needed. */
  private void need(int n) throws SQLException {
    while (buf.length - pos < n) {
      byte[] more = copy.readFromCopy();
      if (more == null) {
        throw new SQLException("COPY ended within a row", "08006");
      }
      byte[] joined = new byte[buf.length - pos + more.length];
      System.arraycopy(buf, pos, joined, 0, buf.length - pos);
      System.arraycopy(more, 0, joined, buf.length - pos, more.length);
      buf = joined;
      pos = 0;
    }
  }

  private Object decode(int i, int length) throws SQLException {
    SourceColumn column = columns.get(i);
    try {
      return switch (types[i]) {
        case "int2" -> (int) (short) int16(pos);
        case "int4" -> column.kind() == SourceColumn.Kind.LONG ? (Object) (long) int32(pos) : (Object) int32(pos);
        case "int8" -> int64(pos);
        case "numeric" -> numeric(column, length);
        case "float4" -> Float.intBitsToFloat(int32(pos));
        case "float8" -> Double.longBitsToDouble(int64(pos));
        case "bool" -> buf[pos] != 0;
        case "date" -> date(int32(pos));
        case "timestamp", "timestamptz" -> timestamp(int64(pos));
        case "bytea" -> java.util.Arrays.copyOfRange(buf, pos, pos + length);
        case "jsonb" -> jsonb(length);
        case "uuid" -> uuid();
        default -> new String(buf, pos, length, StandardCharsets.UTF_8);
      };
    } catch (RuntimeException e) {
      throw new SQLException("Column " + column.name() + ": cannot read its " + types[i] + " value ("
        + e.getMessage() + ")", "22000", e);
    }
  }

  /** Days since 1970-01-01; PostgreSQL's infinite dates have no DATE value. */
  private static int date(int days) {
    if (days == Integer.MAX_VALUE || days == Integer.MIN_VALUE) {
      throw new ArithmeticException((days > 0 ? "" : "-") + "infinity");
    }
    return Math.addExact(days, EPOCH_DAYS);
  }

  /** Microseconds since 1970-01-01 (UTC for timestamptz); infinite timestamps have no value. */
  private static long timestamp(long micros) {
    if (micros == Long.MAX_VALUE || micros == Long.MIN_VALUE) {
      throw new ArithmeticException((micros > 0 ? "" : "-") + "infinity");
    }
    return Math.addExact(micros, EPOCH_MICROS);
  }

  /**
   * A numeric: ndigits, weight, sign, dscale, then base-10,000 digits. A BigDecimal of the column's scale, or for a
   * column read as text (no precision, or above 38) the text PostgreSQL gives, {@code dscale} digits after the point.
   */
  private Object numeric(SourceColumn column, int length) {
    int ndigits = int16(pos);
    int weight = (short) int16(pos + 2);
    int sign = int16(pos + 4);
    int dscale = int16(pos + 6);
    if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000) {
      String special = sign == 0xC000 ? "NaN" : sign == 0xD000 ? "Infinity" : "-Infinity";
      if (column.kind() == SourceColumn.Kind.TEXT) {
        return special;
      }
      throw new NumberFormatException(special + " has no DECIMAL value");
    }
    if (length != 8 + 2 * ndigits) {
      throw new NumberFormatException("a numeric of " + length + " bytes for " + ndigits + " digits");
    }
    BigDecimal value;
    if (ndigits <= 4) {
      long unscaled = 0;
      for (int k = 0; k < ndigits; k++) {
        unscaled = unscaled * 10_000 + int16(pos + 8 + 2 * k);
      }
      value = BigDecimal.valueOf(sign == 0x4000 ? -unscaled : unscaled, 4 * (ndigits - 1 - weight));
    } else {
      BigInteger unscaled = BigInteger.ZERO;
      BigInteger base = BigInteger.valueOf(10_000);
      for (int k = 0; k < ndigits; k++) {
        unscaled = unscaled.multiply(base).add(BigInteger.valueOf(int16(pos + 8 + 2 * k)));
      }
      value = new BigDecimal(sign == 0x4000 ? unscaled.negate() : unscaled, 4 * (ndigits - 1 - weight));
    }
    return column.kind() == SourceColumn.Kind.TEXT ? value.setScale(dscale).toPlainString()
      : value.setScale(column.scale());
  }

  /** A jsonb's text: its send format is a version byte (1) and the text. */
  private String jsonb(int length) {
    if (length < 1 || buf[pos] != 1) {
      throw new IllegalArgumentException("a jsonb of a format version this reader does not know");
    }
    return new String(buf, pos + 1, length - 1, StandardCharsets.UTF_8);
  }

  /** The canonical text of a uuid, as PostgreSQL writes it (lower-case hex with dashes). */
  private String uuid() {
    char[] out = new char[36];
    int o = 0;
    for (int k = 0; k < 16; k++) {
      if (k == 4 || k == 6 || k == 8 || k == 10) {
        out[o++] = '-';
      }
      out[o++] = HEX[(buf[pos + k] >> 4) & 0xf];
      out[o++] = HEX[buf[pos + k] & 0xf];
    }
    return new String(out);
  }

  private int int16(int at) {
    return (buf[at] & 0xff) << 8 | buf[at + 1] & 0xff;
  }

  private int int32(int at) {
    return (buf[at] & 0xff) << 24 | (buf[at + 1] & 0xff) << 16 | (buf[at + 2] & 0xff) << 8 | buf[at + 3] & 0xff;
  }

  private long int64(int at) {
    return (long) int32(at) << 32 | int32(at + 4) & 0xffffffffL;
  }
}
