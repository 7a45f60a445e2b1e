package io.tributary.parquet;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The exact number of distinct non-null values of one column, counted while the column is written, when that is
 * cheap (a converter or an import): a column whose values only ever increase (ids, event times) has as many distinct values as values, and a
 * column with few distinct values is counted in a small hash set. The set stops at {@code maxEntries} distinct
 * values (or {@code maxChars} characters of strings); past that, unless the values kept increasing, the tally gives
 * up ({@link #count()} answers -1) and the profiler counts that column itself.
 *
 * <p>Values are compared as the profiler (DuckDB) compares them: doubles by value, so {@code 0.0} equals
 * {@code -0.0} and every NaN equals every other; strings by their characters.
 */
public final class DistinctTally {

  /** Marks a free slot; as a key (a BIGINT may take any value) it is remembered apart. */
  private static final long EMPTY = 0x7ff4_dead_beef_0001L;
  private static final long CANONICAL_NAN = Double.doubleToLongBits(Double.NaN);

  /**
   * Distinct values counted per column while writing, and for all columns together; a file so wide that a column
   * would get fewer than {@value #TALLY_MIN} is not tallied (the profiler counts).
   */
  private static final int TALLY_ENTRIES = 1 << 14;
  private static final int TALLY_BUDGET = 1 << 21;
  private static final int TALLY_MIN = 64;

  private final int maxEntries;
  private final long maxChars;
  private long values;
  private boolean increasing = true;
  private long lastLong;
  private double lastDouble;
  private String lastString;
  private long[] slots;
  private int used;
  private boolean holdsEmpty;
  private Set<String> strings;
  private long chars;
  private boolean exceeded;

  public DistinctTally(int maxEntries, long maxChars) {
    this.maxEntries = maxEntries;
    this.maxChars = maxChars;
  }

  /** A tally for each of {@code n} columns, or none when there are too many columns to tally them all cheaply. */
  public static DistinctTally[] forColumns(int n) {
    int perColumn = Math.min(TALLY_ENTRIES, TALLY_BUDGET / Math.max(1, n));
    DistinctTally[] tallies = new DistinctTally[perColumn < TALLY_MIN ? 0 : n];
    for (int i = 0; i < tallies.length; i++) {
      tallies[i] = new DistinctTally(perColumn, 64L * perColumn);
    }
    return tallies;
  }

  /** Whether the count is lost whatever comes next (the values stopped increasing and the set overflowed). */
  public boolean lost() {
    return exceeded && !increasing;
  }

  /** The exact distinct count of the values seen, or -1 when it is not known. */
  public long count() {
    if (increasing) {
      return values;
    }
    if (exceeded) {
      return -1;
    }
    return strings != null ? strings.size() : used;
  }

  /** A non-null value as the CSV converter reads it: Long, Double, Integer (a day), Boolean or String. */
  public void add(Object value) {
    if (value instanceof Long l) {
      addLong(l);
    } else if (value instanceof Double d) {
      addDouble(d);
    } else if (value instanceof Integer day) {
      addLong(day);
    } else if (value instanceof Boolean b) {
      addLong(b ? 1 : 0);
    } else {
      addString((String) value);
    }
  }

  /** A BIGINT, DATE (epoch day), TIMESTAMP (micros) or BOOLEAN (0/1) value. */
  public void addLong(long v) {
    increasing &= values == 0 || v > lastLong;
    lastLong = v;
    values++;
    insert(v);
  }

  public void addDouble(double v) {
    increasing &= values == 0 || v > lastDouble;
    lastDouble = v;
    values++;
    insert(v == 0.0 ? 0L : Double.isNaN(v) ? CANONICAL_NAN : Double.doubleToRawLongBits(v));
  }

  public void addString(String v) {
    increasing &= values == 0 || v.compareTo(lastString) > 0;
    lastString = v;
    values++;
    if (exceeded) {
      return;
    }
    if (strings == null) {
      strings = new HashSet<>();
    }
    if (strings.add(v)) {
      chars += v.length();
      if (strings.size() > maxEntries || chars > maxChars) {
        exceeded = true;
        strings = null;
      }
    }
  }

  private void insert(long key) {
    if (exceeded) {
      return;
    }
    if (slots == null) {
      slots = new long[16];
      Arrays.fill(slots, EMPTY);
    }
    if (key == EMPTY) {
      if (holdsEmpty) {
        return;
      }
      holdsEmpty = true;
    } else if (!place(slots, key)) {
      return;
    }
    if (++used > maxEntries) {
      exceeded = true;
      slots = null;
    } else if (used * 2 > slots.length) {
      grow();
    }
  }

  private void grow() {
    long[] bigger = new long[slots.length * 2];
    Arrays.fill(bigger, EMPTY);
    for (long k : slots) {
      if (k != EMPTY) {
        place(bigger, k);
      }
    }
    slots = bigger;
  }

  /** Open addressing, linear probing; false when the key is there already. */
  private static boolean place(long[] table, long key) {
    int mask = table.length - 1;
    int i = (int) mix(key) & mask;
    while (table[i] != EMPTY) {
      if (table[i] == key) {
        return false;
      }
      i = (i + 1) & mask;
    }
    table[i] = key;
    return true;
  }

  private static long mix(long k) {
    k *= 0x9E37_79B9_7F4A_7C15L;
    return k ^ (k >>> 32);
  }
}
