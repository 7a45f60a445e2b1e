package io.tributary.transform;

import io.tributary.transform.InputLimits.Limit;

/** Checks each field of a CSV record against the {@link InputLimits} as the parser hands it over. */
final class CsvLimitCheck {

  private final InputLimits limits;
  private long recordChars;

  CsvLimitCheck(InputLimits limits) {
    this.limits = limits;
  }

  /**
   * The parser's buffer holds one field: a little more than the longest field allowed, as a power of two (FastCSV
   * 4.1 grows its buffer by doubling, and fails to read into a last step that is not one).
   */
  int bufferChars() {
    int need = Math.max(1 << 17, limits.maxFieldChars() + 4096);
    return need > 1 << 30 ? 1 << 30 : Integer.highestOneBit(need - 1) << 1;
  }

  void begin() {
    recordChars = 0;
  }

  void field(long line, int index, int chars) {
    if (index >= limits.maxColumns()) {
      throw limits.beyond(Limit.COLUMNS, "line " + line, "the row has more than", "Split the file into files of fewer columns");
    }
    if (chars > limits.maxFieldChars()) {
      throw fieldTooLong(line);
    }
    recordChars += chars;
    if (recordChars > limits.maxLineChars()) {
      throw limits.beyond(Limit.LINE, "line " + line, "the row is longer than", "Shorten the row");
    }
  }

  InputLimitException fieldTooLong(long line) {
    return limits.beyond(Limit.FIELD, "line " + line, "a field is longer than",
      "Shorten the field (or close the quote it opens)");
  }
}
