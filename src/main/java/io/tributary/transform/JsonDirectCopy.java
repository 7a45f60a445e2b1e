package io.tributary.transform;

import io.tributary.parquet.DuckCopy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/**
 * The writing pass of a JSON upload inside DuckDB, once {@link JsonConverter}'s scan has checked every object and
 * fixed the columns and their types: {@code read_json} with exactly those columns and types, copied to Parquet with
 * no row crossing into the JVM. It is used only where DuckDB's values are the ones the Java writer would produce:
 * no rejected element, no byte order mark, and every VARCHAR column holding strings (or nulls) only. Anything
 * DuckDB refuses (duplicate keys in an object, names equal but for case, memory) or a row count that differs from
 * the scan's leaves nothing behind and answers false: the caller then writes the file itself.
 */
final class JsonDirectCopy {

  private static final Logger LOG = LoggerFactory.getLogger(JsonDirectCopy.class);

  /** DuckDB's default {@code maximum_object_size}: 16 MiB. */
  private static final long DEFAULT_OBJECT_BYTES = 16L * 1024 * 1024;

  private JsonDirectCopy() {
  }

  /**
   * @param array          the input is one JSON array of objects (else one object per line)
   * @param longestObject  the most characters of one object in the input
   * @param rows           the objects the scan counted
   * @return whether the file was written
   */
  static boolean copy(ConvertRequest request, boolean array, List<String> names, List<ColumnKind> kinds,
                      long longestObject, long rows) throws IOException {
    String select = select(request, array, names, kinds, longestObject);
    try (DuckCopy duck = new DuckCopy(request.limits().memoryLimit(), 1, null)) {
      long written = duck.copy(select, request.outputFile());
      if (written == rows) {
        return true;
      }
      LOG.warn("DuckDB read {} JSON objects where the scan counted {}: the Java writer writes the file", written, rows);
    } catch (SQLException e) {
      LOG.info("DuckDB declined the JSON file, the Java writer writes it: {}", firstLine(e.getMessage()));
    }
    return false;
  }

  /** {@code read_json} of the upload with exactly these columns and types. */
  static String select(ConvertRequest request, boolean array, List<String> names, List<ColumnKind> kinds,
                       long longestObject) {
    StringBuilder columns = new StringBuilder("{");
    for (int i = 0; i < names.size(); i++) {
      columns.append(i == 0 ? "" : ", ").append(DuckCopy.literal(names.get(i))).append(": ")
        .append(DuckCopy.literal(kinds.get(i).sqlName));
    }
    columns.append('}');
    // a UTF-16 character is at most 3 bytes of UTF-8
    long objectBytes = Math.min(Math.max(DEFAULT_OBJECT_BYTES, longestObject * 3 + 1024), 0xFFFF_FFFFL);
    return "SELECT * FROM read_json(" + DuckCopy.literal(request.input().toString()) + ", format = "
      + (array ? "'array'" : "'newline_delimited'") + ", records = true, columns = " + columns
      + ", maximum_object_size = " + objectBytes + ")";
  }

  private static String firstLine(String message) {
    String m = String.valueOf(message);
    int newline = m.indexOf('\n');
    return (newline > 0 ? m.substring(0, newline) : m).replaceAll("(/[^\\s'\"]+)+", "<path>");
  }
}
