package io.tributary.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Distinct counts of the columns of PostgreSQL's CSV rows that only ever increase, found on the bytes without
 * reading a value: a type's output text is a function of its value and tells different values apart as DuckDB does
 * (floats' {@code -0} aside, so a float column that has one gives up), so when a column's texts strictly increase in
 * any fixed order, its values are all distinct. The order is the numeric one for numbers written without an
 * exponent (sign, digits before the point, then the digits) and byte order for everything else (ISO dates and
 * timestamps included). A column that stops increasing gives up ({@code null}); the profiler counts it. Also
 * tells whether every date and timestamp text ended in a digit ({@link #plainTimes}): ISO text, which DuckDB reads
 * as PostgreSQL wrote it, where {@code BC} and {@code infinity} are not.
 */
final class CsvTally {

  private final boolean[] numeric;
  private final boolean[] floating;
  private final boolean[] increasing;
  private final boolean[] temporal;
  private final int lastTemporal;
  private boolean plainTimes = true;
  private final long[] values;
  private final byte[][] last;
  private final int[] lastLength;
  private int left;

  CsvTally(List<SourceColumn> columns) {
    int n = columns.size();
    numeric = new boolean[n];
    floating = new boolean[n];
    increasing = new boolean[n];
    temporal = new boolean[n];
    values = new long[n];
    last = new byte[n][16];
    lastLength = new int[n];
    left = n;
    for (int i = 0; i < n; i++) {
      SourceColumn.Kind kind = columns.get(i).kind();
      floating[i] = kind == SourceColumn.Kind.FLOAT || kind == SourceColumn.Kind.DOUBLE;
      numeric[i] = floating[i] || kind == SourceColumn.Kind.INT || kind == SourceColumn.Kind.LONG
        || kind == SourceColumn.Kind.DECIMAL;
      increasing[i] = kind != SourceColumn.Kind.BOOLEAN;
      left -= increasing[i] ? 0 : 1;
      temporal[i] = kind == SourceColumn.Kind.DATE || kind == SourceColumn.Kind.TIMESTAMP
        || kind == SourceColumn.Kind.TIMESTAMPTZ;
    }
    int lastTime = -1;
    for (int i = 0; i < n; i++) {
      lastTime = temporal[i] ? i : lastTime;
    }
    lastTemporal = lastTime;
  }

  /** Takes one CSV row (fields quoted by {@code "} as PostgreSQL writes them, ending in a newline). */
  void row(byte[] row) {
    if (left == 0 && (lastTemporal < 0 || !plainTimes)) {
      return;
    }
    int from = 0;
    int fields = left == 0 ? lastTemporal + 1 : numeric.length;
    for (int i = 0; i < fields; i++) {
      int to = from;
      if (to < row.length && row[to] == '"') {
        to++;
        while (to < row.length && (row[to] != '"' || to + 1 < row.length && row[to + 1] == '"')) {
          to += row[to] == '"' ? 2 : 1;
        }
        to++;
      } else {
        while (to < row.length && row[to] != ',' && row[to] != '\n') {
          to++;
        }
      }
      if (to > row.length) {
        Arrays.fill(increasing, false);
        left = 0;
        plainTimes = false;
        return;
      }
      if (temporal[i] && to > from && (row[to - 1] < '0' || row[to - 1] > '9')) {
        plainTimes = false;
      }
      if (increasing[i] && to > from) {
        take(i, row, from, to);
      }
      from = to + 1;
    }
  }

  private void take(int i, byte[] row, int from, int to) {
    int length = to - from;
    boolean up = values[i] == 0 || (numeric[i] ? compareNumbers(last[i], lastLength[i], row, from, to)
      : Arrays.compareUnsigned(last[i], 0, lastLength[i], row, from, to)) < 0;
    if (!up || floating[i] && length == 2 && row[from] == '-' && row[from + 1] == '0') {
      increasing[i] = false;
      left--;
      return;
    }
    if (last[i].length < length) {
      last[i] = new byte[Math.max(length, 2 * last[i].length)];
    }
    System.arraycopy(row, from, last[i], 0, length);
    lastLength[i] = length;
    values[i]++;
  }

  /** Numbers' texts ordered by sign, then digits before the point or exponent, then their bytes (reversed below 0). */
  private static int compareNumbers(byte[] a, int aTo, byte[] b, int bFrom, int bTo) {
    boolean aNegative = aTo > 0 && a[0] == '-';
    boolean bNegative = bTo > bFrom && b[bFrom] == '-';
    if (aNegative != bNegative) {
      return aNegative ? -1 : 1;
    }
    int order = Integer.compare(integerDigits(a, 0, aTo), integerDigits(b, bFrom, bTo));
    if (order == 0) {
      order = Arrays.compareUnsigned(a, 0, aTo, b, bFrom, bTo);
    }
    return aNegative ? -order : order;
  }

  private static int integerDigits(byte[] b, int from, int to) {
    int i = from;
    while (i < to && b[i] != '.' && b[i] != 'e') {
      i++;
    }
    return i - from;
  }

  /** Whether every date and timestamp text so far ended in a digit (no {@code BC}, no {@code infinity}). */
  boolean plainTimes() {
    return plainTimes;
  }

  /** Per column its distinct count where its values kept increasing, else null. */
  List<Long> counts() {
    List<Long> counts = new ArrayList<>();
    for (int i = 0; i < numeric.length; i++) {
      counts.add(increasing[i] ? values[i] : null);
    }
    return counts;
  }
}
