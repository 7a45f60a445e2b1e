package io.tributary.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("DatasetProfiler: shape and statistics")
class DatasetProfilerTest extends ProfilerFixture {

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
  @DisplayName("the JIT warm-up profiles a generated file, leaves no file behind and changes no later profile")
  void warmUp() throws Exception {
    JsonObject before = profiler.profile(wide, null);
    profiler.warmUp(3_000);
    try (Stream<Path> left = Files.list(dir.resolve("duck-tmp"))) {
      assertThat(left.map(f -> f.getFileName().toString())).noneMatch(f -> f.startsWith("warm-up-"));
    }
    assertThat(profiler.profile(wide, null)).isEqualTo(before);
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
