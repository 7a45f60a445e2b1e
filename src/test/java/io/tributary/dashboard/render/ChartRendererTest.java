package io.tributary.dashboard.render;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PiePlot;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tributary.dashboard.render.ExportFixtures.config;
import static io.tributary.dashboard.render.ExportFixtures.viz;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ChartRendererTest {

  private final ChartRenderer renderer = new ChartRenderer();

  @Test
  @DisplayName("bars are drawn in proportion to their values")
  void barsInProportion() {
    Map<String, Double> sales = new LinkedHashMap<>();
    sales.put("North", 120.0);
    sales.put("South", 60.0);
    sales.put("East", 30.0);
    sales.put("West", 90.0);
    JsonObject viz = viz("b", "Sales by region", "bar", config("region", "sales"), 0, 0, 6, 4);
    JsonObject data = ExportFixtures.bars("b", sales);
    CategoryPlot plot = renderer.chart(viz, data, 800, 400).getCategoryPlot();
    assertThat(plot.getDataset().getColumnKeys()).containsExactly("North", "South", "East", "West");
    assertThat(plot.getDataset().getValue("sales", "East")).isEqualTo(30.0);

    BufferedImage image = renderer.render(viz, data, 800, 400);
    int bar = Palette.series(0).getRGB();
    List<int[]> runs = runsInRow(image, lowestRowWith(image, bar), bar);
    assertThat(runs).hasSize(4);
    double[] heights = runs.stream().mapToDouble(r -> columnHeight(image, (r[0] + r[1]) / 2, bar)).toArray();
    double[] values = {120, 60, 30, 90};
    for (int i = 0; i < 4; i++) {
      assertThat(heights[i] / heights[0]).isCloseTo(values[i] / values[0], within(0.02));
    }
  }

  @Test
  @DisplayName("a 200,000-point line is reduced before drawing and still shows its spike")
  void longLineKeepsSpike() {
    JsonObject viz = viz("l", "Load", "line", config("ts", "value"), 0, 0, 6, 4);
    JsonObject data = ExportFixtures.line("l", 200_000, 150_000);
    XYDataset dataset = renderer.chart(viz, data, 800, 400).getXYPlot().getDataset();
    assertThat(dataset.getItemCount(0)).isBetween(400, 2 * 800 + 2);
    double max = 0;
    for (int i = 0; i < dataset.getItemCount(0); i++) {
      max = Math.max(max, dataset.getYValue(0, i));
    }
    assertThat(max).isEqualTo(ExportFixtures.SPIKE);

    BufferedImage image = renderer.render(viz, data, 800, 400);
    int line = Palette.series(0).getRGB();
    int top = -1;
    int bottom = -1;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (image.getRGB(x, y) == line) {
          top = top < 0 ? y : top;
          bottom = y;
        }
      }
    }
    // the wave lies in [0, 10] of an axis reaching 1,000: the line hugs the bottom, only the spike climbs
    assertThat(top).isLessThan(image.getHeight() / 4);
    assertThat(bottom).isGreaterThan(image.getHeight() / 2);
  }

  @Test
  @DisplayName("several y columns split by a series column give one series each, with a legend")
  void seriesSplitting() {
    JsonArray rows = new JsonArray();
    for (int i = 0; i < 10; i++) {
      for (String host : List.of("web-1", "web-2", "db")) {
        rows.add(new JsonObject().put("day", "2024-03-" + String.format("%02d", i + 1)).put("host", host)
          .put("cpu", i * 1.0).put("mem", 100.0 - i));
      }
    }
    JsonObject data = ExportFixtures.data("m", ExportFixtures.columns("day", "DATE", "host", "VARCHAR", "cpu",
      "DOUBLE", "mem", "DOUBLE"), rows);
    JsonObject viz = viz("m", "Hosts", "line", config("day", "cpu", "mem").put("series", "host"), 0, 0, 6, 4);
    JFreeChart chart = renderer.chart(viz, data, 800, 400);
    XYDataset dataset = chart.getXYPlot().getDataset();
    List<Comparable<?>> keys = new ArrayList<>();
    for (int s = 0; s < dataset.getSeriesCount(); s++) {
      keys.add(dataset.getSeriesKey(s));
      assertThat(dataset.getItemCount(s)).isEqualTo(10);
    }
    assertThat(keys).containsExactly("web-1 · cpu", "web-1 · mem", "web-2 · cpu", "web-2 · mem", "db · cpu",
      "db · mem");
    assertThat(chart.getLegend()).isNotNull();
    assertThat(dataset.getXValue(0, 1) - dataset.getXValue(0, 0)).isEqualTo(86_400_000.0);
  }

  @Test
  @DisplayName("stacked bars sum per category; a log axis notes the values it cannot show")
  void stackedAndLog() {
    JsonArray rows = new JsonArray()
      .add(new JsonObject().put("q", "Q1").put("a", 10).put("b", 5))
      .add(new JsonObject().put("q", "Q2").put("a", 0).put("b", 7))
      .add(new JsonObject().put("q", "Q1").put("a", 1).put("b", 1));
    JsonObject data = ExportFixtures.data("s", ExportFixtures.columns("q", "VARCHAR", "a", "BIGINT", "b", "BIGINT"),
      rows);
    JsonObject stacked = viz("s", "Stack", "bar", config("q", "a", "b").put("stacked", true), 0, 0, 6, 4);
    CategoryPlot plot = renderer.chart(stacked, data, 600, 300).getCategoryPlot();
    assertThat(plot.getRenderer()).isInstanceOf(org.jfree.chart.renderer.category.StackedBarRenderer.class);
    assertThat(plot.getDataset().getValue("a", "Q1")).isEqualTo(11.0);

    JsonObject log = viz("s", "Log", "bar", config("q", "a", "b").put("log_y", true), 0, 0, 6, 4);
    JFreeChart chart = renderer.chart(log, data, 600, 300);
    assertThat(chart.getCategoryPlot().getRangeAxis()).isInstanceOf(LogAxis.class);
    assertThat(((TextTitle) chart.getSubtitle(chart.getSubtitleCount() - 1)).getText())
      .isEqualTo("1 value ≤ 0 not shown on the log scale");
  }

  @Test
  @DisplayName("a pie takes x as label and y[0] as value")
  void pie() {
    Map<String, JsonObject> data = ExportFixtures.dashboardData(10, 10, 10);
    JsonObject viz = ExportFixtures.dashboard().getJsonArray("visualizations").getJsonObject(4);
    @SuppressWarnings("unchecked")
    PiePlot<String> plot = (PiePlot<String>) renderer.chart(viz, data.get("v-pie"), 600, 400).getPlot();
    assertThat(plot.getDataset().getKeys()).containsExactlyElementsOf(ExportFixtures.CITIES);
    assertThat(plot.getDataset().getValue("Москва")).isEqualTo(20.0);
  }

  @Test
  @DisplayName("a viz naming a column the data lacks says which one, and draws as a placeholder")
  void missingColumn() {
    JsonObject viz = viz("b", "Broken", "bar", config("nope", "sales"), 0, 0, 6, 4);
    JsonObject data = ExportFixtures.bars("b", Map.of("North", 1.0));
    assertThatThrownBy(() -> renderer.chart(viz, data, 400, 300))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("column 'nope' is not in the data");
    BufferedImage image = renderer.render(viz, data, 400, 300);
    assertThat(image.getWidth()).isEqualTo(400);
  }

  @Test
  @DisplayName("number and table tiles draw; a scaled render has scaled pixels")
  void textTiles() {
    Map<String, JsonObject> data = ExportFixtures.dashboardData(10, 10, 100);
    JsonArray vizzes = ExportFixtures.dashboard().getJsonArray("visualizations");
    BufferedImage number = renderer.render(vizzes.getJsonObject(0), data.get("v-number"), 300, 200, 2);
    assertThat(number.getWidth()).isEqualTo(600);
    assertThat(darkPixels(number, 200, 220, 400, 300)).isGreaterThan(500);
    BufferedImage table = renderer.render(vizzes.getJsonObject(5), data.get("v-table"), 600, 300);
    assertThat(darkPixels(table, 0, 250, 600, 300)).isGreaterThan(50);
  }

  private static long darkPixels(BufferedImage image, int x0, int y0, int x1, int y1) {
    long dark = 0;
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        int rgb = image.getRGB(x, y);
        if (((rgb >> 16) & 0xFF) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF) < 300) {
          dark++;
        }
      }
    }
    return dark;
  }

  private static int lowestRowWith(BufferedImage image, int rgb) {
    for (int y = image.getHeight() - 1; y >= 0; y--) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (image.getRGB(x, y) == rgb) {
          return y;
        }
      }
    }
    throw new AssertionError("colour not found");
  }

  /** Runs [from, to] of pixels of this colour along row y. */
  private static List<int[]> runsInRow(BufferedImage image, int y, int rgb) {
    List<int[]> runs = new ArrayList<>();
    int start = -1;
    for (int x = 0; x <= image.getWidth(); x++) {
      boolean on = x < image.getWidth() && image.getRGB(x, y) == rgb;
      if (on && start < 0) {
        start = x;
      } else if (!on && start >= 0) {
        runs.add(new int[] {start, x - 1});
        start = -1;
      }
    }
    return runs;
  }

  private static int columnHeight(BufferedImage image, int x, int rgb) {
    int count = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      if (image.getRGB(x, y) == rgb) {
        count++;
      }
    }
    return count;
  }
}
