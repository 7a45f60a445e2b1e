package io.tributary.dashboard.render;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Planted data in the query API's shape, for the render tests and the export benchmark. */
public final class ExportFixtures {

  /** The planted spike of {@link #line}: far above every other value. */
  public static final double SPIKE = 1_000.0;
  public static final List<String> CITIES = List.of("Αθήνα", "Москва", "Zürich", "København", "Kraków");

  private ExportFixtures() {
  }

  public static JsonObject viz(String id, String title, String type, JsonObject config, int x, int y, int w, int h) {
    return new JsonObject().put("viz_id", id).put("title", title).put("chart_type", type).put("config", config)
      .put("position", new JsonObject().put("x", x).put("y", y).put("width", w).put("height", h));
  }

  public static JsonObject config(String x, String... y) {
    return new JsonObject().put("x", x).put("y", new JsonArray(List.of((Object[]) y)));
  }

  static JsonArray columns(String... nameType) {
    JsonArray columns = new JsonArray();
    for (int i = 0; i < nameType.length; i += 2) {
      columns.add(new JsonObject().put("name", nameType[i]).put("type", nameType[i + 1]));
    }
    return columns;
  }

  static JsonObject data(String vizId, JsonArray columns, JsonArray rows) {
    return new JsonObject().put("viz_id", vizId).put("columns", columns).put("results", rows)
      .put("row_count", rows.size()).put("truncated", false);
  }

  /** One TIMESTAMP per second with a gentle wave in [0, 10], and {@link #SPIKE} at row {@code spikeAt}. */
  public static JsonObject line(String vizId, int n, int spikeAt) {
    JsonArray rows = new JsonArray();
    LocalDateTime t0 = LocalDateTime.of(2024, 1, 1, 0, 0);
    Random random = new Random(7);
    for (int i = 0; i < n; i++) {
      double v = i == spikeAt ? SPIKE : 5 + 4 * Math.sin(i / (n / 12.0)) + random.nextDouble();
      rows.add(new JsonObject().put("ts", t0.plusSeconds(i).toString()).put("value", v));
    }
    return data(vizId, columns("ts", "TIMESTAMP", "value", "DOUBLE"), rows);
  }

  /** Bars: regions with the given sales values, in that order. */
  public static JsonObject bars(String vizId, Map<String, Double> sales) {
    JsonArray rows = new JsonArray();
    sales.forEach((region, v) -> rows.add(new JsonObject().put("region", region).put("sales", v)));
    return data(vizId, columns("region", "VARCHAR", "sales", "DOUBLE"), rows);
  }

  /** Two clouds of points around (25, 25) and (75, 60), with BIGINT x. */
  public static JsonObject scatter(String vizId, int n) {
    JsonArray rows = new JsonArray();
    Random random = new Random(11);
    for (int i = 0; i < n; i++) {
      boolean a = i % 3 != 0;
      rows.add(new JsonObject().put("x", Math.round((a ? 25 : 75) + random.nextGaussian() * 8))
        .put("y", (a ? 25 : 60) + random.nextGaussian() * 6).put("kind", a ? "A" : "B"));
    }
    return data(vizId, columns("x", "BIGINT", "y", "DOUBLE", "kind", "VARCHAR"), rows);
  }

  /** The table's rows: key {@code row-00000}..., a city in several scripts, an amount and a DATE. */
  public static JsonObject table(String vizId, int n) {
    JsonArray rows = new JsonArray();
    LocalDate d0 = LocalDate.of(2024, 1, 1);
    for (int i = 0; i < n; i++) {
      rows.add(new JsonObject().put("key", key(i)).put("city", CITIES.get(i % CITIES.size()))
        .put("amount", Math.round(i * 1.37 * 100) / 100.0).put("day", d0.plusDays(i % 366).toString()));
    }
    return data(vizId, columns("key", "VARCHAR", "city", "VARCHAR", "amount", "DOUBLE", "day", "DATE"), rows);
  }

  public static String key(int i) {
    return String.format("row-%05d", i);
  }

  /** A six-viz dashboard (line, bar, scatter, pie, number, table) and its data by viz_id. */
  public static JsonObject dashboard() {
    return new JsonObject().put("dashboard_id", "d-1").put("name", "Sales overview — Αθήνα, Москва")
      .put("description", "Planted data: a second-by-second line with one spike, regional sales, two clusters.")
      .put("visualizations", new JsonArray()
        .add(viz("v-number", "Total orders", "number", config(null, "orders"), 0, 0, 3, 3))
        .add(viz("v-line", "Load per second", "line", config("ts", "value"), 3, 0, 9, 3))
        .add(viz("v-bar", "Sales by region", "bar", config("region", "sales"), 0, 3, 4, 4))
        .add(viz("v-scatter", "Latency vs size", "scatter", config("x", "y").put("series", "kind"), 4, 3, 4, 4))
        .add(viz("v-pie", "Share by city", "pie", config("city", "amount"), 8, 3, 4, 4))
        .add(viz("v-table", "Orders", "table", new JsonObject(), 0, 7, 12, 5)));
  }

  public static Map<String, JsonObject> dashboardData(int linePoints, int scatterPoints, int tableRows) {
    Map<String, JsonObject> data = new HashMap<>();
    data.put("v-number", data("v-number", columns("orders", "BIGINT"),
      new JsonArray().add(new JsonObject().put("orders", 1_234_567))));
    data.put("v-line", line("v-line", linePoints, linePoints / 3));
    Map<String, Double> sales = new java.util.LinkedHashMap<>();
    sales.put("North", 120.0);
    sales.put("South", 60.0);
    sales.put("East", 30.0);
    sales.put("West", 90.0);
    data.put("v-bar", bars("v-bar", sales));
    data.put("v-scatter", scatter("v-scatter", scatterPoints));
    JsonArray pie = new JsonArray();
    for (int i = 0; i < CITIES.size(); i++) {
      pie.add(new JsonObject().put("city", CITIES.get(i)).put("amount", 10.0 * (i + 1)));
    }
    data.put("v-pie", data("v-pie", columns("city", "VARCHAR", "amount", "DOUBLE"), pie));
    data.put("v-table", table("v-table", tableRows));
    return data;
  }
}
