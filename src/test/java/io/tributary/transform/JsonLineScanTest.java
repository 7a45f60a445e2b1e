package io.tributary.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.tributary.support.Duck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("An NDJSON upload scanned a line at a time gives what the exact reading gives, errors included")
class JsonLineScanTest {

  @TempDir
  Path dir;

  /** The outcome of a conversion: its result and the file's rows, or its error. */
  record Outcome(List<ColumnSpec> columns, long rows, long rejected, List<String> values, String error) {
  }

  Outcome convert(Path in, boolean skip, boolean lineScan) throws Exception {
    Path out = dir.resolve(in.getFileName() + (lineScan ? ".line" : ".exact") + ".parquet");
    try {
      ConvertResult r = new JsonConverter(new ConvertRequest(in, SourceType.JSON, skip, out, InputLimits.DEFAULTS),
        p -> { }, true, lineScan).convert();
      List<String> values = Duck.rows("SELECT * FROM read_parquet(" + Duck.lit(out) + ")").stream()
        .map(Object::toString).toList();
      return new Outcome(r.columns(), r.rowCount(), r.rowsRejected(), values, null);
    } catch (ConversionException e) {
      return new Outcome(null, 0, 0, null, e.getMessage());
    }
  }

  /** Both readings of the bytes, in both error modes, agree; returns the line scan's outcome without skipping. */
  Outcome same(String name, byte[] bytes) throws Exception {
    Path in = dir.resolve(name);
    Files.write(in, bytes);
    Outcome line = convert(in, false, true);
    assertThat(line).as(name).isEqualTo(convert(in, false, false));
    assertThat(convert(in, true, true)).as(name + ", on_error=skip").isEqualTo(convert(in, true, false));
    return line;
  }

  Outcome same(String name, String text) throws Exception {
    return same(name, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("plain files: same columns, types, distinct counts and values (non-ASCII, CRLF, blank lines)")
  void plain() throws Exception {
    Outcome flat = same("flat.ndjson", JsonDirectCopyTest.FLAT);
    assertThat(flat.error()).isNull();
    assertThat(flat.rows()).isEqualTo(5);
    assertThat(same("last-line.ndjson", "{\"a\": 1}\n{\"a\": 2}").rows()).isEqualTo(2);
    assertThat(same("unicode-blank.ndjson", "{\"a\": 1}\n\u2003\u2028\n\t \r\n{\"a\": \"\u00e9\"}\n").rows()).isEqualTo(2);
    assertThat(same("bom.ndjson", "\uFEFF{\"a\": 1}\n{\"a\": 2}\n").rows()).isEqualTo(2);
  }

  @Test
  @DisplayName("keys in a different order on each line still land in their own columns")
  void keyOrder() throws Exception {
    Outcome o = same("order.ndjson", "{\"a\": 1, \"b\": \"x\"}\n{\"b\": \"y\", \"a\": 2}\n{\"c\": true, \"a\": 3}\n"
      + "{\"a\": 4, \"c\": false, \"b\": \"x\"}\n");
    assertThat(o.columns()).extracting(ColumnSpec::name, ColumnSpec::type, ColumnSpec::distinct).containsExactly(
      tuple("a", "BIGINT", 4L), tuple("b", "VARCHAR", 2L), tuple("c", "BOOLEAN", 2L));
    assertThat(o.values()).containsExactly("{a=1, b=x, c=null}", "{a=2, b=y, c=null}",
      "{a=3, b=null, c=true}", "{a=4, b=x, c=false}");
  }

  @Test
  @DisplayName("bad lines are named as before, or skipped with on_error=skip; odd bytes read as before")
  void badLines() throws Exception {
    assertThat(same("syntax.ndjson", "{\"a\": 1}\n{\"a\": 2}\n{\"a\": }\n{\"a\": 4}\n").error()).startsWith("line 3: ");
    assertThat(same("two.ndjson", "{\"a\": 1}\n{\"a\": 2} {\"a\": 3}\n").error()).startsWith("line 2: ");
    assertThat(same("array-line.ndjson", "{\"a\": 1}\n[1, 2]\n").error()).startsWith("line 2: ");
    assertThat(same("lone-cr.ndjson", "{\"a\": 1}\r{\"a\": 2}\n{\"b\": 3}\n").error()).startsWith("line 1: ");
    assertThat(same("columns.ndjson", "{\"a\": 1}\n{\"b\": 1, \"c\": {\"d\": [1, {\"e\": null}]}}\n").error()).isNull();
    byte[] invalid = "{\"a\": \"x?y\"}\n{\"a\": \"z\"}\n".getBytes(StandardCharsets.US_ASCII);
    invalid[8] = (byte) 0xC3; // a lead byte without its continuation
    assertThat(same("invalid-utf8.ndjson", invalid).error()).isNull();
    byte[] surrogate = "{\"a\": \"x???y\"}\n".getBytes(StandardCharsets.US_ASCII);
    surrogate[8] = (byte) 0xED; // U+D800 encoded in UTF-8 (CESU): not UTF-8
    surrogate[9] = (byte) 0xA0;
    surrogate[10] = (byte) 0x80;
    assertThat(same("surrogate.ndjson", surrogate).error()).isNull();
    byte[] nul = "{\"a\": 1}\n{\"a\"\0: 2}\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(same("nul.ndjson", nul).error()).startsWith("line 2: ");
  }

  @Test
  @DisplayName("limits crossed name the limit and the line as before")
  void limits() throws Exception {
    String deep = "[".repeat(1_200) + "]".repeat(1_200);
    assertThat(same("deep.ndjson", "{\"a\": 1}\n{\"a\": " + deep + "}\n").error()).startsWith("line 2: ")
      .contains("max_json_depth");
    assertThat(same("number.ndjson", "{\"a\": 1}\n{\"a\": " + "9".repeat(1_500) + "}\n").error()).startsWith("line 2: ")
      .contains("max_number_length");
  }

  /** {@code n} lines of the same flat object, then {@code tail}. */
  static String many(long n, String tail) {
    StringBuilder b = new StringBuilder();
    for (long i = 0; i < n; i++) {
      b.append("{\"id\": ").append(i).append(", \"name\": \"n").append(i % 97).append("\", \"x\": ").append(i % 13)
        .append(".5}\n");
    }
    return b.append(tail).toString();
  }

  @Test
  @DisplayName("a COPY started during the scan is kept only when the whole file gives its columns and types")
  void earlyCopy() throws Exception {
    long n = JsonEarlyCopy.AFTER_OBJECTS + 5_000;
    assertThat(same("same.ndjson", many(n, "")).rows()).isEqualTo(n);
    // after the COPY started: a column widens, a new column, a string turns mixed, a bad line
    assertThat(same("wider.ndjson", many(n, "{\"id\": 1.5}\n")).columns().get(0).type()).isEqualTo("DOUBLE");
    assertThat(same("new-column.ndjson", many(n, "{\"id\": 1, \"late\": true}\n")).columns()).hasSize(4);
    assertThat(same("mixed.ndjson", many(n, "{\"name\": 7}\n")).columns().get(1).type()).isEqualTo("VARCHAR");
    assertThat(same("bad.ndjson", many(n, "{\"id\": \n")).error()).startsWith("line " + (n + 1) + ": ");
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.contains(".early-") || f.contains(".tmp-")))
        .as("nothing of a dropped COPY is left").isEmpty();
    }
  }
}
