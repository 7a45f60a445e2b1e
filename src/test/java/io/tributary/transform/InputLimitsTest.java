package io.tributary.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.support.Duck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Input limits: a file beyond one fails naming the limit, its value, the line and what to do")
class InputLimitsTest {

  /** 10 columns, fields of 100 characters, rows of 300, JSON 5 levels deep, numbers of 20 digits. */
  static final InputLimits SMALL = new InputLimits(10, 100, 300, 5, 20, "64MB");

  @TempDir
  Path dir;

  ConvertResult convert(String name, String text, SourceType type) throws Exception {
    Path in = dir.resolve(name);
    Files.writeString(in, text, StandardCharsets.UTF_8);
    return convert(in, type);
  }

  ConvertResult convert(Path in, SourceType type) throws Exception {
    return DatasetConverter.convert(new ConvertRequest(in, type, false, dir.resolve(in.getFileName() + ".parquet"),
      SMALL), percent -> { });
  }

  static String row(int fields) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields; i++) {
      b.append(i == 0 ? "" : ",").append('c').append(i);
    }
    return b.append('\n').toString();
  }

  @Test
  @DisplayName("CSV: columns, field size and row length, each at its limit taken and one over it refused")
  void csv() throws Exception {
    assertThat(convert("ten.csv", row(10) + "1,2,3,4,5,6,7,8,9,10\n", SourceType.CSV).columns()).hasSize(10);
    assertThatThrownBy(() -> convert("eleven.csv", row(11) + "1,2,3,4,5,6,7,8,9,10,11\n", SourceType.CSV))
      .isInstanceOf(ConversionException.class)
      .hasMessage("line 1: the row has more than 10 columns (limit transform.max_columns, env TRIBUTARY_MAX_COLUMNS). "
        + "Split the file into files of fewer columns, or raise the limit.");

    assertThat(convert("field.csv", "a,b\n1," + "x".repeat(100) + "\n", SourceType.CSV).rowCount()).isEqualTo(1);
    assertThatThrownBy(() -> convert("long-field.csv", "a,b\n1,2\n3," + "x".repeat(101) + "\n", SourceType.CSV))
      .hasMessageStartingWith("line 3: a field is longer than 100 characters (limit transform.max_field_chars, env "
        + "TRIBUTARY_MAX_FIELD_CHARS). Shorten the field");
    // an unclosed quote runs to the end of the file: refused once it passes the limit, not read whole
    assertThatThrownBy(() -> convert("open-quote.csv", "a,b\n1,\"" + "y\n".repeat(10_000), SourceType.CSV))
      .hasMessageStartingWith("line 2: a field is longer than 100 characters").hasMessageContaining("close the quote");

    String longRow = "a,b,c,d\n" + ("x".repeat(80) + ",").repeat(3) + "x".repeat(80) + "\n";
    assertThatThrownBy(() -> convert("long-row.csv", longRow, SourceType.CSV))
      .hasMessageStartingWith("line 2: the row is longer than 300 characters (limit transform.max_line_chars");
  }

  @Test
  @DisplayName("JSON: nesting, string and number length, keys and NDJSON line length")
  void json() throws Exception {
    String deep5 = "{\"a\":[[[[1]]]]}"; // object, then 4 arrays: 5 levels
    assertThat(convert("deep5.ndjson", deep5 + "\n{\"a\":2}\n", SourceType.JSON).rowCount()).isEqualTo(2);
    assertThatThrownBy(() -> convert("deep6.ndjson", "{\"a\":1}\n{\"a\":[[[[[1]]]]]}\n", SourceType.JSON))
      .hasMessage("line 2: objects and arrays are nested deeper than 5 levels (limit transform.max_json_depth, env "
        + "TRIBUTARY_MAX_JSON_DEPTH). Flatten the data, or raise the limit.");
    assertThatThrownBy(() -> convert("deep6.json", "[\n{\"a\":1},\n{\"a\":[[[[[1]]]]]}\n]", SourceType.JSON))
      .hasMessageStartingWith("line 3: objects and arrays are nested deeper than 5 levels");

    assertThatThrownBy(() -> convert("string.json", "[{\"a\":\"" + "s".repeat(101) + "\"}]", SourceType.JSON))
      .hasMessageStartingWith("line 1: a string is longer than 100 characters (limit transform.max_field_chars");
    assertThatThrownBy(() -> convert("number.ndjson", "{\"a\":" + "9".repeat(21) + "}\n", SourceType.JSON))
      .hasMessageStartingWith("line 1: a number is longer than 20 digits (limit transform.max_number_length");
    assertThatThrownBy(() -> convert("nested.json", "[{\"a\":[" + "\"abcdefghi\",".repeat(20) + "1]}]",
      SourceType.JSON)).hasMessageStartingWith("line 1: a nested value is longer than 100 characters");

    StringBuilder keys = new StringBuilder("{\"a\":1}\n{");
    for (int i = 0; i < 11; i++) {
      keys.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    assertThatThrownBy(() -> convert("keys.ndjson", keys.append("}\n").toString(), SourceType.JSON))
      .hasMessageStartingWith("line 2: the objects have more than 10 columns (limit transform.max_columns");

    String line = "{\"a\":\"" + "x".repeat(90) + "\",\"b\":\"" + "y".repeat(90) + "\",\"c\":\"" + "z".repeat(90)
      + "\",\"d\":\"" + "w".repeat(90) + "\"}";
    assertThatThrownBy(() -> convert("line.ndjson", "{\"a\":\"x\"}\n" + line + "\n", SourceType.JSON))
      .hasMessage("line 2: the line is longer than 300 characters (limit transform.max_line_chars, env "
        + "TRIBUTARY_MAX_LINE_CHARS). Shorten the line (one object per line), or raise the limit.");
  }

  @Test
  @DisplayName("Parquet: a text value over the field limit and too many columns, naming the column")
  void parquet() throws Exception {
    Path fine = dir.resolve("fine.parquet");
    Duck.exec("COPY (SELECT i AS id, repeat('x', 100) AS s FROM range(50) t(i)) TO " + Duck.lit(fine) + " (FORMAT parquet)");
    assertThat(convert(fine, SourceType.PARQUET).rowCount()).isEqualTo(50);

    Path wide = dir.resolve("wide-value.parquet");
    Duck.exec("COPY (SELECT i AS id, CASE WHEN i = 40 THEN repeat('x', 101) ELSE 'ok' END AS \"my col\" "
      + "FROM range(50) t(i)) TO " + Duck.lit(wide) + " (FORMAT parquet)");
    assertThatThrownBy(() -> convert(wide, SourceType.PARQUET))
      .hasMessage("column 'my col': a value is longer than 100 characters (limit transform.max_field_chars, env "
        + "TRIBUTARY_MAX_FIELD_CHARS). Shorten the values, or raise the limit.");

    Path columns = dir.resolve("columns.parquet");
    StringBuilder select = new StringBuilder("SELECT ");
    for (int i = 0; i < 11; i++) {
      select.append(i == 0 ? "" : ", ").append(i).append(" AS c").append(i);
    }
    Duck.exec("COPY (" + select + ") TO " + Duck.lit(columns) + " (FORMAT parquet)");
    assertThatThrownBy(() -> convert(columns, SourceType.PARQUET))
      .hasMessageStartingWith("the file: it has more than 10 columns (limit transform.max_columns");
  }
}
