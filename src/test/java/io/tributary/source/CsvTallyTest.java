package io.tributary.source;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Distinct counts found on CSV bytes are given only for columns whose values were all different")
class CsvTallyTest {

  private static final List<SourceColumn> COLUMNS = List.of(
    SourceColumn.map("id", Types.INTEGER, "int4", 10, 0, true),
    SourceColumn.map("n", Types.NUMERIC, "numeric", 12, 3, true),
    SourceColumn.map("d", Types.DOUBLE, "float8", 17, 0, true),
    SourceColumn.map("t", Types.VARCHAR, "text", 0, 0, false),
    SourceColumn.map("b", Types.BOOLEAN, "bool", 1, 0, false));

  private static List<Long> counts(String... rows) {
    CsvTally tally = new CsvTally(COLUMNS);
    for (String row : rows) {
      tally.row((row + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return tally.counts();
  }

  @Test
  @DisplayName("numbers counted in numeric order across signs and lengths, quoted text with commas and newlines")
  void increasing() {
    assertThat(counts("9,-10.500,-2.5,\"a,\"\"b\"\"\nc\",t", "10,-9.000,-0.25,\"a,c\",f", ",,,,",
      "11,0.000,1e-05,\"b\"\"\",t", "100,12.250,3,c,t"))
      .isEqualTo(Arrays.asList(4L, 4L, 4L, 4L, null));
  }

  @Test
  @DisplayName("a repeated value, a decrease or a float's -0 next to 0 gives the column up")
  void givesUp() {
    assertThat(counts("1,1.000,-0,x,t", "2,1.000,0,x,t", "1,2.000,1,y,t"))
      .isEqualTo(Arrays.asList(null, null, null, null, null));
  }

  @Test
  @DisplayName("dates and timestamps count as plain only while every text ends in a digit: no BC, no infinity")
  void plainTimes() {
    List<SourceColumn> columns = List.of(
      SourceColumn.map("dt", Types.DATE, "date", 13, 0, true),
      SourceColumn.map("ts", Types.TIMESTAMP, "timestamp", 29, 6, true),
      SourceColumn.map("tz", Types.TIMESTAMP_WITH_TIMEZONE, "timestamptz", 35, 6, true),
      SourceColumn.map("t", Types.VARCHAR, "text", 0, 0, false));
    assertThat(plain(columns, "2024-02-29,2024-02-29 12:34:56.5,1850-01-01 05:53:28+05:53:28,BC",
      ",,,infinity")).isTrue();
    assertThat(plain(columns, "2024-02-29,,,x", "0044-03-15 BC,,,x")).isFalse();
    assertThat(plain(columns, "2024-02-29,0044-03-15 10:11:12.5 BC,,x")).isFalse();
    assertThat(plain(columns, ",,infinity,x")).isFalse();
    // after every column gave up its count (repeated values), dates are still looked at
    String same = "2024-02-29,2024-02-29 00:00:00,2024-02-29 00:00:00+00,x";
    assertThat(plain(columns, same, same, "0044-03-15 BC,,,x")).isFalse();
    assertThat(plain(columns, same, same, same)).isTrue();
    assertThat(plain(columns, "2024-02-29,2024-02-29 00:00:00,-infinity,x")).isFalse();
  }

  private static boolean plain(List<SourceColumn> columns, String... rows) {
    CsvTally tally = new CsvTally(columns);
    for (String row : rows) {
      tally.row((row + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return tally.plainTimes();
  }
}
