package io.tributary.transform;

import io.tributary.support.Duck;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A JSON upload written by DuckDB has the names, types, values and profile figures of the Java writer")
class JsonDirectCopyTest {

  @TempDir
  Path dir;

  /** Escapes, non-ASCII and surrogate pairs, odd names, integers widening to DOUBLE, exponents, nulls, gaps. */
  static final String FLAT = """
    {"id": 1, "name": "plain", "amount": 1, "ok": true, "Odd \\"key\\" $": "a\\tb\\nc\\u00e9\\ud83d\\ude00", "big": 9223372036854775807}
    {"id": 2, "name": "h\u00e9llo \u4e16\u754c", "amount": 2.5, "ok": false, "Odd \\"key\\" $": null, "big": -9223372036854775808}\r
    
    {"id": 3, "amount": 1e300, "ok": null, "name": "\\\\ and \\/ and \\"", "big": 0}
       \s
    {"name": "last", "amount": -0.0, "id": -4, "when": "2024-01-01T00:00:00"}
    {"id": 5, "amount": 9007199254740993, "when": "2024-01-02"}
    """;

  Path file(String name, String text) throws Exception {
    Path in = dir.resolve(name);
    Files.writeString(in, text, StandardCharsets.UTF_8);
    return in;
  }

  ConvertResult convert(Path in, Path out, boolean direct) throws Exception {
    return new JsonConverter(new ConvertRequest(in, SourceType.JSON, false, out, InputLimits.DEFAULTS), p -> { },
      direct, true).convert();
  }

  /** Converts both ways; asserts same columns and EXCEPT ALL empty both ways; returns whether DuckDB wrote it. */
  boolean sameBothWays(Path in) throws Exception {
    Path viaDuck = dir.resolve(in.getFileName() + ".duck.parquet");
    Path viaJava = dir.resolve(in.getFileName() + ".java.parquet");
    ConvertResult d = convert(in, viaDuck, true);
    ConvertResult j = convert(in, viaJava, false);
    assertThat(d.columns()).isEqualTo(j.columns());
    assertThat(d.rowCount()).isEqualTo(j.rowCount());
    assertThat(describe(viaDuck)).isEqualTo(describe(viaJava));
    String a = "SELECT * FROM read_parquet(" + Duck.lit(viaDuck) + ")";
    String b = "SELECT * FROM read_parquet(" + Duck.lit(viaJava) + ")";
    assertThat(Duck.value("SELECT count(*) FROM (" + a + " EXCEPT ALL " + b + ")")).isEqualTo(0L);
    assertThat(Duck.value("SELECT count(*) FROM (" + b + " EXCEPT ALL " + a + ")")).isEqualTo(0L);
    // the profile's figures come from the file: the same distinct counts, sums and extremes
    for (ColumnSpec c : j.columns()) {
      String q = "\"" + c.name().replace("\"", "\"\"") + "\"";
      String stats = "SELECT count(" + q + "), count(DISTINCT " + q + "), min(" + q + ")::VARCHAR, max(" + q
        + ")::VARCHAR FROM read_parquet(";
      assertThat(Duck.rows(stats + Duck.lit(viaDuck) + ")")).isEqualTo(Duck.rows(stats + Duck.lit(viaJava) + ")"));
      if (c.distinct() != null) {
        // the scan's tally goes to the profile in place of its own count: it must be that count
        assertThat(c.distinct()).as(c.name()).isEqualTo(Duck.value("SELECT count(DISTINCT " + q + ") FROM read_parquet("
          + Duck.lit(viaDuck) + ")"));
      }
    }
    return String.valueOf(Duck.value("SELECT created_by FROM parquet_file_metadata(" + Duck.lit(viaDuck) + ")"))
      .contains("DuckDB");
  }

  static List<String> describe(Path parquet) {
    return Duck.rows("DESCRIBE SELECT * FROM read_parquet(" + Duck.lit(parquet) + ")").stream()
      .map(r -> r.get("column_name") + " " + r.get("column_type")).toList();
  }

  @Test
  @DisplayName("flat NDJSON and a JSON array: DuckDB writes them, with values identical to the Java writer's")
  void flat() throws Exception {
    assertThat(sameBothWays(file("flat.ndjson", FLAT))).isTrue();
    String array = "[" + String.join(",\n", FLAT.lines().filter(l -> !l.isBlank()).toList()) + "]";
    assertThat(sameBothWays(file("flat.json", array))).isTrue();
    assertThat(convert(dir.resolve("flat.ndjson"), dir.resolve("types.parquet"), true).columns().stream()
      .map(c -> c.name() + " " + c.type()).toList()).containsExactly("id BIGINT", "name VARCHAR", "amount DOUBLE",
      "ok BOOLEAN", "Odd \"key\" $ VARCHAR", "big BIGINT", "when VARCHAR");
  }

  @Test
  @DisplayName("nested values, mixed types, duplicate keys, names equal but for case and a BOM keep the Java writer")
  void javaWhereDuckDbDiffers() throws Exception {
    assertThat(sameBothWays(file("nested.ndjson", "{\"a\": 1, \"n\": {\"x\": [1.50, \"\\u0001\"]}}\n{\"a\": 2}\n")))
      .isFalse();
    assertThat(sameBothWays(file("mixed.ndjson", "{\"a\": 1}\n{\"a\": \"one\"}\n{\"a\": 1.5}\n"))).isFalse();
    assertThat(sameBothWays(file("huge.ndjson", "{\"a\": 1}\n{\"a\": 123456789012345678901234567890}\n"))).isFalse();
    assertThat(sameBothWays(file("dup.ndjson", "{\"a\": 1, \"a\": 2}\n{\"a\": 3}\n"))).isFalse();
    assertThat(sameBothWays(file("case.ndjson", "{\"a\": 1, \"A\": 2}\n"))).isFalse();
    assertThat(sameBothWays(file("bom.ndjson", "\uFEFF{\"a\": 1}\n{\"a\": 2}\n"))).isFalse();
    assertThat(Duck.value("SELECT a FROM read_parquet(" + Duck.lit(dir.resolve("dup.ndjson.duck.parquet"))
      + ") LIMIT 1")).isEqualTo(2L);
  }
}
