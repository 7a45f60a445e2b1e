package io.tributary.dashboard.render;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;

/**
 * Reduces the rows of a line or scatter visualization's data to what a chart of a given pixel size can show,
 * for the data API. A series with more than 2 points per pixel of width is reduced: a line keeps the lowest and
 * highest point of every pixel column ({@code minmax}), a scatter plot one point per occupied
 * {@value #SCATTER_CELL_PX}-pixel cell ({@code grid}). Other chart types and shorter series pass unchanged.
 */
public final class RowDownsampler {

  /** Side of a scatter plot's reduction cell, in pixels. */
  public static final int SCATTER_CELL_PX = 3;

  private RowDownsampler() {
  }

  /** The kept row indices of one series, or null when it needs no reduction at this size. */
  static int[] keep(String chartType, XYData.Series s, int width, int height) {
    if (s.size() <= 2L * width) {
      return null;
    }
    int[] kept = chartType.equals("line") ? Downsample.minMax(s.x(), s.y(), width)
      : Downsample.grid(s.x(), s.y(), Math.max(1, width / SCATTER_CELL_PX), Math.max(1, height / SCATTER_CELL_PX));
    return kept.length == s.size() ? null : kept;
  }

  /**
   * The data with its {@code results} reduced for a chart {@code width × height} pixels, plus
   * {@code downsampled: {method, from, to}} (row counts) and {@code row_count} set to the rows kept; the same
   * object when nothing was reduced. Rows that no series can draw (null x or y) are dropped with the rest.
   */
  public static JsonObject apply(JsonObject viz, JsonObject data, int width, int height) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("width and height must be positive");
    }
    VizSpec spec = VizSpec.of(viz);
    if (!spec.type().equals("line") && !spec.type().equals("scatter")) {
      return data;
    }
    XYData xy = XYData.read(spec, data, Integer.MAX_VALUE);
    if (spec.type().equals("line") && xy.xKind == Values.Kind.TEXT) {
      return data;
    }
    JsonArray rows = XYData.rows(data);
    boolean[] keep = new boolean[rows.size()];
    boolean reduced = false;
    for (XYData.Series s : xy.series) {
      int[] kept = keep(spec.type(), s, width, height);
      if (kept == null) {
        for (int row : s.rows()) {
          keep[row] = true;
        }
      } else {
        reduced = true;
        for (int k : kept) {
          keep[s.rows()[k]] = true;
        }
      }
    }
    if (!reduced) {
      return data;
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < keep.length; i++) {
      if (keep[i]) {
        out.add(rows.getValue(i));
      }
    }
    String method = spec.type().equals("line") ? "minmax" : "grid";
    JsonObject copy = new JsonObject(new LinkedHashMap<>(data.getMap()));
    copy.put("results", out).put("row_count", out.size())
      .put("downsampled", new JsonObject().put("method", method).put("from", rows.size()).put("to", out.size()));
    return copy;
  }

  /** The same for a chart of {@code width} pixels and half as high. */
  public static JsonObject apply(JsonObject viz, JsonObject data, int width) {
    return apply(viz, data, width, Math.max(1, width / 2));
  }
}
