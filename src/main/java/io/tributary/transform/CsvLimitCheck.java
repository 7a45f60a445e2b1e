package io.tributary.transform;

import de.siegmar.fastcsv.reader.CsvParseException;
import io.tributary.transform.InputLimits.Limit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks each field of a CSV record against the {@link InputLimits} as the parser hands it over, and turns the
 * parser's failures into the user's: a limit crossed, or the line it could not read.
 */
final class CsvLimitCheck {

  private static final Pattern STARTED_IN_LINE = Pattern.compile("started in line (\\d+)");

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

  /** The parser's failure as the user's: a limit crossed, or the line it could not read. */
  ConversionException failure(CsvParseException e) {
    long line = 1;
    Matcher m = STARTED_IN_LINE.matcher(String.valueOf(e.getMessage()));
    if (m.find()) {
      line = Long.parseLong(m.group(1));
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InputLimitException limit) {
        return new ConversionException(limit.getMessage());
      }
      if (t != e && String.valueOf(t.getMessage()).contains("maximum buffer size")) {
        return new ConversionException(fieldTooLong(line).getMessage());
      }
    }
    Throwable cause = e.getCause() == null ? e : e.getCause();
    if (cause instanceof OutOfMemoryError) {
      return new ConversionException("line " + line + ": the row needs more memory than the server's heap has: lower "
        + "transform.max_field_chars / max_line_chars below what the heap can hold, or raise the heap");
    }
    return new ConversionException("invalid CSV: line " + line + ": " + cause.getMessage());
  }
}
