package io.tributary.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.support.Duck;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Profiles of numeric columns from their value histograms")
class HistogramsTest {

  @TempDir
  static Path dir;

  @Test
  @DisplayName("give the distinct count, quartiles (to the bit) and outliers that count(DISTINCT), quantile_cont and count_if give;"
      + " the distinct counts of timestamps, booleans and dates in the same scan")
  void sameAsDuckDb() throws Exception {
    // columns side by side, so several histograms come from one grouping-sets scan
    Path f = dir.resolve("numbers.parquet");
    Duck.exec("COPY (SELECT "
        + "CASE WHEN i % 1000 = 0 THEN 1e300 ELSE (i % 997) * 1e-6 END AS skewed, "
        + "CASE WHEN i % 2 = 0 THEN -1 ELSE 1 END * pow(2.0, -(i % 1070)) AS geometric, "
        + "CASE WHEN i < 250000 THEN 42.0 ELSE i % 5000 END AS tied, "
        + "CASE WHEN i % 10 = 0 THEN 'NaN'::DOUBLE WHEN i % 10 = 1 THEN 'inf'::DOUBLE WHEN i % 10 = 2 THEN '-inf'::DOUBLE "
        + "WHEN i % 10 = 3 THEN NULL ELSE (i % 5003) - 2500.5 END AS \"non finite\", "
        + "CASE WHEN i % 3 = 0 THEN -0.0 WHEN i % 3 = 1 THEN 0.0 ELSE i % 7 END::FLOAT AS zeros, "
        + "(9007199254740993 + (i % 4001) * 1000003)::BIGINT AS big, "
        + "((i % 3001) * 1234567.891)::DECIMAL(38, 3) AS dec, "
        + "CASE WHEN i % 20 = 0 THEN 5000 + i % 300 ELSE (i * 37) % 101 END::SMALLINT AS small, "
        + "(i * 7919 % 300007) / 13.0 AS many, "
        + "CASE WHEN i % 7 = 0 THEN NULL ELSE TIMESTAMP '2006-01-01' + to_minutes(i % 52561) END AS \"when\", "
        + "CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 0 END AS flag, DATE '2020-01-01' + (i % 1000)::INTEGER AS day "
        + "FROM range(300000) t(i)) TO " + Duck.lit(f) + " (FORMAT parquet)");
    List<String> names = List.of("skewed", "geometric", "tied", "non finite", "zeros", "big", "dec", "small", "many",
        "when", "flag", "day");
    Map<String, String> types = Map.of("zeros", "FLOAT", "big", "BIGINT", "dec", "DECIMAL(38,3)", "small", "SMALLINT",
        "when", "TIMESTAMP", "flag", "BOOLEAN", "day", "DATE");
    List<ScannedColumn> cols = new ArrayList<>();
    for (String n : names) {
      ScannedColumn c = new ScannedColumn(n, null, types.getOrDefault(n, "DOUBLE"));
      c.nonNull = ((Number) Duck.value("SELECT count(\"" + n + "\") FROM read_parquet(" + Duck.lit(f) + ")")).longValue();
      cols.add(c);
    }
    try (Connection conn = DriverManager.getConnection("jdbc:duckdb:")) {
      new Histograms(new ParquetQueries(conn, f.toString()), new ScanBudget(1L << 30)).count(cols);
    }
    for (ScannedColumn c : cols) {
      if (!c.kind.numeric()) {
        // timestamps, booleans, dates (nulls among them): their groups counted in the same scan, no quartiles
        Object d = Duck.value("SELECT count(DISTINCT \"" + c.name + "\") FROM read_parquet(" + Duck.lit(f) + ")");
        assertThat(c.counted).as(c.name + " counted").isTrue();
        assertThat(c.distinct).as(c.name + " distinct").isEqualTo(((Number) d).longValue());
        assertThat(c.quartilesKnown).as(c.name + " quartiles").isFalse();
        continue;
      }
      String x = "CAST(\"" + c.name + "\" AS DOUBLE)";
      Map<String, Object> expected = Duck.rows("SELECT d, q[1] AS q1, q[2] AS q3 FROM (SELECT count(DISTINCT \""
          + c.name + "\") AS d, quantile_cont(" + x + ", [0.25, 0.75]) AS q FROM read_parquet(" + Duck.lit(f) + "))").get(0);
      assertThat(c.counted).as(c.name + " counted").isTrue();
      assertThat(c.distinct).as(c.name + " distinct").isEqualTo(((Number) expected.get("d")).longValue());
      if (c.name.equals("many")) {
        assertThat(c.quartilesKnown).as("more values than a histogram holds: left to Quartiles").isFalse();
        continue;
      }
      assertThat(c.quartilesKnown).as(c.name + " quartiles").isTrue();
      QualityReport.Fences want = QualityReport.Fences.of(ProfileValues.finite(expected.get("q1")),
          ProfileValues.finite(expected.get("q3")));
      if (want == null) {
        assertThat(c.fences).as(c.name + " fences").isNull();
        continue;
      }
      assertThat(Double.doubleToLongBits(c.fences.q1())).as(c.name + " Q1").isEqualTo(Double.doubleToLongBits(want.q1()));
      assertThat(Double.doubleToLongBits(c.fences.q3())).as(c.name + " Q3").isEqualTo(Double.doubleToLongBits(want.q3()));
      Object outliers = Duck.value("SELECT count_if(" + x + " < '" + want.low() + "'::DOUBLE OR " + x + " > '" + want.high()
          + "'::DOUBLE) FROM read_parquet(" + Duck.lit(f) + ")");
      assertThat(c.outliers).as(c.name + " outliers").isEqualTo(((Number) outliers).longValue());
    }
  }
}
