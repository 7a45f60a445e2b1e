package io.tributary.dashboard.render;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The (x, y) series of a visualization's rows: one per y column, or per value of the {@code series} column
 * (times each y column when there are several), in order of first appearance and sorted by x. Rows whose x
 * or y is null or not a number are left out of that series.
 */
final class XYData {

  /** One series: its key, the source row of each point, and the points in ascending x. */
  record Series(String key, int[] rows, double[] x, double[] y) {
    int size() {
      return x.length;
    }
  }

  final Values.Kind xKind;
  final List<Series> series;
  /** How many series the data holds (more than {@code series.size()} when capped). */
  final int totalSeries;

  private XYData(Values.Kind xKind, List<Series> series, int totalSeries) {
    this.xKind = xKind;
    this.series = series;
    this.totalSeries = totalSeries;
  }

  /** Reads at most {@code maxSeries} series. */
  static XYData read(VizSpec spec, JsonObject data, int maxSeries) {
    JsonArray rows = rows(data);
    requireColumn(data, spec.x());
    spec.y().forEach(y -> requireColumn(data, y));
    if (spec.series() != null) {
      requireColumn(data, spec.series());
    }
    Values.Kind kind = Values.kind(Values.type(data, spec.x()), rows, spec.x());
    Map<String, Buffer> buffers = new LinkedHashMap<>();
    int total = 0;
    boolean many = spec.y().size() > 1;
    for (int i = 0; i < rows.size(); i++) {
      JsonObject row = rows.getJsonObject(i);
      double x = Values.x(row.getValue(spec.x()), kind);
      if (Double.isNaN(x)) {
        continue;
      }
      String group = spec.series() == null ? null : Values.text(row.getValue(spec.series()));
      for (String yColumn : spec.y()) {
        double y = Values.number(row.getValue(yColumn));
        if (!Double.isFinite(y)) {
          continue;
        }
        String key = group == null ? yColumn : many ? group + " · " + yColumn : group;
        Buffer buffer = buffers.get(key);
        if (buffer == null) {
          total++;
          if (buffers.size() >= maxSeries) {
            buffers.put(key, Buffer.FULL);
            continue;
          }
          buffer = new Buffer(spec.series() == null ? rows.size() : 64);
          buffers.put(key, buffer);
        }
        buffer.add(i, x, y);
      }
    }
    List<Series> out = new ArrayList<>();
    buffers.forEach((key, buffer) -> {
      if (buffer != Buffer.FULL) {
        out.add(buffer.sorted(key));
      }
    });
    return new XYData(kind, out, total);
  }

  /** The data's rows, never null. */
  static JsonArray rows(JsonObject data) {
    JsonArray rows = data.getJsonArray("results");
    return rows == null ? new JsonArray() : rows;
  }

  /** IllegalArgumentException when the data has rows or columns and none is named {@code column}. */
  static void requireColumn(JsonObject data, String column) {
    JsonArray columns = data.getJsonArray("columns");
    boolean listed = columns != null && !columns.isEmpty();
    if (listed ? !hasName(columns, column)
      : !rows(data).isEmpty() && !rows(data).getJsonObject(0).containsKey(column)) {
      throw new IllegalArgumentException("column '" + column + "' is not in the data");
    }
  }

  private static boolean hasName(JsonArray columns, String column) {
    for (int i = 0; i < columns.size(); i++) {
      if (column.equals(columns.getJsonObject(i).getString("name"))) {
        return true;
      }
    }
    return false;
  }

  /** Growable primitive arrays of one series. */
  private static final class Buffer {
    static final Buffer FULL = new Buffer(0);
    int[] rows;
    double[] x;
    double[] y;
    int size;

    Buffer(int capacity) {
      rows = new int[Math.max(capacity, 16)];
      x = new double[rows.length];
      y = new double[rows.length];
    }

    void add(int row, double xv, double yv) {
      if (size == x.length) {
        int capacity = Math.max(16, size * 2);
        rows = Arrays.copyOf(rows, capacity);
        x = Arrays.copyOf(x, capacity);
        y = Arrays.copyOf(y, capacity);
      }
      rows[size] = row;
      x[size] = xv;
      y[size] = yv;
      size++;
    }

    Series sorted(String key) {
      double[] xs = x.length == size ? x : Arrays.copyOf(x, size);
      int[] order = Downsample.sortedOrder(xs);
      if (order == null) {
        return new Series(key, rows.length == size ? rows : Arrays.copyOf(rows, size), xs,
          y.length == size ? y : Arrays.copyOf(y, size));
      }
      int[] r = new int[size];
      double[] sx = new double[size];
      double[] sy = new double[size];
      for (int i = 0; i < size; i++) {
        int j = order[i];
        r[i] = rows[j];
        sx[i] = x[j];
        sy[i] = y[j];
      }
      return new Series(key, r, sx, sy);
    }
  }
}
