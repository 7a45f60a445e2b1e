package io.tributary.dashboard.render;

import io.vertx.core.json.JsonObject;
import org.jfree.chart.JFreeChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;

/**
 * Draws one visualization from its data (the query API's {columns, results, ...}): line, bar, scatter and pie
 * with JFreeChart, number and table by hand. Long line and scatter series are reduced to about 2 points per
 * pixel of width first. Thread-safe and blocking: call it from a worker thread.
 */
public final class ChartRenderer {

  private static final Logger LOG = LoggerFactory.getLogger(ChartRenderer.class);

  private final ChartStyle style;
  private final XYCharts xy;
  private final CategoryCharts categories;
  private final TextTiles text;

  /** A renderer with the shared DejaVu fonts. */
  public ChartRenderer() {
    this(Fonts.shared());
  }

  public ChartRenderer(Fonts fonts) {
    style = new ChartStyle(fonts);
    xy = new XYCharts(style);
    categories = new CategoryCharts(style);
    text = new TextTiles(style);
  }

  /** The viz as an opaque image of {@code width × height} pixels. */
  public BufferedImage render(JsonObject viz, JsonObject data, int width, int height) {
    return render(viz, data, width, height, 1);
  }

  /** The viz laid out for {@code width × height} and drawn at {@code scale} times the pixels (sharper print). */
  public BufferedImage render(JsonObject viz, JsonObject data, int width, int height, double scale) {
    if (width < 1 || height < 1 || scale <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + width + " x " + height + " at " + scale);
    }
    BufferedImage image = new BufferedImage((int) Math.ceil(width * scale), (int) Math.ceil(height * scale),
      BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Palette.TILE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.scale(scale, scale);
      draw(g, new Rectangle2D.Double(0, 0, width, height), viz, data);
    } finally {
      g.dispose();
    }
    return image;
  }

  /**
   * Draws the viz into the area. A viz that cannot be drawn from this data (unknown chart type, a column the
   * data lacks, no data) becomes a placeholder saying why, so one bad viz never fails a whole export.
   */
  public void draw(Graphics2D g, Rectangle2D area, JsonObject viz, JsonObject data) {
    ChartStyle.hints(g);
    String title = viz.getString("title", "");
    if (data == null) {
      text.placeholder(g, area, title, "No data");
      return;
    }
    if (data.getValue("error") != null) {
      Object error = data.getValue("error");
      String message = error instanceof JsonObject e ? e.getString("message", "error") : String.valueOf(error);
      text.placeholder(g, area, title, "Query failed: " + message);
      return;
    }
    try {
      VizSpec spec = VizSpec.of(viz);
      switch (spec.type()) {
        case "number" -> text.number(g, area, spec, data);
        case "table" -> text.table(g, area, spec, data);
        default -> chart(spec, data, (int) area.getWidth(), (int) area.getHeight()).draw(g, area);
      }
    } catch (IllegalArgumentException e) {
      LOG.debug("viz {} drawn as a placeholder: {}", viz.getString("viz_id"), e.getMessage());
      text.placeholder(g, area, title, "Cannot draw: " + e.getMessage());
    }
  }

  /** The JFreeChart of a line, bar, scatter or pie viz at this size; null for number and table. */
  public JFreeChart chart(JsonObject viz, JsonObject data, int width, int height) {
    VizSpec spec = VizSpec.of(viz);
    return spec.type().equals("number") || spec.type().equals("table") ? null : chart(spec, data, width, height);
  }

  private JFreeChart chart(VizSpec spec, JsonObject data, int width, int height) {
    int plotWidth = Math.max(50, width - 90);
    int plotHeight = Math.max(50, height - 90);
    return switch (spec.type()) {
      case "pie" -> categories.pie(spec, data);
      case "bar" -> categories.bars(spec, data, plotWidth);
      default -> {
        XYData series = XYData.read(spec, data, XYCharts.MAX_SERIES);
        yield spec.type().equals("line") && series.xKind == Values.Kind.TEXT
          ? categories.bars(spec, data, plotWidth) : xy.build(spec, series, plotWidth, plotHeight);
      }
    };
  }
}
