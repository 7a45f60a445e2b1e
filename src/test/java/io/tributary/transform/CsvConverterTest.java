package io.tributary.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("CsvConverter")
class CsvConverterTest {

  private static final int ROWS = 60_000;

  @TempDir
  Path dir;

  @Test
  @DisplayName("counts distinct values while writing exactly as DuckDB counts them in the written file")
  void distinctCountsMatchDuckDb() throws Exception {
    Random random = new Random(7);
    StringBuilder csv = new StringBuilder("id,down,zeros,word,price,day,at,flag,wide\n");
    for (int i = 0; i < ROWS; i++) {
      csv.append(i).append(',')
        .append(i < 100 ? 1000 - i : i % 500).append(',')                       // falls, then repeats
        .append(i % 3 == 0 ? "0.0" : i % 3 == 1 ? "-0.0" : "").append(',')        // 0.0 equals -0.0
        .append(i % 11 == 0 ? "" : "wört " + (i % 37)).append(',')
        .append(String.format(Locale.ROOT, "%.2f", (i % 900) / 4.0)).append(',')
        .append(String.format("2024-%02d-%02d", 1 + i % 12, 1 + i % 28)).append(',')
        .append(String.format("2024-01-01T%02d:%02d:%02d", i % 24, i % 60, (i / 7) % 60)).append(',')
        .append(i % 2 == 0).append(',')
        .append(random.nextLong()).append('\n');                                 // too many for a tally
    }
    ConvertResult result = convert(csv.toString());

    assertThat(result.rowCount()).isEqualTo(ROWS);
    List<String> counted = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      for (ColumnSpec column : result.columns()) {
        if (column.distinct() != null) {
          counted.add(column.name());
          assertThat(column.distinct()).as(column.name()).isEqualTo(duckDistinct(s, column.name()));
        }
      }
    }
    assertThat(counted).containsExactly("id", "down", "zeros", "word", "price", "day", "at", "flag");
    assertThat(result.columns().get(8).distinct()).isNull();
  }

  @Test
  @DisplayName("writes every decimal as exactly the double Java's own parser gives")
  void decimalsAreExact() throws Exception {
    Random random = new Random(11);
    StringBuilder csv = new StringBuilder("n,x\n");
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      String text = switch (i % 5) {
        case 0 -> String.format(Locale.ROOT, "%.4f", random.nextDouble() * 1000);
        case 1 -> Double.toString(random.nextGaussian() * 1e-3);
        case 2 -> "-" + random.nextInt(1_000_000) + "." + random.nextInt(1000);
        case 3 -> "0.1234567890123456789";
        default -> Long.toString(random.nextLong() >>> 12) + ".5";
      };
      texts.add(text);
      csv.append(i).append(',').append(text).append('\n');
    }
    convert(csv.toString());
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT n, x FROM read_parquet('" + dir.resolve("out.parquet") + "') ORDER BY n")) {
      int checked = 0;
      while (rs.next()) {
        double expected = Double.parseDouble(texts.get(rs.getInt(1)));
        assertThat(Double.doubleToLongBits(rs.getDouble(2))).as(texts.get(rs.getInt(1)))
          .isEqualTo(Double.doubleToLongBits(expected));
        checked++;
      }
      assertThat(checked).isEqualTo(texts.size());
    }
  }

  @Test
  @DisplayName("rewrites the file with the wider type when a value past the sample does not fit, counts still exact")
  void lateWiderValue() throws Exception {
    StringBuilder csv = new StringBuilder("k,v\n");
    for (int i = 0; i < CsvConverter.SAMPLE_ROWS + 5_000; i++) {
      csv.append(i % 1000).append(',').append(i).append('\n');
    }
    csv.append("2.5,x\n");
    ConvertResult result = convert(csv.toString());

    assertThat(result.rowCount()).isEqualTo(CsvConverter.SAMPLE_ROWS + 5_001);
    assertThat(result.columns()).extracting(ColumnSpec::type).containsExactly("DOUBLE", "VARCHAR");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      assertThat(result.columns().get(0).distinct()).isEqualTo(duckDistinct(s, "k")).isEqualTo(1001);
      assertThat(result.columns().get(1).distinct()).isIn(null, duckDistinct(s, "v")); // null: left to the profiler
    }
  }

  @Test
  @DisplayName("reads booleans in any case, signed and 19-digit integers, and skips a ragged row whatever its values")
  void typedValuesAndSkippedRaggedRow() throws Exception {
    StringBuilder csv = new StringBuilder("flag,n,label\n");
    String[] flags = {"true", "FALSE", "True", "fAlSe"};
    String[] numbers = {"+42", "-7", "9223372036854775807", "-9223372036854775808", "007"};
    for (int i = 0; i < 100; i++) {
      csv.append(flags[i % flags.length]).append(',').append(numbers[i % numbers.length]).append(",x").append(i % 3)
        .append('\n');
    }
    csv.append("not a flag,1.5\n"); // ragged (2 fields), and neither value fits its column
    Path in = dir.resolve("in.csv");
    Files.writeString(in, csv.toString(), StandardCharsets.UTF_8);
    ConvertResult result = DatasetConverter.convert(new ConvertRequest(in, SourceType.CSV, true,
      dir.resolve("out.parquet")), percent -> { });

    assertThat(result.rowCount()).isEqualTo(100);
    assertThat(result.rowsRejected()).isEqualTo(1);
    assertThat(result.columns()).extracting(ColumnSpec::type).containsExactly("BOOLEAN", "BIGINT", "VARCHAR");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count_if(flag), sum(n::HUGEINT), min(n), max(n), count(DISTINCT label) "
           + "FROM read_parquet('" + dir.resolve("out.parquet") + "')")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(50);
      assertThat(rs.getString(2)).isEqualTo(new java.math.BigInteger("42").add(java.math.BigInteger.valueOf(-7))
        .add(java.math.BigInteger.valueOf(Long.MAX_VALUE)).add(java.math.BigInteger.valueOf(Long.MIN_VALUE))
        .add(java.math.BigInteger.valueOf(7)).multiply(java.math.BigInteger.valueOf(20)).toString());
      assertThat(rs.getLong(3)).isEqualTo(Long.MIN_VALUE);
      assertThat(rs.getLong(4)).isEqualTo(Long.MAX_VALUE);
      assertThat(rs.getLong(5)).isEqualTo(3);
    }
    assertThat(result.columns()).extracting(ColumnSpec::distinct).containsExactly(2L, 5L, 3L);
  }

  @Test
  @DisplayName("fails a ragged row deep in the file with its line number and leaves no file behind")
  void raggedRowNamesItsLine() throws Exception {
    StringBuilder csv = new StringBuilder("a,b\n");
    for (int i = 0; i < 50_000; i++) {
      csv.append(i).append(',').append(i).append('\n');
    }
    csv.append("1,2,3\n");
    assertThatThrownBy(() -> convert(csv.toString()))
      .isInstanceOf(ConversionException.class)
      .hasMessageContaining("line 50002");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("in.csv");
    }
  }

  private ConvertResult convert(String text) throws Exception {
    Path in = dir.resolve("in.csv");
    Files.writeString(in, text, StandardCharsets.UTF_8);
    return DatasetConverter.convert(new ConvertRequest(in, SourceType.CSV, false, dir.resolve("out.parquet")),
      percent -> { });
  }

  private long duckDistinct(Statement s, String column) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT \"" + column + "\") FROM read_parquet('"
      + dir.resolve("out.parquet") + "')")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
