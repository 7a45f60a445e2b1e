package io.tributary.source;

import io.tributary.support.Duck;
import io.tributary.support.TestApp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("PostgreSQL rows read by DuckDB from COPY's CSV make the same file as rows decoded in the JVM")
class PgCsvCopyTest {

  /** Text CSV quotes or escapes, NULL next to empty text, numerics at their scale, floats' specials, odd offsets. */
  static final String[] TABLE = {
    "DROP TABLE IF EXISTS csv_edges",
    "CREATE TABLE csv_edges (id int, small smallint, big bigint, t text, vc varchar(12), c char(5), n numeric(12,3), "
      + "wide numeric(38,10), loose numeric, f real, d float8, b boolean, dt date, ts timestamp, tz timestamptz, "
      + "j json, jb jsonb, u uuid, by bytea, span interval, arr int[])",
    "INSERT INTO csv_edges VALUES "
      + "(1, -32768, -9223372036854775808, NULL, '', NULL, -0.001, -1234567890123456789012345678.0123456789, 'NaN', "
      + "'NaN', 'NaN', true, '0001-01-01', '0001-01-01 00:00:00', '1850-01-01 00:00:00+00', '{\"a\": [1, 2]}', "
      + "'{\"b\": \"x,y\"}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '', '1 day 02:03:04', '{1,NULL,3}'), "
      + "(2, 32767, 9223372036854775807, '', NULL, 'ab', 123456789.123, 0.0000000001, '1e-20', "
      + "'Infinity', '-Infinity', false, '9999-12-31', '1999-12-31 23:59:59.999999', "
      + "'2024-06-01 12:00:00.000001-03:30', ' {\"spaced\" : 1 } ', '{}', NULL, '\\x00', NULL, NULL), "
      + "(3, 0, 0, E'a,b \"quoted\"\\nline\\r\\nbreak', 'x\"y', '\"', 0, 0, '-0', '-0', '-0', NULL, NULL, NULL, "
      + "'1999-12-31 23:59:59.999999+14', NULL, NULL, NULL, '\\x5c092c22220a0d', NULL, NULL), "
      + "(4, NULL, NULL, E'\\\\N', '\\N', '   ', NULL, NULL, NULL, 1e-40, 5e-324, NULL, '2024-02-29', "
      + "'2024-02-29 12:34:56.5', '2024-02-29 12:34:56.5+00', 'null', 'null', NULL, NULL, NULL, NULL), "
      + "(5, 1, 1, ' lead and trail ', 'ünïcødé', '日本', 1.5, 2.25, '123.4500', 3.4028235e38, 1.7976931348623157e308, "
      + "true, '1970-01-01', '1970-01-01 00:00:00', '1970-01-01 00:00:00+00', '\"日本 😀\"', '\"😀\"', "
      + "'00000000-0000-0000-0000-000000000000', '\\xffff', '-1 mons', '{}')",
    "INSERT INTO csv_edges (id, t, n, ts, tz) SELECT g, 'row ' || g, g / 7.0, timestamp '2000-01-01' + g * "
      + "interval '1.5 s', timestamptz '2000-01-01 00:00:00+00' + g * interval '1 h' FROM generate_series(6, 2000) g"};

  @TempDir
  Path dir;

  @BeforeAll
  static void table() throws Exception {
    TestApp.get();
    SourceDatabases.preparePostgres();
    SourceDatabases.pg(TABLE);
  }

  @Test
  @DisplayName("every edge value, NULL and empty text apart, is the same as the JVM decodes it, in the same types")
  void sameFile() throws Exception {
    List<Long> csvProgress = new ArrayList<>();
    List<Long> jvmProgress = new ArrayList<>();
    Path csv = dir.resolve("csv.parquet");
    Path jvm = dir.resolve("jvm.parquet");
    Extractor.Extracted viaCsv = extract(extractor(), "SELECT * FROM csv_edges", "id", csv, csvProgress);
    Extractor.Extracted viaJvm = extract(extractor().withoutCsv(), "SELECT * FROM csv_edges", "id", jvm, jvmProgress);

    assertThat(viaCsv.via()).isEqualTo("csv");
    assertThat(viaJvm.via()).isIn("binary", "text");
    assertThat(viaCsv.rows()).isEqualTo(viaJvm.rows()).isEqualTo(2000);
    assertThat(viaCsv.lastValue()).isEqualTo(viaJvm.lastValue()).isEqualTo("2000");
    assertThat(csvProgress).isEqualTo(jvmProgress).hasSize(20);
    assertSame(csv, jvm);
    List<String> names = Duck.rows("DESCRIBE SELECT * FROM read_parquet(" + Duck.lit(csv) + ")").stream()
      .map(r -> (String) r.get("column_name")).toList();
    for (int i = 0; i < names.size(); i++) {
      Long counted = viaCsv.distinctCounts().get(i);
      if (counted != null) {
        assertThat(counted).as(names.get(i)).isEqualTo(Duck.value("SELECT count(DISTINCT \"" + names.get(i)
          + "\") FROM read_parquet(" + Duck.lit(csv) + ")"));
      }
    }
    // increasing columns (id, and the generated rows' text, numeric and timestamps) are counted on the bytes
    assertThat(viaCsv.distinctCounts().get(0)).isEqualTo(2000L);
    assertThat(Duck.value("SELECT count(*) FROM read_parquet(" + Duck.lit(csv) + ") WHERE t IS NULL")).isEqualTo(1L);
    assertThat(Duck.value("SELECT count(*) FROM read_parquet(" + Duck.lit(csv) + ") WHERE t = ''")).isEqualTo(1L);
    assertThat(Duck.value("SELECT t FROM read_parquet(" + Duck.lit(csv) + ") WHERE id = 3"))
      .isEqualTo("a,b \"quoted\"\nline\r\nbreak");
    assertThat(Duck.value("SELECT CAST(n AS VARCHAR) FROM read_parquet(" + Duck.lit(csv) + ") WHERE id = 1"))
      .isEqualTo("-0.001");
  }

  @Test
  @DisplayName("the largest value of an incremental column of each ordered type is the same literal both ways")
  void lastValues() throws Exception {
    for (String column : List.of("small", "big", "n", "wide", "b", "dt", "ts", "tz")) {
      String sql = "SELECT * FROM csv_edges";
      Extractor.Extracted viaCsv = extract(extractor(), sql, column, dir.resolve("c.parquet"), new ArrayList<>());
      Extractor.Extracted viaJvm = extract(extractor().withoutCsv(), sql, column, dir.resolve("j.parquet"),
        new ArrayList<>());
      assertThat(viaCsv.via()).as(column).isEqualTo("csv");
      assertThat(viaCsv.lastValue()).as(column).isNotNull().isEqualTo(viaJvm.lastValue());
    }
  }

  @Test
  @DisplayName("no rows make an empty file of the same columns and types")
  void noRows() throws Exception {
    Path csv = dir.resolve("csv.parquet");
    Path jvm = dir.resolve("jvm.parquet");
    String sql = "SELECT * FROM csv_edges WHERE id < 0";
    assertThat(extract(extractor(), sql, "id", csv, new ArrayList<>()).lastValue()).isNull();
    extract(extractor().withoutCsv(), sql, "id", jvm, new ArrayList<>());
    assertSame(csv, jvm);
    assertThat(Duck.value("SELECT count(*) FROM read_parquet(" + Duck.lit(csv) + ")")).isEqualTo(0L);
  }

  @Test
  @DisplayName("a date before Christ, which DuckDB cannot take, is read the other way with the same values")
  void beforeChrist() throws Exception {
    readTheOtherWay("SELECT id, dt, ts FROM csv_edges UNION ALL SELECT 0, date '0044-03-15 BC', "
      + "timestamp '0044-03-15 10:11:12.5 BC'");
  }

  @Test
  @DisplayName("a timestamp before Christ alone, which DuckDB would read as after, is read the other way")
  void timestampBeforeChrist() throws Exception {
    readTheOtherWay("SELECT id, ts, tz FROM csv_edges UNION ALL SELECT 0, timestamp '0044-03-15 10:11:12.5 BC', "
      + "timestamptz '0044-03-15 10:11:12.5+00 BC'");
  }

  /** {@code sql}, whose row 0 has a timestamp {@code ts} before Christ, read in the JVM, the same as without CSV. */
  private void readTheOtherWay(String sql) throws Exception {
    Path csv = dir.resolve("csv.parquet");
    Path jvm = dir.resolve("jvm.parquet");
    List<Long> progress = new ArrayList<>();
    assertThat(extract(extractor(), sql, null, csv, progress).via()).isIn("binary", "text");
    assertThat(progress).as("rows told while staged as CSV, then read again in the JVM").isSorted()
      .doesNotHaveDuplicates().contains(1_900L);
    extract(extractor().withoutCsv(), sql, null, jvm, new ArrayList<>());
    assertSame(csv, jvm);
    assertThat(Duck.value("SELECT CAST(ts AS VARCHAR) FROM read_parquet(" + Duck.lit(csv) + ") WHERE id = 0"))
      .isEqualTo("0044-03-15 (BC) 10:11:12.5");
  }

  @Test
  @DisplayName("an infinite date or timestamp with time zone fails the extraction as it does when decoded in the JVM")
  void infiniteDate() {
    for (String value : List.of("date 'infinity'", "timestamptz '-infinity'")) {
      String sql = "SELECT id, dt, tz FROM csv_edges UNION ALL SELECT 0, " + (value.startsWith("date")
        ? value + ", NULL" : "NULL, " + value);
      assertThatThrownBy(() -> extract(extractor(), sql, null, dir.resolve("c.parquet"), new ArrayList<>()))
        .as(value).isInstanceOf(SQLException.class).hasMessageContaining("infinity");
      assertThat(dir.resolve("c.parquet")).doesNotExist();
    }
  }

  @Test
  @DisplayName("an infinite timestamp fails the extraction as it does when decoded in the JVM")
  void infinity() {
    String sql = "SELECT id, ts FROM csv_edges UNION ALL SELECT 0, timestamp 'infinity'";
    assertThatThrownBy(() -> extract(extractor(), sql, null, dir.resolve("c.parquet"), new ArrayList<>()))
      .isInstanceOf(SQLException.class).hasMessageContaining("infinity");
    assertThatThrownBy(() -> extract(extractor().withoutCsv(), sql, null, dir.resolve("j.parquet"), new ArrayList<>()))
      .isInstanceOf(SQLException.class).hasMessageContaining("infinity");
    assertThat(dir.resolve("c.parquet")).doesNotExist();
  }

  private Extractor extractor() {
    return new Extractor(100, "128MB", 2, dir.resolve("tmp"));
  }

  /** Extracts {@code sql} in a session whose time zone prints offsets off the hour (and LMT's seconds). */
  private static Extractor.Extracted extract(Extractor x, String sql, String incremental, Path out, List<Long> progress)
      throws Exception {
    Files.deleteIfExists(out);
    try (Connection c = SourceDatabases.pgAdmin(SourceDatabases.PG_DATABASE)) {
      try (Statement s = c.createStatement()) {
        s.execute("SET TimeZone = 'Asia/Kolkata'");
      }
      c.setAutoCommit(false);
      try {
        return x.extract(c, sql, null, incremental, out, () -> false, progress::add);
      } finally {
        c.rollback();
      }
    }
  }

  /** The same columns, types and rows (EXCEPT ALL both ways, on the values and on their text: -0 and NaN apart). */
  private static void assertSame(Path a, Path b) {
    assertThat(Duck.rows("DESCRIBE SELECT * FROM read_parquet(" + Duck.lit(a) + ")"))
      .isEqualTo(Duck.rows("DESCRIBE SELECT * FROM read_parquet(" + Duck.lit(b) + ")"));
    for (String form : List.of("*", "COLUMNS(*)::VARCHAR")) {
      String x = "SELECT " + form + " FROM read_parquet(" + Duck.lit(a) + ")";
      String y = "SELECT " + form + " FROM read_parquet(" + Duck.lit(b) + ")";
      assertThat(Duck.value("SELECT count(*) FROM (" + x + " EXCEPT ALL " + y + ")")).as(form).isEqualTo(0L);
      assertThat(Duck.value("SELECT count(*) FROM (" + y + " EXCEPT ALL " + x + ")")).as(form).isEqualTo(0L);
    }
  }
}
