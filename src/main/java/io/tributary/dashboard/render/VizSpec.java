package io.tributary.dashboard.render;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What a visualization asks to draw, read from its JSON (chart type, columns and options). */
record VizSpec(String id, String title, String type, String x, List<String> y, String series, boolean stacked,
               boolean logY, String xLabel, String yLabel) {

  static final List<String> TYPES = List.of("line", "bar", "scatter", "pie", "table", "number");

  /** The spec of a viz; IllegalArgumentException names what is missing. */
  static VizSpec of(JsonObject viz) {
    JsonObject config = viz.getJsonObject("config", new JsonObject());
    String type = viz.getString("chart_type", "").toLowerCase(Locale.ROOT);
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("unknown chart_type '" + viz.getString("chart_type") + "'");
    }
    List<String> y = new ArrayList<>();
    Object yValue = config.getValue("y");
    if (yValue instanceof String s) {
      y.add(s);
    } else if (yValue instanceof JsonArray a) {
      a.forEach(v -> y.add(String.valueOf(v)));
    }
    String x = config.getString("x");
    if (!type.equals("table") && !type.equals("number") && x == null) {
      throw new IllegalArgumentException("config.x is required for a " + type + " chart");
    }
    if (!type.equals("table") && y.isEmpty()) {
      throw new IllegalArgumentException("config.y is required for a " + type + " chart");
    }
    return new VizSpec(viz.getString("viz_id"), viz.getString("title", ""), type, x, List.copyOf(y),
      config.getString("series"), config.getBoolean("stacked", false), config.getBoolean("log_y", false),
      config.getString("x_label"), config.getString("y_label"));
  }

  /** The y axis label: the configured one, else the single y column's name. */
  String yAxisLabel() {
    return yLabel != null ? yLabel : y.size() == 1 ? y.get(0) : null;
  }

  /** The x axis label: the configured one, else the x column's name. */
  String xAxisLabel() {
    return xLabel != null ? xLabel : x;
  }
}
