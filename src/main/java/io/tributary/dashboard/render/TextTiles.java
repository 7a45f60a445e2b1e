package io.tributary.dashboard.render;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Tiles drawn by hand: the "number" headline, the "table" preview and the placeholder for a missing chart. */
final class TextTiles {

  private static final int ROW_PX = 20;
  private static final int HEADER_PX = 24;
  private static final int CELL_PAD = 6;

  private final ChartStyle style;

  TextTiles(ChartStyle style) {
    this.style = style;
  }

  /** The first row's first y value, as large as fits, with its column name under it. */
  void number(Graphics2D g, Rectangle2D area, VizSpec spec, JsonObject data) {
    double top = title(g, area, spec.title());
    String column = spec.y().get(0);
    XYData.requireColumn(data, column);
    JsonArray rows = XYData.rows(data);
    String text = rows.isEmpty() ? "—" : Values.headline(rows.getJsonObject(0).getValue(column));
    String caption = rows.isEmpty() ? "no rows" : spec.yLabel() != null ? spec.yLabel() : column;
    double width = area.getWidth() - 4 * ChartStyle.PAD;
    double height = area.getMaxY() - top;
    float size = (float) Math.min(96, height * 0.45);
    Font font = style.font(true, size);
    while (size > 10 && g.getFontMetrics(font).stringWidth(text) > width) {
      size *= 0.9f;
      font = style.font(true, size);
    }
    Font small = style.font(false, ChartStyle.LABEL_PX + 1);
    FontMetrics fm = g.getFontMetrics(font);
    FontMetrics sm = g.getFontMetrics(small);
    double gap = fm.getDescent() + 4;
    double block = fm.getAscent() + gap + sm.getHeight();
    double baseline = top + (height - block) / 2 + fm.getAscent();
    g.setFont(font);
    g.setColor(Palette.TEXT);
    g.drawString(text, (float) (area.getCenterX() - fm.stringWidth(text) / 2.0), (float) baseline);
    g.setFont(small);
    g.setColor(Palette.MUTED);
    String cap = fit(caption, sm, width);
    g.drawString(cap, (float) (area.getCenterX() - sm.stringWidth(cap) / 2.0),
      (float) (baseline + gap + sm.getAscent()));
  }

  /** The rows that fit, header first, then "… N more rows" when some do not. */
  void table(Graphics2D g, Rectangle2D area, VizSpec spec, JsonObject data) {
    double top = title(g, area, spec.title());
    List<String> columns = columns(data);
    JsonArray rows = XYData.rows(data);
    double x0 = area.getX() + ChartStyle.PAD;
    double width = area.getWidth() - 2 * ChartStyle.PAD;
    int room = (int) ((area.getMaxY() - ChartStyle.PAD - top - HEADER_PX) / ROW_PX);
    int shown = rows.size() <= room ? rows.size() : Math.max(0, room - 1);
    Font plain = style.font(false, ChartStyle.LABEL_PX);
    Font bold = style.font(true, ChartStyle.LABEL_PX);
    FontMetrics pm = g.getFontMetrics(plain);
    double[] widths = widths(columns, rows, shown, g.getFontMetrics(bold), pm, width);
    boolean[] right = new boolean[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      right[c] = Values.kind(Values.type(data, columns.get(c)), rows, columns.get(c)) == Values.Kind.NUMBER;
    }
    g.setColor(Palette.HEADER_FILL);
    g.fill(new Rectangle2D.Double(x0, top, width, HEADER_PX));
    row(g, columns.stream().map(c -> (Object) c).toList(), x0, top, HEADER_PX, widths, right, bold, Palette.TEXT);
    double y = top + HEADER_PX;
    for (int r = 0; r < shown; r++) {
      if (r % 2 == 1) {
        g.setColor(Palette.ZEBRA);
        g.fill(new Rectangle2D.Double(x0, y, width, ROW_PX));
      }
      JsonObject row = rows.getJsonObject(r);
      row(g, columns.stream().map(row::getValue).toList(), x0, y, ROW_PX, widths, right, plain, Palette.TEXT);
      y += ROW_PX;
    }
    g.setColor(Palette.BORDER);
    g.draw(new Rectangle2D.Double(x0, top + HEADER_PX, width, 0));
    String note = shown < rows.size() ? String.format(Locale.ROOT, "… %,d more rows", rows.size() - shown) : null;
    if (data.getBoolean("truncated", false)) {
      note = (note == null ? "" : note + " · ") + "the query result was cut at its row limit";
    }
    if (note != null) {
      g.setFont(plain);
      g.setColor(Palette.MUTED);
      g.drawString(fit(note, pm, width), (float) (x0 + CELL_PAD), (float) (y + pm.getAscent() + 3));
    }
  }

  /** A tile that could not be drawn: its title and why. */
  void placeholder(Graphics2D g, Rectangle2D area, String title, String message) {
    double top = title(g, area, title);
    Font font = style.font(false, ChartStyle.LABEL_PX + 1);
    FontMetrics fm = g.getFontMetrics(font);
    double width = area.getWidth() - 2 * ChartStyle.PAD;
    List<String> lines = wrap(message, fm, width, Math.max(1, (int) ((area.getMaxY() - top) / fm.getHeight())));
    g.setFont(font);
    g.setColor(Palette.MUTED);
    double y = (top + area.getMaxY()) / 2 - (lines.size() - 1) * fm.getHeight() / 2.0;
    for (String line : lines) {
      g.drawString(line, (float) (area.getCenterX() - fm.stringWidth(line) / 2.0), (float) y);
      y += fm.getHeight();
    }
  }

  /** The text in lines of at most the width, broken at spaces; the last of {@code max} lines cut with "…". */
  static List<String> wrap(String text, FontMetrics fm, double width, int max) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    String[] words = text.split(" ");
    for (int i = 0; i < words.length; i++) {
      String candidate = line.isEmpty() ? words[i] : line + " " + words[i];
      if (fm.stringWidth(candidate) <= width || line.isEmpty()) {
        line.setLength(0);
        line.append(candidate);
        continue;
      }
      if (lines.size() == max - 1) {
        lines.add(fit(line + " " + String.join(" ", java.util.Arrays.copyOfRange(words, i, words.length)), fm, width));
        return lines;
      }
      lines.add(fit(line.toString(), fm, width));
      line.setLength(0);
      line.append(words[i]);
    }
    lines.add(fit(line.toString(), fm, width));
    return lines;
  }

  /** Draws the title like a chart's and answers the y where the content starts. */
  double title(Graphics2D g, Rectangle2D area, String title) {
    Font font = style.font(true, ChartStyle.TITLE_PX);
    FontMetrics fm = g.getFontMetrics(font);
    double baseline = area.getY() + ChartStyle.PAD + fm.getAscent();
    if (title != null && !title.isEmpty()) {
      g.setFont(font);
      g.setColor(Palette.TEXT);
      g.drawString(fit(title, fm, area.getWidth() - 2 * ChartStyle.PAD), (float) (area.getX() + ChartStyle.PAD + 2),
        (float) baseline);
    }
    return baseline + fm.getDescent() + 8;
  }

  static List<String> columns(JsonObject data) {
    List<String> names = new ArrayList<>();
    JsonArray columns = data.getJsonArray("columns");
    if (columns != null && !columns.isEmpty()) {
      columns.forEach(c -> names.add(((JsonObject) c).getString("name")));
    } else if (!XYData.rows(data).isEmpty()) {
      names.addAll(XYData.rows(data).getJsonObject(0).fieldNames());
    }
    return names;
  }

  private static double[] widths(List<String> columns, JsonArray rows, int shown, FontMetrics header,
                                 FontMetrics body, double total) {
    double[] w = new double[columns.size()];
    double sum = 0;
    for (int c = 0; c < w.length; c++) {
      w[c] = header.stringWidth(columns.get(c));
      for (int r = 0; r < shown; r++) {
        w[c] = Math.max(w[c], body.stringWidth(Values.text(rows.getJsonObject(r).getValue(columns.get(c)))));
      }
      w[c] = Math.min(w[c], total * 0.4) + 2 * CELL_PAD;
      sum += w[c];
    }
    for (int c = 0; c < w.length; c++) {
      w[c] = sum > total ? w[c] * total / sum : w[c] + (total - sum) / w.length;
    }
    return w;
  }

  private static void row(Graphics2D g, List<Object> cells, double x, double y, int height, double[] widths,
                          boolean[] right, Font font, java.awt.Color color) {
    g.setFont(font);
    g.setColor(color);
    FontMetrics fm = g.getFontMetrics(font);
    float baseline = (float) (y + (height + fm.getAscent() - fm.getDescent()) / 2.0);
    for (int c = 0; c < widths.length; c++) {
      String text = fit(Values.text(cells.get(c)), fm, widths[c] - 2 * CELL_PAD);
      double tx = right[c] ? x + widths[c] - CELL_PAD - fm.stringWidth(text) : x + CELL_PAD;
      g.drawString(text, (float) tx, baseline);
      x += widths[c];
    }
  }

  /** The text cut with an ellipsis to fit the width. */
  static String fit(String text, FontMetrics fm, double width) {
    if (fm.stringWidth(text) <= width) {
      return text;
    }
    int lo = 0, hi = text.length();
    while (lo < hi) {
      int mid = (lo + hi + 1) / 2;
      if (fm.stringWidth(text.substring(0, mid) + "…") <= width) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo == 0 ? "" : text.substring(0, lo) + "…";
  }
}
