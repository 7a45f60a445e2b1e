package io.tributary.insight;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Text column summaries")
class AnalysisTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("count the values that parse as numbers and timestamps the same over distinct values as row by row")
  void parsableCounts() throws Exception {
    Path file = dir.resolve("text.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("COPY (SELECT CASE i % 7 WHEN 0 THEN NULL WHEN 1 THEN (i % 50)::VARCHAR WHEN 2 THEN '2024-01-0' || "
        + "(1 + i % 9)::VARCHAR WHEN 3 THEN ' 3.5e2 ' WHEN 4 THEN '2024-13-45' WHEN 5 THEN 'n/a' ELSE '2024-02-03 "
        + "04:05:06' END AS mixed FROM range(10000) t(i)) TO '" + file + "' (FORMAT parquet)");
    }
    List<Path> files = List.of(file);
    try (InsightDuck duck = InsightDuck.open(files, dir.resolve("tmp"), "256MB", 1)) {
      Analysis.Column mixed = new Analysis.Column("mixed", "VARCHAR", Analysis.Kind.CATEGORY);
      duck.load(files, List.of(Analysis.loadExpression(mixed)));
      Analysis a = new Analysis(duck, 10_000, List.of(mixed), null);
      long[] grouped = a.parsable(mixed);
      long[] byRow = a.parsableByRow(List.of(mixed)).get("mixed");
      assertThat(grouped).containsExactly(byRow);
      // numbers: i % 7 in {1, 3}; timestamps: {2, 6} (a date parses as a timestamp; month 13 does not)
      assertThat(grouped[0]).isEqualTo(1429 + 1429);
      assertThat(grouped[1]).isEqualTo(1429 + 1428);
      a.summarize();
      assertThat(a.categories.get("mixed").numeric()).isEqualTo(grouped[0]);
      assertThat(a.categories.get("mixed").temporal()).isEqualTo(grouped[1]);
      assertThat(a.categories.get("mixed").n()).isEqualTo(10_000 - 1429);
    }
  }
}
