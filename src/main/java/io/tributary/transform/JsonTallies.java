package io.tributary.transform;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tributary.parquet.DistinctTally;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The distinct values of each column of a JSON upload, counted during {@link JsonConverter}'s scan, before the
 * column's type is known: as a BIGINT (integers), as a DOUBLE (integers and fractions, as DuckDB reads them), and as
 * strings, so whichever type the column gets, its count is there ({@link DistinctTally}: when cheap). Files of more
 * than {@value #MAX_COLUMNS} keys, or with a key twice in one object, are not tallied.
 */
final class JsonTallies {

  static final int MAX_COLUMNS = 64;
  private static final int ENTRIES = 1 << 13;

  /** Per column: [integers and booleans, numbers as doubles, strings]. */
  private final List<DistinctTally[]> columns = new ArrayList<>();
  /** Per column, the last object that had it: a key twice in one object (the last value is kept) stops the tallies. */
  private final long[] lastObject = new long[MAX_COLUMNS];
  private long objects;
  private boolean off;

  /** The next object begins. */
  void object() {
    objects++;
  }

  /** Counts the value the parser is on, of column {@code index} (columns are added in order). */
  void add(int index, JsonToken t, JsonParser p) throws IOException {
    if (index >= MAX_COLUMNS || off) {
      return;
    }
    if (lastObject[index] == objects) {
      off = true;
      return;
    }
    lastObject[index] = objects;
    while (columns.size() <= index) {
      columns.add(new DistinctTally[] {tally(), tally(), tally()});
    }
    DistinctTally[] c = columns.get(index);
    // a value is read only while a count it feeds may still come out
    switch (t) {
      case VALUE_NUMBER_INT -> {
        if ((!c[0].lost() || !c[1].lost()) && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
          long v = p.getLongValue();
          c[0].addLong(v);
          c[1].addDouble(v);
        }
      }
      case VALUE_NUMBER_FLOAT -> {
        if (!c[1].lost()) {
          c[1].addDouble(p.getDoubleValue());
        }
      }
      case VALUE_TRUE -> c[0].addLong(1);
      case VALUE_FALSE -> c[0].addLong(0);
      case VALUE_STRING -> {
        if (!c[2].lost()) {
          c[2].addString(p.getText());
        }
      }
      default -> { }
    }
  }

  /** The exact distinct count of column {@code index} written as {@code kind} (holding only such values), or null. */
  Long count(int index, ColumnKind kind, boolean onlyStrings, int columnCount) {
    if (off || columnCount > MAX_COLUMNS || index >= columns.size()) {
      return null;
    }
    DistinctTally[] c = columns.get(index);
    long n = switch (kind) {
      case BIGINT, BOOLEAN -> c[0].count();
      case DOUBLE -> c[1].count();
      case VARCHAR -> onlyStrings ? c[2].count() : -1;
      default -> -1;
    };
    return n < 0 ? null : n;
  }

  private static DistinctTally tally() {
    return new DistinctTally(ENTRIES, 64L * ENTRIES);
  }
}
