package io.tributary.transform;

/**
 * The type inference of one text column: the set of kinds every non-empty value seen so far fits, narrowed
 * value by value. Integers → BIGINT, decimals → DOUBLE (integers and decimals mixed too), true/false →
 * BOOLEAN, ISO dates → DATE, ISO date-times (and dates mixed with them) → TIMESTAMP, otherwise VARCHAR; a
 * column with no value at all is VARCHAR.
 */
final class TypeGuess {

  private static final int LONG = 1;
  private static final int DOUBLE = 2;
  private static final int BOOL = 4;
  private static final int DATE = 8;
  private static final int TIMESTAMP = 16;

  private int candidates = LONG | DOUBLE | BOOL | DATE | TIMESTAMP;
  private boolean seen;

  void accept(String value) {
    if (value.isEmpty() || candidates == 0) {
      seen |= !value.isEmpty();
      return;
    }
    seen = true;
    int c = candidates;
    boolean isLong = (c & LONG) != 0 && TextValues.isLong(value);
    if (!isLong) {
      c &= ~LONG;
      if ((c & DOUBLE) != 0 && !TextValues.isDouble(value)) {
        c &= ~DOUBLE;
      }
    }
    if ((c & BOOL) != 0 && !TextValues.isBoolean(value)) {
      c &= ~BOOL;
    }
    if ((c & (DATE | TIMESTAMP)) != 0) {
      boolean date = TextValues.isDate(value);
      if (!date) {
        c &= ~DATE;
        if ((c & TIMESTAMP) != 0 && !TextValues.isTimestamp(value)) {
          c &= ~TIMESTAMP;
        }
      }
    }
    candidates = c;
  }

  ColumnKind kind() {
    if (!seen) {
      return ColumnKind.VARCHAR;
    }
    if ((candidates & LONG) != 0) {
      return ColumnKind.BIGINT;
    }
    if ((candidates & DOUBLE) != 0) {
      return ColumnKind.DOUBLE;
    }
    if ((candidates & BOOL) != 0) {
      return ColumnKind.BOOLEAN;
    }
    if ((candidates & DATE) != 0) {
      return ColumnKind.DATE;
    }
    if ((candidates & TIMESTAMP) != 0) {
      return ColumnKind.TIMESTAMP;
    }
    return ColumnKind.VARCHAR;
  }
}
