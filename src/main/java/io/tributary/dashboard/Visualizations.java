package io.tributary.dashboard;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The shape rules of a dashboard's visualizations, checked before anything is stored (queries are then checked by
 * the query engine): at most {@value #MAX_VISUALIZATIONS}, bounded texts, a known chart type with the columns it
 * needs, a place on the 12-column grid, and for live ones the stream, window and filters. Each refusal names the
 * visualization by number and title. Pure: no I/O.
 */
final class Visualizations {

  static final int MAX_VISUALIZATIONS = 50;
  static final int MAX_TITLE = 200;
  static final int MAX_QUERY = 10_000;
  static final int MAX_Y = 10;
  static final int MAX_WINDOW = 10_000;
  static final Set<String> CHART_TYPES = Set.of("line", "bar", "scatter", "pie", "table", "number");

  private Visualizations() {
  }

  /** The visualizations, normalised (viz ids assigned, positions and configs completed); 400 naming the first fault. */
  static JsonArray normalise(JsonArray raw) {
    if (raw == null) {
      return new JsonArray();
    }
    if (raw.size() > MAX_VISUALIZATIONS) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "A dashboard holds at most " + MAX_VISUALIZATIONS
        + " visualizations (got " + raw.size() + ")", new JsonObject().put("field", "visualizations"));
    }
    JsonArray out = new JsonArray();
    Set<String> ids = new HashSet<>();
    int nextRow = 0;
    for (int i = 0; i < raw.size(); i++) {
      if (!(raw.getValue(i) instanceof JsonObject viz)) {
        throw fault(i, null, "visualizations", "must be an object");
      }
      JsonObject v = normaliseOne(i, viz, nextRow);
      if (!ids.add(v.getString("viz_id"))) {
        throw fault(i, v.getString("title"), "viz_id", "repeats another visualization's viz_id");
      }
      JsonObject p = v.getJsonObject("position");
      nextRow = Math.max(nextRow, p.getInteger("y") + p.getInteger("height"));
      out.add(v);
    }
    return out;
  }

  private static JsonObject normaliseOne(int i, JsonObject viz, int nextRow) {
    String title = text(i, null, viz, "title", MAX_TITLE, true);
    String type = text(i, title, viz, "chart_type", 20, true);
    if (!CHART_TYPES.contains(type)) {
      throw fault(i, title, "chart_type", "must be one of line, bar, scatter, pie, table, number");
    }
    String datasetId = text(i, title, viz, "dataset_id", 36, true);
    uuid(i, title, "dataset_id", datasetId);
    String query = text(i, title, viz, "query", MAX_QUERY, true);
    String vizId = viz.getValue("viz_id") == null ? UUID.randomUUID().toString() : text(i, title, viz, "viz_id", 36, true);
    uuid(i, title, "viz_id", vizId);
    JsonObject out = new JsonObject().put("viz_id", vizId).put("title", title).put("chart_type", type)
      .put("dataset_id", datasetId).put("query", query).put("config", config(i, title, type, viz.getValue("config")))
      .put("position", position(i, title, viz.getValue("position"), nextRow));
    if (viz.getValue("stream") != null) {
      out.put("stream", stream(i, title, viz.getValue("stream")));
    }
    return out;
  }

  private static JsonObject config(int i, String title, String type, Object raw) {
    if (raw != null && !(raw instanceof JsonObject)) {
      throw fault(i, title, "config", "must be an object");
    }
    JsonObject c = raw == null ? new JsonObject() : ((JsonObject) raw).copy();
    for (String key : List.of("x", "series", "x_label", "y_label")) {
      if (c.getValue(key) != null) {
        text(i, title, c, key, MAX_TITLE, false);
      }
    }
    Object y = c.getValue("y");
    JsonArray ys = y == null ? new JsonArray() : y instanceof String s ? new JsonArray().add(s)
      : y instanceof JsonArray a ? a : null;
    if (ys == null || ys.size() > MAX_Y || ys.stream().anyMatch(v -> !(v instanceof String s) || s.isBlank()
      || s.length() > MAX_TITLE)) {
      throw fault(i, title, "config.y", "must be a column name or a list of at most " + MAX_Y + " column names");
    }
    c.put("y", ys);
    for (String flag : List.of("stacked", "log_y")) {
      if (c.getValue(flag) != null && !(c.getValue(flag) instanceof Boolean)) {
        throw fault(i, title, "config." + flag, "must be true or false");
      }
    }
    boolean plotted = Set.of("line", "bar", "scatter", "pie").contains(type);
    if (plotted && (c.getString("x") == null || ys.isEmpty())) {
      throw fault(i, title, "config", "a " + type + " chart needs config.x and config.y (the columns to plot)");
    }
    return c;
  }

  private static JsonObject position(int i, String title, Object raw, int nextRow) {
    if (raw == null) {
      return new JsonObject().put("x", 0).put("y", nextRow).put("width", 6).put("height", 4);
    }
    if (!(raw instanceof JsonObject p)) {
      throw fault(i, title, "position", "must be an object {x, y, width, height}");
    }
    int x = whole(i, title, p, "x", 0, 11, 0);
    int width = whole(i, title, p, "width", 1, 12, 6);
    if (x + width > 12) {
      throw fault(i, title, "position", "x + width must be at most 12 (the grid has 12 columns)");
    }
    return new JsonObject().put("x", x).put("y", whole(i, title, p, "y", 0, 10_000, nextRow)).put("width", width)
      .put("height", whole(i, title, p, "height", 1, 40, 4));
  }

  private static JsonObject stream(int i, String title, Object raw) {
    if (!(raw instanceof JsonObject s)) {
      throw fault(i, title, "stream", "must be an object {name, window?, filters?}");
    }
    String name = text(i, title, s, "name", 63, true);
    Object filters = s.getValue("filters");
    if (filters != null && (!(filters instanceof JsonObject f) || f.size() > 32)) {
      throw fault(i, title, "stream.filters", "must be an object of at most 32 field: value pairs");
    }
    return new JsonObject().put("name", name).put("window", whole(i, title, s, "window", 1, MAX_WINDOW, 200))
      .put("filters", filters == null ? new JsonObject() : filters);
  }

  private static String text(int i, String title, JsonObject o, String field, int max, boolean required) {
    Object v = o.getValue(field);
    if (v == null && !required) {
      return null;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw fault(i, title, field, "is required and must be a non-empty string");
    }
    if (s.length() > max) {
      throw fault(i, title, field, "is longer than " + max + " characters");
    }
    return s;
  }

  private static int whole(int i, String title, JsonObject o, String field, int min, int max, int fallback) {
    Object v = o.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < min
      || n.intValue() > max) {
      throw fault(i, title, field, "must be a whole number from " + min + " to " + max);
    }
    return n.intValue();
  }

  private static void uuid(int i, String title, String field, String value) {
    try {
      UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw fault(i, title, field, "must be a UUID");
    }
  }

  /** A refusal naming the visualization (1-based, as users count) and its title. */
  static ApiException fault(int index, String title, String field, String problem) {
    String which = "Visualization " + (index + 1) + (title == null ? "" : " (\"" + title + "\")");
    return new ApiException(ErrorCode.VALIDATION_FAILED, which + ": " + field + " " + problem,
      new JsonObject().put("viz_index", index + 1).put("viz_title", title).put("field", field));
  }
}
