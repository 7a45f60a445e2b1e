package io.tributary.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.support.Duck;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Profiles of files larger than the profiler's memory")
class ProfilerLimitsTest {

  @TempDir
  static Path dir;

  static Path write(String name, String select) {
    Path f = dir.resolve(name + ".parquet");
    Duck.exec("COPY (" + select + ") TO " + Duck.lit(f) + " (FORMAT parquet)");
    return f;
  }

  @Test
  @DisplayName("selects the same quartiles as quantile_cont, to the bit, on spread, skewed, geometric, tied and non-finite values")
  void quartilesBySelection() throws Exception {
    Map<String, String> cases = Map.of(
        "uniform", "SELECT (i * 7919 % 300007) / 13.0 AS x FROM range(300000) t(i)",
        "skewed", "SELECT CASE WHEN i % 1000 = 0 THEN 1e300 ELSE (i % 997) * 1e-6 END AS x FROM range(300000) t(i)",
        "geometric", "SELECT CASE WHEN i % 2 = 0 THEN -1 ELSE 1 END * pow(2.0, -(i % 1070)) AS x FROM range(300000) t(i)",
        "tied", "SELECT CASE WHEN i < 250000 THEN 42.0 ELSE i END AS x FROM range(300000) t(i)",
        "non-finite", "SELECT CASE WHEN i % 10 = 0 THEN 'NaN'::DOUBLE WHEN i % 10 = 1 THEN 'inf'::DOUBLE "
            + "WHEN i % 10 = 2 THEN '-inf'::DOUBLE WHEN i % 10 = 3 THEN NULL ELSE (i % 5003) - 2500.5 END AS x "
            + "FROM range(300000) t(i)",
        "mostly infinite", "SELECT CASE WHEN i < 280000 THEN '-inf'::DOUBLE ELSE i END AS x FROM range(300000) t(i)",
        "big integers", "SELECT (9007199254740993 + i * 1000003)::BIGINT AS x FROM range(100001) t(i)",
        "four values", "SELECT x FROM (VALUES (3.5), (-1.25), (1e10), (7.0)) t(x)");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path f = write("q-" + c.getKey().replace(' ', '-'), c.getValue());
      List<Map<String, Object>> expected = Duck.rows("SELECT q[1] AS q1, q[2] AS q3 FROM (SELECT quantile_cont(CAST(x AS "
          + "DOUBLE), [0.25, 0.75]) AS q FROM read_parquet(" + Duck.lit(f) + "))");
      for (long fetchMax : new long[] {16, 5000}) {
        double[] got;
        try (Connection conn = DriverManager.getConnection("jdbc:duckdb:")) {
          got = new QuartileSelection(new ParquetQueries(conn, f.toString()), "\"x\"", fetchMax).quartiles();
        }
        assertThat(Double.doubleToLongBits(got[0])).as(c.getKey() + " Q1 " + got[0] + " fetch " + fetchMax)
            .isEqualTo(Double.doubleToLongBits((Double) expected.get(0).get("q1")));
        assertThat(Double.doubleToLongBits(got[1])).as(c.getKey() + " Q3 " + got[1] + " fetch " + fetchMax)
            .isEqualTo(Double.doubleToLongBits((Double) expected.get(0).get("q3")));
      }
    }
  }

  @Test
  @DisplayName("gives the same profile within 24 MB of DuckDB memory as within 1 GB (partitioned counts, selected quartiles)")
  void smallMemorySameProfile() throws Exception {
    // 600,000 rows of 450,000 distinct rows: rows 450,000.. repeat rows 0..149,999; no column is a key
    Path f = write("partitioned", """
        SELECT 'user-' || j || '-abcdefghijk' AS "s", (j * 7919 % 100003) / 7.0 AS "a",
               CASE WHEN j % 7 = 0 THEN NULL ELSE j % 1000 END AS "n"
        FROM (SELECT i % 450000 AS j FROM range(600000) t(i))
        """);
    ScannedColumn s = new ScannedColumn("s", "VARCHAR", "VARCHAR");
    s.nonNull = 600_000;
    s.approxDistinct = 450_000;
    s.avgLength = 27;
    ScannedColumn a = new ScannedColumn("a", "DOUBLE", "DOUBLE");
    a.nonNull = 600_000;
    ScanBudget small = new ScanBudget(24L << 20);
    assertThat(small.partitions(ScanBudget.distinctBytes(s), false)).as("the string column is counted in partitions")
        .isGreaterThan(1);
    assertThat(ScanBudget.quantileBytes(a)).as("the quartiles are selected").isGreaterThan(small.bytes());
    JsonObject within24;
    JsonObject within1g;
    // one thread each: sums of doubles then add up in the same order
    try (DatasetProfiler p = new DatasetProfiler(new ProfilerSettings("24MB", 1, dir.resolve("tmp-small")))) {
      within24 = p.profile(f, null);
    }
    try (DatasetProfiler p = new DatasetProfiler(new ProfilerSettings("1GB", 1, dir.resolve("tmp-large")))) {
      within1g = p.profile(f, null);
    }
    assertThat(within24).isEqualTo(within1g);
    assertThat(within24.getLong("duplicate_rows")).isEqualTo(150_000L);
    assertThat(within24.getJsonArray("columns").getJsonObject(0).getLong("unique_count")).isEqualTo(450_000L);
    assertThat(within24.getJsonArray("columns").getJsonObject(1).getLong("unique_count"))
        .isEqualTo(Duck.value("SELECT count(DISTINCT a) FROM read_parquet(" + Duck.lit(f) + ")"));
  }

  @Test
  @DisplayName("a failed profile (unreadable file, out of memory) leaves the profiler working for the next one")
  void survivesFailures() throws Exception {
    Path corrupt = dir.resolve("corrupt.parquet");
    Files.write(corrupt, "PAR1 this is not a parquet file at all PAR1".getBytes());
    Path huge = write("huge-value", "SELECT 1 AS id, repeat('x', 64000000) AS big");
    Path ordinary = write("ordinary", "SELECT i AS id, 'v' || (i % 10) AS v FROM range(1000) t(i)");
    try (DatasetProfiler p = new DatasetProfiler(new ProfilerSettings("16MB", 1, dir.resolve("tmp-16")))) {
      assertThatThrownBy(() -> p.profile(corrupt, null)).isInstanceOf(SQLException.class);
      assertThat(p.profile(ordinary, null).getLong("row_count")).isEqualTo(1000L);
      assertThatThrownBy(() -> p.profile(huge, null)).isInstanceOf(ProfileTooLargeException.class)
          .hasMessageContaining("profile.memory_limit = 16MB").hasMessageContaining("TRIBUTARY_PROFILE_MEMORY_LIMIT");
      JsonObject after = p.profile(ordinary, null);
      assertThat(after.getLong("row_count")).isEqualTo(1000L);
      assertThat(after.getJsonArray("columns").getJsonObject(1).getLong("unique_count")).isEqualTo(10L);
    }
  }
}
