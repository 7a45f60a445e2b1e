package io.tributary.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table that fits the terminal: columns take their natural width, and when the total is wider than the
 * terminal the widest columns are cut (with {@code …}) until it fits.
 */
final class Table {

  private static final int MIN_WIDTH = 4;

  private Table() {
  }

  /** Prints the rows' values for the given columns (missing values empty) within {@code width} characters. */
  static void print(PrintWriter out, List<String> columns, JsonArray rows, int width) {
    List<String[]> cells = new ArrayList<>();
    for (Object o : rows) {
      JsonObject row = (JsonObject) o;
      String[] line = new String[columns.size()];
      for (int c = 0; c < columns.size(); c++) {
        line[c] = text(row.getValue(columns.get(c)));
      }
      cells.add(line);
    }
    int[] widths = new int[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      widths[c] = columns.get(c).length();
      for (String[] line : cells) {
        widths[c] = Math.max(widths[c], line[c].length());
      }
    }
    fit(widths, width);
    out.println(line(columns.toArray(String[]::new), widths));
    StringBuilder rule = new StringBuilder();
    for (int c = 0; c < widths.length; c++) {
      rule.append(c == 0 ? "" : "  ").append("-".repeat(widths[c]));
    }
    out.println(rule);
    cells.forEach(line -> out.println(line(line, widths)));
  }

  /** The columns of rows: the keys of the first row whose values are not objects or arrays. */
  static List<String> columns(JsonArray rows) {
    List<String> out = new ArrayList<>();
    if (!rows.isEmpty()) {
      JsonObject first = rows.getJsonObject(0);
      first.fieldNames().forEach(k -> {
        Object v = first.getValue(k);
        if (!(v instanceof JsonObject) && !(v instanceof JsonArray)) {
          out.add(k);
        }
      });
    }
    return out;
  }

  /** The terminal width: {@code COLUMNS}, else 120. */
  static int width(java.util.Map<String, String> env) {
    try {
      int columns = Integer.parseInt(env.getOrDefault("COLUMNS", "120").trim());
      return columns >= 20 ? columns : 120;
    } catch (NumberFormatException e) {
      return 120;
    }
  }

  static void fit(int[] widths, int width) {
    int total = (widths.length - 1) * 2;
    for (int w : widths) {
      total += w;
    }
    while (total > width) {
      int widest = 0;
      for (int c = 1; c < widths.length; c++) {
        if (widths[c] > widths[widest]) {
          widest = c;
        }
      }
      if (widths[widest] <= MIN_WIDTH) {
        return;
      }
      widths[widest]--;
      total--;
    }
  }

  private static String line(String[] values, int[] widths) {
    StringBuilder out = new StringBuilder();
    for (int c = 0; c < values.length; c++) {
      String v = values[c].length() > widths[c] ? values[c].substring(0, widths[c] - 1) + "…" : values[c];
      out.append(c == 0 ? "" : "  ").append(v);
      if (c < values.length - 1) {
        out.append(" ".repeat(widths[c] - v.length()));
      }
    }
    return out.toString();
  }

  static String text(Object value) {
    if (value == null) {
      return "";
    }
    String s = value instanceof JsonObject || value instanceof JsonArray ? value.toString() : String.valueOf(value);
    return s.replace('\n', ' ').replace('\t', ' ');
  }
}
