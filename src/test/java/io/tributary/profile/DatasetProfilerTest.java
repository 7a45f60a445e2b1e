package io.tributary.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("DatasetProfiler")
class DatasetProfilerTest {

  static final int N = 1000;

  @TempDir
  static Path dir;

  static DatasetProfiler profiler;
  static Path wide;

  @BeforeAll
  static void setUp() throws Exception {
    profiler = new DatasetProfiler(new ProfilerSettings("256MB", 2, dir.resolve("duck-tmp")));
    wide = dir.resolve("wide.parquet");
    // every value below is a known function of i in 0..999, recomputed in Java by the tests
    write(wide, """
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
  }

  @AfterAll
  static void tearDown() {
    profiler.close();
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

  static double[] price() {
    return IntStream.range(0, N).mapToDouble(i -> i == 999 ? 100000.0 : i * 0.5 + 1).toArray();
  }

  @Test
  @DisplayName("counts rows and columns and keeps every odd column name exactly, in order")
  void rowsAndNames() throws Exception {
    JsonObject p = profiler.profile(wide, null);
    assertThat(p.getLong("row_count")).isEqualTo(N);
    assertThat(p.getInteger("column_count")).isEqualTo(10);
    List<String> names = p.getJsonArray("columns").stream().map(o -> ((JsonObject) o).getString("name")).toList();
    assertThat(names).containsExactly("order id", "price $", "say \"hi\"", "größe €", "day", "ts", "flag",
        "const", "nothing", "big");
    assertThat(column(p, "order id").getString("type")).isEqualTo("BIGINT");
    assertThat(column(p, "price $").getString("type")).isEqualTo("DOUBLE");
    assertThat(column(p, "day").getString("type")).isEqualTo("DATE");
    // valid JSON that survives a round trip
    assertThat(new JsonObject(p.encode())).isEqualTo(p);
  }

  @Test
  @DisplayName("reports the types given by the caller and profiles only the requested columns")
  void requestedColumns() throws Exception {
    JsonObject p = profiler.profile(wide, List.of(
        new ProfileColumn("say \"hi\"", "VARCHAR"), new ProfileColumn("order id", "BIGINT (id)")));
    assertThat(p.getInteger("column_count")).isEqualTo(2);
    assertThat(p.getJsonArray("columns").getJsonObject(0).getString("name")).isEqualTo("say \"hi\"");
    assertThat(column(p, "order id").getString("type")).isEqualTo("BIGINT (id)");
    // (say "hi", order id) is unique because order id is
    assertThat(p.getLong("duplicate_rows")).isZero();
  }

  @Test
  @DisplayName("rejects a column that is not in the file and a file that does not exist")
  void unknownColumn() {
    assertThatThrownBy(() -> profiler.profile(wide, List.of(new ProfileColumn("nope", "BIGINT"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    assertThatThrownBy(() -> profiler.profile(dir.resolve("missing.parquet"), null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("computes count, nulls, exact distinct count, min, max, mean and sample std dev of a numeric column")
  void numericStats() throws Exception {
    JsonObject p = profiler.profile(wide, null);

    JsonObject id = column(p, "order id");
    double[] ids = IntStream.range(0, N).asDoubleStream().toArray();
    assertThat(id.getLong("null_count")).isZero();
    assertThat(id.getDouble("null_percentage")).isZero();
    assertThat(id.getLong("unique_count")).isEqualTo(N);
    assertThat(id.getValue("min")).isEqualTo(0L);
    assertThat(id.getValue("max")).isEqualTo(999L);
    assertThat(id.getDouble("mean")).isCloseTo(mean(ids), within(1e-9));
    assertThat(id.getDouble("std_dev")).isCloseTo(sampleStdDev(ids), within(1e-9));

    JsonObject price = column(p, "price $");
    double[] pv = price();
    assertThat(price.getLong("unique_count")).isEqualTo(Arrays.stream(pv).distinct().count());
    assertThat(price.getDouble("min")).isEqualTo(Arrays.stream(pv).min().orElseThrow());
    assertThat(price.getDouble("max")).isEqualTo(100000.0);
    assertThat(price.getDouble("mean")).isCloseTo(mean(pv), within(1e-9));
    assertThat(price.getDouble("std_dev")).isCloseTo(sampleStdDev(pv), within(1e-6));

    JsonObject g = column(p, "größe €");
    double[] gv = IntStream.range(0, N).filter(i -> i % 5 >= 3).asDoubleStream().toArray();
    assertThat(g.getLong("null_count")).isEqualTo(N - gv.length).isEqualTo(600);
    assertThat(g.getDouble("null_percentage")).isEqualTo(60.0);
    assertThat(g.getLong("unique_count")).isEqualTo(gv.length);
    assertThat(g.getValue("min")).isEqualTo(3L);
    assertThat(g.getValue("max")).isEqualTo(999L);
    assertThat(g.getDouble("mean")).isCloseTo(mean(gv), within(1e-9));
    assertThat(g.getDouble("std_dev")).isCloseTo(sampleStdDev(gv), within(1e-9));
  }

  @Test
  @DisplayName("gives integers beyond 2^53 as strings so that no digit is lost")
  void bigIntegers() throws Exception {
    JsonObject big = column(profiler.profile(wide, null), "big");
    assertThat(big.getValue("min")).isEqualTo("9007199254740993");
    assertThat(big.getValue("max")).isEqualTo(String.valueOf(9007199254740993L + 999));
    assertThat(big.getLong("unique_count")).isEqualTo(N);
  }

  @Test
  @DisplayName("gives min and max of strings, dates, timestamps and booleans, without mean or std dev")
  void nonNumericStats() throws Exception {
    JsonObject p = profiler.profile(wide, null);

    JsonObject s = column(p, "say \"hi\"");
    assertThat(s.getLong("unique_count")).isEqualTo(10);
    assertThat(s.getString("min")).isEqualTo("v0");
    assertThat(s.getString("max")).isEqualTo("v9");
    assertThat(s.getValue("mean")).isNull();
    assertThat(s.getValue("std_dev")).isNull();

    JsonObject day = column(p, "day");
    Set<LocalDate> days = new HashSet<>();
    for (int i = 0; i < N; i++) {
      days.add(LocalDate.of(2024, 1, 1).plusDays(i % 366));
    }
    assertThat(day.getLong("unique_count")).isEqualTo(days.size());
    assertThat(day.getString("min")).isEqualTo(days.stream().min(LocalDate::compareTo).orElseThrow().toString());
    assertThat(day.getString("max")).isEqualTo("2024-12-31");
    assertThat(day.getValue("mean")).isNull();

    JsonObject ts = column(p, "ts");
    LocalDateTime t0 = LocalDateTime.of(2024, 1, 1, 0, 0);
    assertThat(ts.getString("min")).isEqualTo(t0.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
    assertThat(ts.getString("max")).isEqualTo(t0.plusSeconds(999 * 90L).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME))
        .isEqualTo("2024-01-02T00:58:30");
    assertThat(ts.getLong("unique_count")).isEqualTo(N);

    JsonObject flag = column(p, "flag");
    assertThat(flag.getLong("unique_count")).isEqualTo(2);
    assertThat(flag.getValue("min")).isEqualTo(false);
    assertThat(flag.getValue("max")).isEqualTo(true);
    assertThat(flag.getValue("mean")).isNull();
  }

  @Test
  @DisplayName("flags a column with more than 50% nulls as high_nulls with severity high and the percentage")
  void highNulls() throws Exception {
    JsonObject p = profiler.profile(wide, null);
    List<JsonObject> g = issues(p, "größe €", "high_nulls");
    assertThat(g).hasSize(1);
    assertThat(g.get(0).getString("severity")).isEqualTo("high");
    assertThat(g.get(0).getString("description")).contains("60%").contains("low quality");

    JsonObject nothing = column(p, "nothing");
    assertThat(nothing.getLong("null_count")).isEqualTo(N);
    assertThat(nothing.getDouble("null_percentage")).isEqualTo(100.0);
    assertThat(nothing.getLong("unique_count")).isZero();
    assertThat(nothing.getValue("min")).isNull();
    assertThat(nothing.getValue("mean")).isNull();
    assertThat(nothing.getValue("std_dev")).isNull();
    assertThat(issues(p, "nothing", "high_nulls")).hasSize(1);
    assertThat(issues(p, "nothing", "all_null")).hasSize(1);

    assertThat(issues(p, "order id", "high_nulls")).isEmpty();
    assertThat(issues(p, "const", "constant")).hasSize(1);
    assertThat(issues(p, "flag", "constant")).isEmpty();
  }

  @Test
  @DisplayName("finds outliers beyond 1.5×IQR with the count and the fences, and computes the documented quality score")
  void outliersAndScore() throws Exception {
    JsonObject p = profiler.profile(wide, null);
    double[] pv = price();
    double q1 = quantile(pv, 0.25);
    double q3 = quantile(pv, 0.75);
    double lo = q1 - 1.5 * (q3 - q1);
    double hi = q3 + 1.5 * (q3 - q1);
    long expected = Arrays.stream(pv).filter(v -> v < lo || v > hi).count();
    assertThat(expected).isEqualTo(1);

    List<JsonObject> o = issues(p, "price $", "outliers");
    assertThat(o).hasSize(1);
    assertThat(o.get(0).getString("severity")).isEqualTo("low"); // 0.1% of the values
    assertThat(o.get(0).getString("description"))
        .contains(expected + " outlier")
        .contains(new BigDecimal(Double.toString(lo)).stripTrailingZeros().toPlainString())
        .contains(new BigDecimal(Double.toString(hi)).stripTrailingZeros().toPlainString());
    // uniformly spread columns have none
    assertThat(issues(p, "order id", "outliers")).isEmpty();
    assertThat(issues(p, "größe €", "outliers")).isEmpty();
    assertThat(issues(p, "big", "outliers")).isEmpty();
    assertThat(issues(p, null, "duplicates")).isEmpty();
    assertThat(p.getLong("duplicate_rows")).isZero();

    // score = 0.5·completeness + 0.3·uniqueness + 0.2·validity
    double completeness = 1 - (600.0 + 1000.0) / (N * 10.0);
    double uniqueness = 1.0;
    int numericColumns = 5; // order id, price $, größe €, nothing, big
    double validity = 1 - (double) expected / (N * numericColumns);
    double score = BigDecimal.valueOf(0.5 * completeness + 0.3 * uniqueness + 0.2 * validity)
        .setScale(4, RoundingMode.HALF_UP).doubleValue();
    assertThat(p.getDouble("quality_score")).isEqualTo(score).isEqualTo(0.92);
  }

  @Test
  @DisplayName("grades outlier severity by share and counts outliers exactly on a skewed integer column")
  void outlierSeverity() throws Exception {
    Path f = dir.resolve("skewed.parquet");
    // 1000 values: (i*37) % 101, and every 20th row (i % 20 = 0) is 5000 + i: 5% extreme values
    write(f, "SELECT CASE WHEN i % 20 = 0 THEN 5000 + i ELSE (i * 37) % 101 END::BIGINT AS \"x\" FROM range(1000) t(i)");
    double[] v = IntStream.range(0, N).mapToDouble(i -> i % 20 == 0 ? 5000 + i : (i * 37L) % 101).toArray();
    double q1 = quantile(v, 0.25);
    double q3 = quantile(v, 0.75);
    double lo = q1 - 1.5 * (q3 - q1);
    double hi = q3 + 1.5 * (q3 - q1);
    long expected = Arrays.stream(v).filter(x -> x < lo || x > hi).count();
    assertThat(expected).isEqualTo(50);

    JsonObject p = profiler.profile(f, null);
    List<JsonObject> o = issues(p, "x", "outliers");
    assertThat(o).hasSize(1);
    assertThat(o.get(0).getString("severity")).isEqualTo("medium"); // 5%
    assertThat(o.get(0).getString("description")).contains("50 outlier");
    double validity = 1 - 50.0 / N;
    long distinctRows = Arrays.stream(v).distinct().count(); // single-column rows
    assertThat(p.getLong("duplicate_rows")).isEqualTo(N - distinctRows);
    double uniqueness = (double) distinctRows / N;
    assertThat(p.getDouble("quality_score")).isEqualTo(
        BigDecimal.valueOf(0.5 + 0.3 * uniqueness + 0.2 * validity).setScale(4, RoundingMode.HALF_UP).doubleValue());
  }

  @Test
  @DisplayName("counts exact duplicate rows, treating NULLs in the same column as equal")
  void duplicatesWithNulls() throws Exception {
    Path f = dir.resolve("dups.parquet");
    write(f, """
        SELECT * FROM (VALUES
          (1, 'a', NULL), (1, 'a', NULL), (1, 'a', NULL),
          (2, NULL, NULL), (2, NULL, NULL),
          (3, 'b', 1.5), (3, 'b', 2.5), (NULL, NULL, NULL), (NULL, NULL, NULL))
          t("k ey", "v""q", "n$")
        """);
    JsonObject p = profiler.profile(f, null);
    assertThat(p.getLong("row_count")).isEqualTo(9);
    // distinct rows: (1,a,∅) (2,∅,∅) (3,b,1.5) (3,b,2.5) (∅,∅,∅)
    assertThat(p.getLong("duplicate_rows")).isEqualTo(4);
    List<JsonObject> d = issues(p, null, "duplicates");
    assertThat(d).hasSize(1);
    assertThat(d.get(0).getValue("column")).isNull();
    assertThat(d.get(0).containsKey("column")).isTrue();
    assertThat(d.get(0).getString("severity")).isEqualTo("high");
    assertThat(column(p, "k ey").getLong("unique_count")).isEqualTo(3);
    assertThat(column(p, "v\"q").getLong("unique_count")).isEqualTo(2);
  }

  @Test
  @DisplayName("counts duplicates of a generated table against a Java set of the same rows")
  void duplicatesGenerated() throws Exception {
    Path f = dir.resolve("dups2.parquet");
    write(f, """
        SELECT i % 400 AS "a b", CASE WHEN i % 400 % 2 = 0 THEN NULL ELSE 'x' || (i % 400 % 7) END AS "c'd",
               CASE WHEN i % 3 = 0 THEN NULL ELSE (i % 400) % 5 END::INTEGER AS "e"
        FROM range(1000) t(i)
        """);
    Set<List<Object>> distinct = new HashSet<>();
    for (int i = 0; i < N; i++) {
      int k = i % 400;
      distinct.add(Arrays.asList(k, k % 2 == 0 ? null : "x" + (k % 7), i % 3 == 0 ? null : k % 5));
    }
    JsonObject p = profiler.profile(f, null);
    assertThat(p.getLong("duplicate_rows")).isEqualTo(N - distinct.size());
    double share = (double) (N - distinct.size()) / N;
    assertThat(issues(p, null, "duplicates").get(0).getString("severity"))
        .isEqualTo(share > 0.10 ? "high" : share > 0.01 ? "medium" : "low");
    double uniqueness = 1 - share;
    long nulls = IntStream.range(0, N).filter(i -> i % 400 % 2 == 0).count()
        + IntStream.range(0, N).filter(i -> i % 3 == 0).count();
    double completeness = 1 - nulls / (N * 3.0);
    // column "a b" (0..399 each 2-3 times) and "e" (0..4) have no outliers
    assertThat(issues(p, "a b", "outliers")).isEmpty();
    assertThat(issues(p, "e", "outliers")).isEmpty();
    assertThat(p.getDouble("quality_score")).isEqualTo(
        BigDecimal.valueOf(0.5 * completeness + 0.3 * uniqueness + 0.2).setScale(4, RoundingMode.HALF_UP).doubleValue());
  }

  @Test
  @DisplayName("profiles an empty dataset: zero counts, null statistics, score 1.0 and an empty_dataset issue")
  void emptyDataset() throws Exception {
    Path f = dir.resolve("empty.parquet");
    write(f, "SELECT i AS \"id\", 'x' || i AS \"name\", i * 1.5 AS \"v\", DATE '2024-01-01' AS \"d\" FROM range(10) t(i) WHERE false");
    JsonObject p = profiler.profile(f, null);
    assertThat(p.getLong("row_count")).isZero();
    assertThat(p.getInteger("column_count")).isEqualTo(4);
    assertThat(p.getLong("duplicate_rows")).isZero();
    assertThat(p.getDouble("quality_score")).isEqualTo(1.0);
    for (Object o : p.getJsonArray("columns")) {
      JsonObject c = (JsonObject) o;
      assertThat(c.getLong("null_count")).isZero();
      assertThat(c.getDouble("null_percentage")).isZero();
      assertThat(c.getLong("unique_count")).isZero();
      assertThat(c.getValue("min")).isNull();
      assertThat(c.getValue("max")).isNull();
      assertThat(c.getValue("mean")).isNull();
      assertThat(c.getValue("std_dev")).isNull();
    }
    JsonArray issues = p.getJsonArray("issues");
    assertThat(issues).hasSize(1);
    assertThat(issues.getJsonObject(0).getString("issue_type")).isEqualTo("empty_dataset");
  }

  @Test
  @DisplayName("never emits NaN or Infinity, gives no std dev for a single value, and renders TIMESTAMPTZ in ISO-8601")
  void nonFiniteAndSingleValues() throws Exception {
    Path f = dir.resolve("nan.parquet");
    write(f, """
        SELECT * FROM (VALUES
          ('NaN'::DOUBLE, 'inf'::DOUBLE, 7::BIGINT, TIMESTAMPTZ '2024-05-06 07:08:09+00', 1.25::DECIMAL(10,2)),
          (1.0, '-inf'::DOUBLE, NULL, NULL, 2.50::DECIMAL(10,2)))
          t("n", "inf", "one", "tz", "dec")
        """);
    JsonObject p = profiler.profile(f, null);
    String json = p.encode();
    assertThat(json).doesNotContain("NaN").doesNotContain("Infinity");
    assertThat(new JsonObject(json)).isEqualTo(p);
    JsonObject n = column(p, "n");
    assertThat(n.getValue("max")).isNull(); // NaN sorts highest in DuckDB
    assertThat(n.getValue("mean")).isNull();
    JsonObject inf = column(p, "inf");
    assertThat(inf.getValue("min")).isNull();
    assertThat(inf.getValue("max")).isNull();
    JsonObject one = column(p, "one");
    assertThat(one.getValue("mean")).isEqualTo(7.0);
    assertThat(one.getValue("std_dev")).isNull();
    assertThat(column(p, "tz").getString("min")).isEqualTo("2024-05-06T07:08:09+00:00");
    JsonObject dec = column(p, "dec");
    assertThat(dec.getDouble("min")).isEqualTo(1.25);
    assertThat(dec.getDouble("max")).isEqualTo(2.5);
    assertThat(dec.getDouble("mean")).isCloseTo(1.875, within(1e-12));
    assertThat(dec.getDouble("std_dev")).isCloseTo(sampleStdDev(new double[] {1.25, 2.5}), within(1e-12));
  }

  @Test
  @DisplayName("reads a file whose path contains a single quote (the path is a bound parameter)")
  void quotedPath() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("it's; DROP TABLE x; --"));
    Path f = sub.resolve("o'k.parquet");
    write(f, "SELECT i AS \"a\" FROM range(5) t(i)");
    JsonObject p = profiler.profile(f, null);
    assertThat(p.getLong("row_count")).isEqualTo(5);
    assertThat(column(p, "a").getValue("max")).isEqualTo(4L);
  }

  @Test
  @DisplayName("gives the same answer when called from several threads at once")
  void concurrent() throws Exception {
    JsonObject expected = profiler.profile(wide, null);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<JsonObject>> fs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        fs.add(pool.submit(() -> profiler.profile(wide, null)));
      }
      for (Future<JsonObject> fu : fs) {
        assertThat(fu.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
