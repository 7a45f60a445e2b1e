package io.tributary.profile;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link DatasetProfilerTest} and {@link DatasetProfilerIssuesTest} share: per test class a profiler, a temporary
 * folder holding {@code wide.parquet} (ten oddly named columns of {@link #N} rows), and the reference arithmetic.
 */
abstract class ProfilerFixture {

  static final int N = 1000;

  @TempDir
  static Path dir;

  static DatasetProfiler profiler;
  static Path wide;

  @BeforeAll
  static void setUp() throws Exception {
    profiler = new DatasetProfiler(new ProfilerSettings("256MB", 2, dir.resolve("duck-tmp")));
    wide = writeWide(dir);
  }

  @AfterAll
  static void tearDown() {
    profiler.close();
  }

  private static Path writeWide(Path dir) throws SQLException {
    Path file = dir.resolve("wide.parquet");
    // every value below is a known function of i in 0..999, recomputed in Java by the tests
    write(file, """
        SELECT
          i AS "order id",
          CASE WHEN i = 999 THEN 100000.0 ELSE i * 0.5 + 1 END::DOUBLE AS "price $",
          'v' || (i % 10) AS "say ""hi""\",
          CASE WHEN i % 5 < 3 THEN NULL ELSE i END::INTEGER AS "größe €",
          (DATE '2024-01-01' + (i % 366)::INTEGER) AS "day",
          TIMESTAMP '2024-01-01 00:00:00' + to_seconds(i * 90) AS "ts",
          (i % 2 = 0) AS "flag",
          'x' AS "const",
          NULL::INTEGER AS "nothing",
          (9007199254740993 + i)::BIGINT AS "big"
        FROM range(1000) t(i)
        """);
    return file;
  }

  static void write(Path file, String select) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("COPY (" + select + ") TO '" + file.toString().replace("'", "''") + "' (FORMAT parquet)");
    }
  }

  static JsonObject column(JsonObject profile, String name) {
    for (Object o : profile.getJsonArray("columns")) {
      JsonObject c = (JsonObject) o;
      if (c.getString("name").equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no column " + name + " in " + profile.encodePrettily());
  }

  static List<JsonObject> issues(JsonObject profile, String column, String type) {
    List<JsonObject> out = new ArrayList<>();
    for (Object o : profile.getJsonArray("issues")) {
      JsonObject i = (JsonObject) o;
      if (Objects.equals(i.getString("column"), column) && i.getString("issue_type").equals(type)) {
        out.add(i);
      }
    }
    return out;
  }

  static double mean(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d;
    }
    return s / v.length;
  }

  static double sampleStdDev(double[] v) {
    double m = mean(v);
    double ss = 0;
    for (double d : v) {
      ss += (d - m) * (d - m);
    }
    return Math.sqrt(ss / (v.length - 1));
  }

  /** Linear-interpolation quantile, the definition of DuckDB's quantile_cont. */
  static double quantile(double[] v, double p) {
    double[] s = v.clone();
    Arrays.sort(s);
    double pos = (s.length - 1) * p;
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  }

  /** The 1.5×IQR fences {low, high} of {@code v}. */
  static double[] fences(double[] v) {
    double q1 = quantile(v, 0.25);
    double q3 = quantile(v, 0.75);
    return new double[] {q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)};
  }

  /** How many of {@code v} lie outside {@code fences}. */
  static long outside(double[] v, double[] fences) {
    return Arrays.stream(v).filter(x -> x < fences[0] || x > fences[1]).count();
  }

  static double[] price() {
    return IntStream.range(0, N).mapToDouble(i -> i == 999 ? 100000.0 : i * 0.5 + 1).toArray();
  }
}
