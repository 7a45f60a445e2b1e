package io.tributary.profile;

import io.tributary.support.Api;
import io.tributary.support.Duck;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("Dataset profiles")
class ProfileFlowTest {

  @Test
  @DisplayName("the profile of an uploaded CSV matches DuckDB's own figures over the original file")
  void profileMatchesDuckDb(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("quality.csv");
    Random random = new Random(42);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      double amount = i % 250 == 0 ? 10_000 + i : 100 + random.nextGaussian() * 15;
      String maybe = random.nextDouble() < 0.6 ? "" : Integer.toString(random.nextInt(40));
      lines.add(i + "," + "cat" + (i % 5) + "," + amount + "," + maybe + "," + (i % 3 == 0) + ","
        + LocalDateTime.of(2024, 1, 1, 0, 0).plusMinutes(i * 37L) + ",\"名前 " + (i % 11) + "\"");
    }
    for (int i = 0; i < 50; i++) {
      lines.add(lines.get(i * 3));
    }
    Files.writeString(csv, "id,category,amount,maybe null,flag,ts,label\n" + String.join("\n", lines) + "\n");

    Api analyst = Api.newUser("analyst");
    JsonObject job = analyst.uploadAndWait(csv, Map.of());
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    var response = analyst.get("/api/v1/data/profile/" + job.getString("dataset_id"));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject profile = response.bodyAsJsonObject();

    String src = "read_csv(" + Duck.lit(csv) + ", header=true)";
    long rows = (Long) Duck.value("SELECT count(*) FROM " + src);
    long distinctRows = (Long) Duck.value("SELECT count(*) FROM (SELECT DISTINCT * FROM " + src + ")");
    assertThat(profile.getString("dataset_id")).isEqualTo(job.getString("dataset_id"));
    assertThat(profile.getLong("row_count")).isEqualTo(rows).isEqualTo(2050L);
    assertThat(profile.getInteger("column_count")).isEqualTo(7);
    assertThat(profile.getLong("duplicate_rows")).isEqualTo(rows - distinctRows).isEqualTo(50L);
    assertThat(profile.getDouble("quality_score")).isBetween(0.0, 1.0);

    JsonArray columns = profile.getJsonArray("columns");
    assertThat(columns).hasSize(7);
    for (Object o : columns) {
      JsonObject col = (JsonObject) o;
      String q = "\"" + col.getString("name").replace("\"", "\"\"") + "\"";
      Map<String, Object> expected = Duck.rows("SELECT count(*) - count(" + q + ") AS nulls, count(DISTINCT " + q
        + ") AS uniq, CAST(min(" + q + ") AS VARCHAR) AS mn, CAST(max(" + q + ") AS VARCHAR) AS mx FROM " + src).get(0);
      assertThat(col.getLong("null_count")).as(col.getString("name")).isEqualTo(expected.get("nulls"));
      assertThat(col.getDouble("null_percentage")).as(col.getString("name"))
        .isCloseTo(100.0 * (Long) expected.get("nulls") / rows, within(0.01));
      assertThat(col.getLong("unique_count")).as(col.getString("name")).isEqualTo(expected.get("uniq"));
      if (!"flag".equals(col.getString("name"))) {
        assertThat(normalize(col.getValue("min"))).as(col.getString("name") + " min").isEqualTo(normalize(expected.get("mn")));
        assertThat(normalize(col.getValue("max"))).as(col.getString("name") + " max").isEqualTo(normalize(expected.get("mx")));
      }
    }
    for (String numeric : List.of("id", "amount", "maybe null")) {
      JsonObject col = column(columns, numeric);
      Map<String, Object> expected = Duck.rows("SELECT avg(\"" + numeric + "\") AS mean, stddev_samp(\"" + numeric
        + "\") AS sd FROM " + src).get(0);
      assertThat(col.getDouble("mean")).as(numeric).isCloseTo((Double) expected.get("mean"), within(1e-6));
      assertThat(col.getDouble("std_dev")).as(numeric).isCloseTo((Double) expected.get("sd"), within(1e-6));
    }

    JsonArray issues = profile.getJsonArray("issues");
    assertThat(issue(issues, "high_nulls", "maybe null")).isNotNull();
    assertThat(issue(issues, "high_nulls", "maybe null").getString("severity")).isEqualTo("high");
    assertThat(issue(issues, "high_nulls", "amount")).isNull();
    assertThat(issues.stream().map(JsonObject.class::cast).anyMatch(i -> "duplicates".equals(i.getString("issue_type"))))
      .isTrue();
    assertThat(issue(issues, "outliers", "amount")).isNotNull();
    assertThat(profile.getDouble("quality_score")).isLessThan(1.0);
  }

  private static JsonObject column(JsonArray columns, String name) {
    return columns.stream().map(JsonObject.class::cast).filter(c -> name.equals(c.getString("name"))).findFirst()
      .orElseThrow();
  }

  private static JsonObject issue(JsonArray issues, String type, String column) {
    return issues.stream().map(JsonObject.class::cast)
      .filter(i -> type.equals(i.getString("issue_type")) && column.equals(i.getString("column")))
      .findFirst().orElse(null);
  }

  /** Numbers compare as numbers, timestamps regardless of 'T' or ' ' and trailing zero fractions. */
  private static String normalize(Object value) {
    if (value == null) {
      return null;
    }
    String s = value.toString();
    try {
      return Double.toString(Double.parseDouble(s));
    } catch (NumberFormatException e) {
      return s.replace('T', ' ').replaceAll("\\.0+$", "").replaceAll("Z$", "");
    }
  }
}
