package io.tributary.transform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The scan of an NDJSON upload when every line is plainly one JSON object: each line is parsed once, in place from
 * the file's bytes (a line of ASCII without NUL bytes) or from its text (any other line), where the exact reading
 * decodes every line to a string and parses it twice (whether it is one object, then its values). Anything else, a
 * line that is not one object, invalid JSON, a limit crossed, a line of more bytes than {@code max_line_chars},
 * answers null before the file's end: the caller then forgets what the scan saw and reads the file the exact way,
 * which names the line and the problem (or skips the line with on_error=skip) as it always has. Lines end at
 * {@code \n}, with one {@code \r} before it dropped, and blank lines are skipped, as in {@link BoundedLineReader}.
 */
final class JsonLineScan {

  private static final int CHUNK = 1 << 20;

  private final JsonFactory factory;
  private final int maxLineBytes;

  JsonLineScan(JsonFactory factory, int maxLineChars) {
    this.factory = factory;
    this.maxLineBytes = maxLineChars;
  }

  /** Receives each object, the parser on its START_OBJECT; may throw anything (the scan then answers null). */
  interface Handler {
    void object(JsonParser parser) throws Exception;
  }

  /**
   * Calls the handler for each line's object.
   *
   * @param in the file after its byte order mark
   * @return the objects, or null when a line needs the exact reading
   */
  Long scan(InputStream in, Handler handler) throws IOException {
    byte[] buf = new byte[CHUNK];
    int start = 0; // of the current line
    int searched = 0; // where the search for its end goes on
    int end = 0;
    long rows = 0;
    boolean plain = true; // no byte of the current line searched so far is NUL or beyond ASCII
    while (true) {
      int nl = -1;
      for (int i = searched; i < end; i++) { // one pass finds the line's end and whether it is plain ASCII
        byte c = buf[i];
        if (c <= '\n') {
          if (c == '\n') {
            nl = i;
            break;
          }
          plain &= c > 0;
        }
      }
      if (nl < 0) {
        if (end - start > maxLineBytes + 1L) { // + 1: a '\r' before the '\n'
          return null;
        }
        if (start > 0) { // keep the unfinished line at the start of the buffer
          System.arraycopy(buf, start, buf, 0, end - start);
          end -= start;
          start = 0;
        }
        if (end == buf.length) {
          // at most one line of max_line_chars bytes, its '\r' and '\n' (a longer one ends the scan above)
          buf = Arrays.copyOf(buf, (int) Math.min(Math.min(Integer.MAX_VALUE - 16, 2L * buf.length), maxLineBytes + 2L));
        }
        searched = end;
        int n = in.read(buf, end, buf.length - end);
        if (n > 0) {
          end += n;
          continue;
        }
        if (n == 0) {
          continue;
        }
        if (start == end) {
          return rows;
        }
        nl = end; // the last line has no '\n'
      }
      int objects = line(buf, start, nl, plain, handler);
      if (objects < 0) {
        return null;
      }
      rows += objects;
      start = nl + 1;
      searched = start;
      plain = true;
      if (nl == end) {
        return rows;
      }
    }
  }

  /**
   * 1 for a line of one object, 0 for a blank line, -1 for any other line.
   *
   * @param plain whether the line's bytes are all ASCII without NUL
   */
  private int line(byte[] buf, int start, int end, boolean plain, Handler handler) throws IOException {
    int len = end - start;
    if (len > 0 && buf[end - 1] == '\r') {
      len--;
    }
    if (len > maxLineBytes) {
      return -1;
    }
    if (plain) {
      if (blank(buf, start, len)) {
        return 0;
      }
      return object(factory.createParser(buf, start, len), handler) ? 1 : -1;
    }
    // other bytes are decoded (malformed ones replaced) as the exact reading decodes them
    String text = new String(buf, start, len, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return 0;
    }
    return object(factory.createParser(text), handler) ? 1 : -1;
  }

  /** Whether the ASCII line is whitespace only (as {@link String#isBlank} sees it); stops at its first other byte. */
  private static boolean blank(byte[] b, int from, int len) {
    for (int i = from; i < from + len; i++) {
      byte c = b[i];
      if (!(c == ' ' || c == '\t' || c == '\r' || c == 0x0B || c == '\f' || (c >= 0x1C && c <= 0x1F))) {
        return false;
      }
    }
    return true;
  }

  /** Whether the line was one JSON object, given whole to the handler. */
  private static boolean object(JsonParser p, Handler handler) throws InterruptedIOException {
    try (p) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      handler.object(p);
      return p.nextToken() == null;
    } catch (InterruptedIOException e) {
      throw e;
    } catch (Exception e) {
      return false;
    }
  }

  /** Why a line is not one JSON object, or null when it is. */
  static String problem(JsonFactory factory, String line) throws IOException {
    try (JsonParser p = factory.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return "not a JSON object";
      }
      p.skipChildren();
      return p.nextToken() == null ? null : "unexpected content after the object";
    } catch (StreamConstraintsException e) {
      throw e;
    } catch (JsonParseException e) {
      return "invalid JSON: " + e.getOriginalMessage();
    }
  }
}
