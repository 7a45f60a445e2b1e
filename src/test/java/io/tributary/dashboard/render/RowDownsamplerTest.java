package io.tributary.dashboard.render;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.tributary.dashboard.render.ExportFixtures.config;
import static io.tributary.dashboard.render.ExportFixtures.viz;
import static org.assertj.core.api.Assertions.assertThat;

class RowDownsamplerTest {

  private static final JsonObject LINE = viz("v", "Load", "line", config("ts", "value"), 0, 0, 6, 4);

  @Test
  @DisplayName("a 200,000-row line reduced for 800 px keeps the ends and the spike and says so")
  void longLine() {
    JsonObject data = ExportFixtures.line("v", 200_000, 123_457);
    JsonObject reduced = RowDownsampler.apply(LINE, data, 800);
    JsonArray rows = reduced.getJsonArray("results");
    assertThat(reduced.getJsonObject("downsampled"))
      .isEqualTo(new JsonObject().put("method", "minmax").put("from", 200_000).put("to", rows.size()));
    assertThat(reduced.getInteger("row_count")).isEqualTo(rows.size());
    assertThat(rows.size()).isBetween(800, 2 * 800 + 2);
    assertThat(rows.getJsonObject(0)).isEqualTo(data.getJsonArray("results").getJsonObject(0));
    assertThat(rows.getJsonObject(rows.size() - 1)).isEqualTo(data.getJsonArray("results").getJsonObject(199_999));
    assertThat(rows.stream().map(r -> ((JsonObject) r).getDouble("value"))).contains(ExportFixtures.SPIKE);
    assertThat(reduced.getJsonArray("columns")).isEqualTo(data.getJsonArray("columns"));
    assertThat(data.getJsonArray("results")).hasSize(200_000);
  }

  @Test
  @DisplayName("rows out of x order are reduced by x, and the spike still survives")
  void unsortedRows() {
    JsonObject data = ExportFixtures.line("v", 50_000, 20_000);
    List<Object> shuffled = data.getJsonArray("results").getList();
    Collections.shuffle(shuffled, new java.util.Random(1));
    JsonObject reduced = RowDownsampler.apply(LINE, data, 400);
    assertThat(reduced.getJsonArray("results").stream().map(r -> ((JsonObject) r).getDouble("value")))
      .contains(ExportFixtures.SPIKE);
    assertThat(reduced.getJsonArray("results").size()).isLessThanOrEqualTo(802);
  }

  @Test
  @DisplayName("short series, bars and tables pass through untouched")
  void passThrough() {
    JsonObject shortLine = ExportFixtures.line("v", 1_000, 10);
    assertThat(RowDownsampler.apply(LINE, shortLine, 800)).isSameAs(shortLine);
    JsonObject bars = ExportFixtures.bars("b", Map.of("North", 1.0));
    assertThat(RowDownsampler.apply(viz("b", "B", "bar", config("region", "sales"), 0, 0, 6, 4), bars, 10))
      .isSameAs(bars);
  }

  @Test
  @DisplayName("each series of a split line keeps its own extremes")
  void splitSeries() {
    JsonArray rows = new JsonArray();
    for (int i = 0; i < 20_000; i++) {
      double a = i == 5_000 ? 999 : Math.sin(i / 100.0);
      double b = i == 15_000 ? -999 : Math.cos(i / 100.0);
      rows.add(new JsonObject().put("t", i).put("host", "a").put("v", a));
      rows.add(new JsonObject().put("t", i).put("host", "b").put("v", b));
    }
    JsonObject data = ExportFixtures.data("v", ExportFixtures.columns("t", "BIGINT", "host", "VARCHAR", "v", "DOUBLE"),
      rows);
    JsonObject viz = viz("v", "Hosts", "line", config("t", "v").put("series", "host"), 0, 0, 6, 4);
    JsonArray out = RowDownsampler.apply(viz, data, 500).getJsonArray("results");
    assertThat(out.size()).isLessThanOrEqualTo(2 * (2 * 500 + 2));
    assertThat(out).contains(new JsonObject().put("t", 5_000).put("host", "a").put("v", 999.0),
      new JsonObject().put("t", 15_000).put("host", "b").put("v", -999.0));
    assertThat(out.stream().filter(r -> ((JsonObject) r).getString("host").equals("b")).count()).isGreaterThan(500);
  }

  @Test
  @DisplayName("a 100,000-point scatter keeps one point per 3 px cell and its outlier")
  void scatter() {
    JsonObject data = ExportFixtures.scatter("s", 100_000);
    data.getJsonArray("results").add(new JsonObject().put("x", 500).put("y", -300.0).put("kind", "A"));
    JsonObject viz = viz("s", "S", "scatter", config("x", "y"), 0, 0, 6, 4);
    JsonObject reduced = RowDownsampler.apply(viz, data, 600, 300);
    assertThat(reduced.getJsonObject("downsampled").getString("method")).isEqualTo("grid");
    assertThat(reduced.getJsonArray("results").size()).isLessThan(200 * 100 + 2);
    assertThat(reduced.getJsonArray("results"))
      .contains(new JsonObject().put("x", 500).put("y", -300.0).put("kind", "A"));
  }
}
