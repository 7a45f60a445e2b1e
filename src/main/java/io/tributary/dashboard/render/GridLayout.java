package io.tributary.dashboard.render;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Places visualizations by their grid positions ({x, y, width, height} on a 12-column grid whose rows are
 * {@value #ROW_PER_WIDTH} of the canvas width high, i.e. 80 px at 1600) into pixel rectangles below a header.
 * Out-of-range positions are clamped; a viz without a position goes full width below the others.
 */
final class GridLayout {

  static final int COLUMNS = 12;
  static final double ROW_PER_WIDTH = 0.05;
  static final int MARGIN = 16;
  static final int GAP = 12;
  static final int DEFAULT_HEIGHT_ROWS = 4;

  /** A viz and its cell in grid units. */
  record Cell(JsonObject viz, int x, int y, int width, int height) {
  }

  /** A viz and its rectangle on the canvas. */
  record Tile(JsonObject viz, Rectangle2D box) {
  }

  private GridLayout() {
  }

  /** The vizzes' cells in reading order (top to bottom, then left to right). */
  static List<Cell> cells(JsonArray visualizations) {
    List<Cell> cells = new ArrayList<>();
    List<JsonObject> unplaced = new ArrayList<>();
    int bottom = 0;
    for (int i = 0; i < visualizations.size(); i++) {
      JsonObject viz = visualizations.getJsonObject(i);
      JsonObject p = viz.getJsonObject("position");
      if (p == null) {
        unplaced.add(viz);
        continue;
      }
      int x = clamp(p.getInteger("x", 0), 0, COLUMNS - 1);
      int w = clamp(p.getInteger("width", COLUMNS), 1, COLUMNS - x);
      int y = Math.max(0, p.getInteger("y", 0));
      int h = clamp(p.getInteger("height", DEFAULT_HEIGHT_ROWS), 1, 48);
      cells.add(new Cell(viz, x, y, w, h));
      bottom = Math.max(bottom, y + h);
    }
    for (JsonObject viz : unplaced) {
      cells.add(new Cell(viz, 0, bottom, COLUMNS, DEFAULT_HEIGHT_ROWS));
      bottom += DEFAULT_HEIGHT_ROWS;
    }
    cells.sort(Comparator.comparingInt(Cell::y).thenComparingInt(Cell::x));
    return cells;
  }

  /** Grid rows used by the cells. */
  static int rows(List<Cell> cells) {
    return cells.stream().mapToInt(c -> c.y() + c.height()).max().orElse(0);
  }

  /** The canvas height that gives rows their natural height at this width, below a header. */
  static int naturalHeight(List<Cell> cells, int width, int header) {
    return header + 2 * MARGIN + (int) Math.round(rows(cells) * rowHeight(width)) - GAP;
  }

  static double rowHeight(int width) {
    return width * ROW_PER_WIDTH;
  }

  /** Rectangles on a {@code width × height} canvas whose top {@code header} pixels are taken. */
  static List<Tile> place(List<Cell> cells, int width, int height, int header) {
    double column = (width - 2.0 * MARGIN + GAP) / COLUMNS;
    int rows = Math.max(1, rows(cells));
    double row = (height - header - 2.0 * MARGIN + GAP) / rows;
    List<Tile> tiles = new ArrayList<>();
    for (Cell c : cells) {
      double x = MARGIN + c.x() * column;
      double y = header + MARGIN + c.y() * row;
      tiles.add(new Tile(c.viz(), new Rectangle2D.Double(x, y, c.width() * column - GAP,
        Math.max(1, c.height() * row - GAP))));
    }
    return tiles;
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
