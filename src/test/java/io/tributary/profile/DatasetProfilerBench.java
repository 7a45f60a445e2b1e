package io.tributary.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timing of a 1,000,000-row, 6-column profile on 2 threads. Not part of the normal test run:
 * {@code mvn -B -q test -Dtest=DatasetProfilerBench -Dbench=true}; results on stdout
 * (target/surefire-reports/*-output.txt). No timing assertions.
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "bench", matches = "true")
@DisplayName("DatasetProfiler benchmark")
class DatasetProfilerBench {

  @TempDir
  Path dir;

  @Test
  @DisplayName("profiles 1,000,000 rows × 6 columns on 2 threads and prints the time")
  void oneMillionRows() throws Exception {
    int rows = Integer.getInteger("bench.rows", 1_000_000);
    Path f = dir.resolve("bench.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SELECT setseed(0.42)");
      s.execute("COPY (SELECT i AS \"id\", 'cat ' || (i % 12) AS \"category\", random() * 1000 AS \"amount $\","
          + " CASE WHEN random() < 0.2 THEN NULL ELSE (random() * 1000)::INTEGER END AS \"maybe int\","
          + " random() < 0.5 AS \"flag\", TIMESTAMP '2024-01-01' + to_seconds(i) AS \"ts\""
          + " FROM range(" + rows + ") t(i)) TO '" + f.toString().replace("'", "''") + "' (FORMAT parquet)");
    }
    try (DatasetProfiler p = new DatasetProfiler(new ProfilerSettings("512MB", 2, dir.resolve("tmp")))) {
      p.profile(f, null); // warm-up (JIT, native library load, file cache)
      for (int run = 1; run <= 3; run++) {
        long t0 = System.nanoTime();
        JsonObject r = p.profile(f, null);
        long allCols = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.getLong("row_count")).isEqualTo(rows);
        // without the key column the duplicates query (SELECT DISTINCT over all columns) has to run
        List<ProfileColumn> noKey = List.of(new ProfileColumn("category", null), new ProfileColumn("amount $", null),
            new ProfileColumn("maybe int", null), new ProfileColumn("flag", null), new ProfileColumn("ts", null));
        t0 = System.nanoTime();
        p.profile(f, noKey);
        long noKeyMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("BENCH run %d: %,d rows x 6 cols: %d ms (duplicates scan skipped: id is a key); "
            + "5 cols without key (duplicates scan runs): %d ms%n", run, rows, allCols, noKeyMs);
        if (run == 1) {
          System.out.println(r.encodePrettily());
        }
      }
    }
  }
}
