package io.tributary.dashboard.render;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.imageio.ImageIO;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a dashboard ({dashboard_id, name, description?, visualizations}) with its vizzes' data (by viz_id)
 * as a PNG of the grid layout or as a PDF ({@link PdfExport}). Blocking and thread-safe: run it on a worker.
 * Bad sizes throw IllegalArgumentException; a viz that cannot be drawn becomes a placeholder tile.
 */
public final class DashboardExport {

  /** Canvas width when none is asked for. */
  public static final int DEFAULT_WIDTH = 1600;
  /** The largest canvas in pixels (about 160 MB of RGB raster). */
  public static final long MAX_PIXELS = 40_000_000L;

  static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final Fonts fonts;
  private final ChartRenderer charts;
  private final PdfExport pdf;

  public DashboardExport() {
    this(Fonts.shared());
  }

  public DashboardExport(Fonts fonts) {
    this.fonts = fonts;
    this.charts = new ChartRenderer(fonts);
    this.pdf = new PdfExport(charts, fonts);
  }

  /** The items of a data reply ({viz_id, columns, results, ...} each) keyed by viz_id. */
  public static Map<String, JsonObject> byVizId(JsonArray dataItems) {
    Map<String, JsonObject> map = new HashMap<>();
    for (int i = 0; i < dataItems.size(); i++) {
      JsonObject item = dataItems.getJsonObject(i);
      map.put(item.getString("viz_id"), item);
    }
    return map;
  }

  /**
   * The dashboard drawn on a {@code width × height} canvas: width 0 means {@value #DEFAULT_WIDTH}, height 0
   * the layout's natural height at that width.
   */
  public BufferedImage image(JsonObject dashboard, Map<String, JsonObject> data, int width, int height,
                             Instant generatedAt) {
    int w = width <= 0 ? DEFAULT_WIDTH : width;
    boolean described = !dashboard.getString("description", "").isBlank();
    int header = described ? 78 : 56;
    List<GridLayout.Cell> cells = GridLayout.cells(visualizations(dashboard));
    // the natural height of a dashboard without visualizations is its header alone: still a drawable page
    int h = height <= 0 ? Math.max(header + 100, GridLayout.naturalHeight(cells, w, header)) : height;
    if (w < 200 || h < header + 100 || (long) w * h > MAX_PIXELS) {
      throw new IllegalArgumentException("canvas " + w + " x " + h + " is out of range (at least 200 x "
        + (header + 100) + ", at most " + MAX_PIXELS + " pixels)");
    }
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      ChartStyle.hints(g);
      g.setColor(Palette.CANVAS);
      g.fillRect(0, 0, w, h);
      header(g, dashboard, w, generatedAt);
      if (cells.isEmpty()) {
        Font note = fonts.awt(false, 15f);
        g.setFont(note);
        g.setColor(Palette.MUTED);
        String text = "This dashboard has no visualizations yet";
        g.drawString(text, (w - g.getFontMetrics(note).stringWidth(text)) / 2, header + (h - header) / 2);
      }
      for (GridLayout.Tile tile : GridLayout.place(cells, w, h, header)) {
        Rectangle2D box = tile.box();
        g.setColor(Palette.TILE);
        g.fill(new RoundRectangle2D.Double(box.getX(), box.getY(), box.getWidth(), box.getHeight(), 10, 10));
        g.setColor(Palette.BORDER);
        g.draw(new RoundRectangle2D.Double(box.getX(), box.getY(), box.getWidth(), box.getHeight(), 10, 10));
        Rectangle2D inner = new Rectangle2D.Double(box.getX() + 1, box.getY() + 1, box.getWidth() - 2,
          box.getHeight() - 2);
        Graphics2D tg = (Graphics2D) g.create();
        try {
          tg.clip(inner);
          charts.draw(tg, inner, tile.viz(), data.get(tile.viz().getString("viz_id")));
        } finally {
          tg.dispose();
        }
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Writes the PNG (see {@link #image}). */
  public void writePng(JsonObject dashboard, Map<String, JsonObject> data, int width, int height,
                       Instant generatedAt, OutputStream out) throws IOException {
    if (!ImageIO.write(image(dashboard, data, width, height, generatedAt), "png", out)) {
      throw new IOException("no PNG writer in this JVM");
    }
  }

  /** The PNG bytes, generated now. */
  public byte[] png(JsonObject dashboard, Map<String, JsonObject> data, int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 18);
    try {
      writePng(dashboard, data, width, height, Instant.now(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes the PDF: heading, charts as images, every table viz as a paginated table of all its rows. */
  public void writePdf(JsonObject dashboard, Map<String, JsonObject> data, Instant generatedAt, OutputStream out)
    throws IOException {
    pdf.write(dashboard, data, generatedAt, out);
  }

  /** The PDF bytes, generated now. */
  public byte[] pdf(JsonObject dashboard, Map<String, JsonObject> data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 18);
    try {
      writePdf(dashboard, data, Instant.now(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes either format to a file ("png" or "pdf"; width and height apply to PNG only). */
  public void write(String format, JsonObject dashboard, Map<String, JsonObject> data, int width, int height,
                    Instant generatedAt, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      switch (format) {
        case "png" -> writePng(dashboard, data, width, height, generatedAt, out);
        case "pdf" -> writePdf(dashboard, data, generatedAt, out);
        default -> throw new IllegalArgumentException("format must be png or pdf, got '" + format + "'");
      }
    }
  }

  static JsonArray visualizations(JsonObject dashboard) {
    JsonArray v = dashboard.getJsonArray("visualizations");
    return v == null ? new JsonArray() : v;
  }

  private void header(Graphics2D g, JsonObject dashboard, int width, Instant generatedAt) {
    int x = GridLayout.MARGIN + 2;
    Font name = fonts.awt(true, 22f);
    Font small = fonts.awt(false, 13f);
    FontMetrics nm = g.getFontMetrics(name);
    FontMetrics sm = g.getFontMetrics(small);
    String stamp = "Generated " + STAMP.format(generatedAt);
    int stampWidth = sm.stringWidth(stamp);
    int room = width - 2 * x - stampWidth - 24;
    g.setFont(name);
    g.setColor(Palette.TEXT);
    g.drawString(TextTiles.fit(dashboard.getString("name", ""), nm, room), x, GridLayout.MARGIN + nm.getAscent());
    g.setFont(small);
    g.setColor(Palette.MUTED);
    g.drawString(stamp, width - x - stampWidth, GridLayout.MARGIN + nm.getAscent());
    String description = dashboard.getString("description", "");
    if (!description.isBlank()) {
      g.drawString(TextTiles.fit(description.strip().replaceAll("\\s+", " "), sm, width - 2 * x), x,
        GridLayout.MARGIN + nm.getHeight() + 4 + sm.getAscent());
    }
  }
}
