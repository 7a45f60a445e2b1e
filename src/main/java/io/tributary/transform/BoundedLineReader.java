package io.tributary.transform;

import java.io.IOException;
import java.io.Reader;
import java.util.function.LongFunction;

/** Lines of text ({@code \n}, {@code \r\n}) no longer than a limit: a longer line fails before it is held whole. */
final class BoundedLineReader {

  private final Reader in;
  private final int maxChars;
  private final LongFunction<RuntimeException> tooLong;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int end;
  private long lineNo;

  /** @param tooLong what to throw, given the line number, for a line longer than {@code maxChars} */
  BoundedLineReader(Reader in, int maxChars, LongFunction<RuntimeException> tooLong) {
    this.in = in;
    this.maxChars = maxChars;
    this.tooLong = tooLong;
  }

  /** The number of the line last returned (1-based). */
  long lineNo() {
    return lineNo;
  }

  /** The next line without its terminator, or null at the end. */
  String readLine() throws IOException {
    StringBuilder line = null;
    while (true) {
      if (pos == end) {
        end = Math.max(0, in.read(buf));
        pos = 0;
        if (end == 0) {
          return line == null ? null : finish(line);
        }
      }
      int start = pos;
      while (pos < end && buf[pos] != '\n') {
        pos++;
      }
      int length = pos - start;
      if ((line == null ? 0 : line.length()) + length > maxChars + 1L) { // + 1: a '\r' before the '\n'
        throw tooLong.apply(lineNo + 1);
      }
      if (line == null) {
        line = new StringBuilder(Math.max(16, length));
      }
      line.append(buf, start, length);
      if (pos < end) {
        pos++; // the '\n'
        return finish(line);
      }
    }
  }

  private String finish(StringBuilder line) {
    lineNo++;
    int n = line.length();
    if (n > 0 && line.charAt(n - 1) == '\r') {
      line.setLength(n - 1);
    }
    if (line.length() > maxChars) {
      throw tooLong.apply(lineNo);
    }
    return line.toString();
  }
}
