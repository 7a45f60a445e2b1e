package io.tributary.transform;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The header line of a CSV file as the converter reads it: its separator (comma unless the line, outside quotes, has
 * more semicolons or tabs) and its column names (a blank one is {@code column_<n>}, a repeated one gets
 * {@code _2}, {@code _3}, ...). {@link #columns} reads them from a file's first bytes, for checks before a job runs.
 * Pure: no I/O.
 */
public final class CsvHeader {

  private CsvHeader() {
  }

  /** The separator the header line at the start of {@code head} uses. */
  static char separator(byte[] head) {
    int commas = 0;
    int semicolons = 0;
    int tabs = 0;
    boolean quoted = false;
    for (byte b : head) {
      if (b == '"') {
        quoted = !quoted;
      } else if (!quoted && (b == '\n' || b == '\r')) {
        break;
      } else if (!quoted) {
        commas += b == ',' ? 1 : 0;
        semicolons += b == ';' ? 1 : 0;
        tabs += b == '\t' ? 1 : 0;
      }
    }
    if (tabs > commas && tabs >= semicolons) {
      return '\t';
    }
    return semicolons > commas ? ';' : ',';
  }

  /** The column names the converter gives the header's fields. */
  static List<String> names(List<String> fields) {
    List<String> names = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (int i = 0; i < fields.size(); i++) {
      String name = fields.get(i);
      if (name.isBlank()) {
        name = "column_" + (i + 1);
      }
      String unique = name;
      for (int k = 2; !used.add(unique); k++) {
        unique = name + "_" + k;
      }
      names.add(unique);
    }
    return names;
  }

  /**
   * The column names of the CSV file whose first bytes are {@code head} ({@code whole}: they are the whole file), or
   * null when the header line does not end within them.
   */
  public static List<String> columns(byte[] head, boolean whole) {
    int start = head.length >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF
      ? 3 : 0;
    while (start < head.length && (head[start] == '\n' || head[start] == '\r')) {
      start++;
    }
    int end = -1;
    boolean quoted = false;
    for (int i = start; i < head.length && end < 0; i++) {
      if (head[i] == '"') {
        quoted = !quoted;
      } else if (!quoted && (head[i] == '\n' || head[i] == '\r')) {
        end = i;
      }
    }
    if (end < 0 && (!whole || quoted)) {
      return null;
    }
    byte[] line = java.util.Arrays.copyOfRange(head, start, end < 0 ? head.length : end);
    if (line.length == 0) {
      return null;
    }
    try (CsvReader<CsvRecord> csv = CsvReader.builder().fieldSeparator(separator(line))
      .ofCsvRecord(new String(line, StandardCharsets.UTF_8))) {
      Iterator<CsvRecord> records = csv.iterator();
      return records.hasNext() ? names(records.next().getFields()) : null;
    } catch (java.io.IOException | RuntimeException e) {
      return null; // the job decides
    }
  }
}
