package io.tributary.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("DatasetProfiler: issues, duplicate rows and the quality score")
class DatasetProfilerIssuesTest extends ProfilerFixture {

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
    double[] fences = fences(pv);
    double lo = fences[0];
    double hi = fences[1];
    long expected = outside(pv, fences);
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
    long expected = outside(v, fences(v));
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
}
