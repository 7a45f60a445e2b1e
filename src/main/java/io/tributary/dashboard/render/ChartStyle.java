package io.tributary.dashboard.render;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.util.List;

/** The look shared by every tile: fonts, colours, left-aligned titles, light grid, legend below. */
final class ChartStyle {

  static final float TITLE_PX = 15f;
  static final float LABEL_PX = 12f;
  static final float TICK_PX = 11f;
  static final int PAD = 10;

  private final Fonts fonts;

  ChartStyle(Fonts fonts) {
    this.fonts = fonts;
  }

  Font font(boolean bold, float px) {
    return fonts.awt(bold, px);
  }

  /** A chart around this plot, with its title, notes (smaller, muted) and a legend when asked. */
  JFreeChart chart(String title, Plot plot, boolean legend, List<String> notes) {
    JFreeChart chart = new JFreeChart(title, font(true, TITLE_PX), plot, legend);
    chart.setBackgroundPaint(Palette.TILE);
    chart.setBorderVisible(false);
    chart.setPadding(new RectangleInsets(PAD, PAD, PAD / 2.0, PAD + 4));
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    chart.getRenderingHints().put(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    TextTitle t = chart.getTitle();
    t.setPaint(Palette.TEXT);
    t.setHorizontalAlignment(HorizontalAlignment.LEFT);
    t.setPadding(new RectangleInsets(0, 2, 6, 0));
    for (String note : notes) {
      TextTitle sub = new TextTitle(note, font(false, TICK_PX));
      sub.setPaint(Palette.MUTED);
      sub.setHorizontalAlignment(HorizontalAlignment.LEFT);
      sub.setPadding(new RectangleInsets(0, 2, 4, 0));
      chart.addSubtitle(sub);
    }
    LegendTitle l = chart.getLegend();
    if (l != null) {
      l.setItemFont(font(false, LABEL_PX));
      l.setItemPaint(Palette.TEXT);
      l.setFrame(BlockBorder.NONE);
      l.setBackgroundPaint(null);
      l.setPosition(RectangleEdge.BOTTOM);
    }
    plot.setBackgroundPaint(Palette.TILE);
    plot.setOutlineVisible(false);
    plot.setNoDataMessage("No data");
    plot.setNoDataMessageFont(font(false, LABEL_PX + 2));
    plot.setNoDataMessagePaint(Palette.MUTED);
    if (plot instanceof XYPlot xy) {
      grid(xy.getDomainAxis(), xy.getRangeAxis());
      xy.setDomainGridlinePaint(Palette.GRID);
      xy.setRangeGridlinePaint(Palette.GRID);
      xy.setDomainGridlineStroke(new BasicStroke(1f));
      xy.setRangeGridlineStroke(new BasicStroke(1f));
      xy.setAxisOffset(RectangleInsets.ZERO_INSETS);
    } else if (plot instanceof CategoryPlot cp) {
      grid(cp.getDomainAxis(), cp.getRangeAxis());
      cp.setRangeGridlinePaint(Palette.GRID);
      cp.setRangeGridlineStroke(new BasicStroke(1f));
      cp.setDomainGridlinesVisible(false);
      cp.setAxisOffset(RectangleInsets.ZERO_INSETS);
    }
    return chart;
  }

  private void grid(Axis domain, ValueAxis range) {
    for (Axis a : new Axis[] {domain, range}) {
      a.setLabelFont(font(false, LABEL_PX));
      a.setLabelPaint(Palette.MUTED);
      a.setTickLabelFont(font(false, TICK_PX));
      a.setTickLabelPaint(Palette.MUTED);
      a.setAxisLinePaint(Palette.AXIS);
      a.setTickMarkPaint(Palette.AXIS);
    }
    range.setAxisLineVisible(false);
    range.setTickMarksVisible(false);
  }

  /** Quality hints for drawing tiles by hand. */
  static void hints(Graphics2D g) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
  }

  static Color series(int i) {
    return Palette.series(i);
  }
}
