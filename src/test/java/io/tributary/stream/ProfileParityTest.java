package io.tributary.stream;

import io.tributary.profile.DatasetProfiler;
import io.tributary.profile.ProfilerSettings;
import io.tributary.support.Duck;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("File and stream profiles of the same data")
class ProfileParityTest {

  static final int N = 200;

  /** Row i of the planted data: id, amount (5 values far out), category, mostly-null count, a constant. */
  static Object[] row(int i) {
    return new Object[] {(long) i, i % 40 == 0 ? 10_000.0 : i % 50 + 0.5, "c" + (i % 4),
      i % 3 == 0 ? (Long) (long) (i % 7) : null, "x"};
  }

  static final String[] NAMES = {"id", "amount", "category", "count", "const"};
  static final String[] TYPES = {"BIGINT", "DOUBLE", "VARCHAR", "BIGINT", "VARCHAR"};

  @Test
  @DisplayName("give the same issues, severities and quality score (duplicates unknown for the stream, none in the file)")
  void sameScoreAndIssues(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("same.parquet");
    Duck.exec("COPY (SELECT i::BIGINT AS id, CASE WHEN i % 40 = 0 THEN 10000.0 ELSE i % 50 + 0.5 END::DOUBLE AS amount,"
      + " 'c' || (i % 4) AS category, CASE WHEN i % 3 = 0 THEN i % 7 END::BIGINT AS \"count\", 'x' AS \"const\""
      + " FROM range(" + N + ") t(i)) TO " + Duck.lit(file) + " (FORMAT parquet)");
    JsonObject fromFile;
    try (DatasetProfiler profiler = new DatasetProfiler(new ProfilerSettings("256MB", 1, dir.resolve("tmp")))) {
      fromFile = profiler.profile(file, null);
    }

    StreamProfile stream = new StreamProfile();
    for (int c = 0; c < NAMES.length; c++) {
      stream.columns.put(NAMES[c], new ColumnStats(TYPES[c]));
    }
    for (int i = 0; i < N; i++) {
      Object[] values = row(i);
      for (int c = 0; c < NAMES.length; c++) {
        if (values[c] != null) {
          stream.columns.get(NAMES[c]).add(values[c]);
        }
      }
    }
    stream.rows = N;
    JsonObject fromStream = stream.render();

    assertThat(fromFile.getLong("duplicate_rows")).isZero();
    assertThat(fromStream.getValue("duplicate_rows")).isNull();
    assertThat(fromStream.getDouble("quality_score")).isEqualTo(fromFile.getDouble("quality_score"))
      .isLessThan(1.0);
    assertThat(issues(fromStream)).isEqualTo(issues(fromFile))
      .contains("amount outliers medium", "count high_nulls high", "const constant low");
    for (int c = 0; c < NAMES.length; c++) {
      JsonObject f = fromFile.getJsonArray("columns").getJsonObject(c);
      JsonObject s = fromStream.getJsonArray("columns").getJsonObject(c);
      assertThat(s.getString("name")).isEqualTo(f.getString("name"));
      for (String key : List.of("null_count", "unique_count")) {
        assertThat(s.getLong(key)).as(NAMES[c] + " " + key).isEqualTo(f.getLong(key));
      }
      assertThat(s.getDouble("null_percentage")).isEqualTo(f.getDouble("null_percentage"));
      assertThat(s.getValue("min")).as(NAMES[c]).isEqualTo(f.getValue("min"));
      assertThat(s.getValue("max")).as(NAMES[c]).isEqualTo(f.getValue("max"));
      if (f.getValue("mean") != null) {
        assertThat(s.getDouble("mean")).isCloseTo(f.getDouble("mean"), within(1e-9));
        assertThat(s.getDouble("std_dev")).isCloseTo(f.getDouble("std_dev"), within(1e-9));
      }
    }
  }

  /** "column issue_type severity" of each issue, sorted. */
  static Set<String> issues(JsonObject profile) {
    JsonArray issues = profile.getJsonArray("issues");
    Set<String> out = new TreeSet<>();
    for (Object o : issues) {
      JsonObject i = (JsonObject) o;
      out.add(i.getString("column") + " " + i.getString("issue_type") + " " + i.getString("severity"));
    }
    return out;
  }
}
