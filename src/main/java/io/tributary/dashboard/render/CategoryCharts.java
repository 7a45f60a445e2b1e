package io.tributary.dashboard.render;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPosition;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.CategoryLabelWidthType;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.StandardPieSectionLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PiePlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.CategoryItemRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.text.TextBlockAnchor;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.general.DefaultPieDataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.font.FontRenderContext;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Bar charts (grouped or stacked), line charts over text x, and pie charts. Values of the same x label (and
 * series) are summed; categories keep the order of the rows.
 */
final class CategoryCharts {

  /** Pie slices drawn at most; smaller ones are merged into "Other". */
  static final int MAX_SLICES = 10;
  private static final Color OTHER = new Color(0xAAB2BB);
  /** Labels at 45° that may be as long as 1.5 times the plot's height before they wrap. */
  private static final CategoryLabelPositions UP_45_WIDE = CategoryLabelPositions.replaceBottomPosition(
    CategoryLabelPositions.UP_45, new CategoryLabelPosition(RectangleAnchor.TOP, TextBlockAnchor.TOP_RIGHT,
      TextAnchor.TOP_RIGHT, -Math.PI / 4, CategoryLabelWidthType.RANGE, 1.5f));

  private final ChartStyle style;

  CategoryCharts(ChartStyle style) {
    this.style = style;
  }

  /** A bar chart, or a line chart when the x values are text. */
  JFreeChart bars(VizSpec spec, JsonObject data, int plotWidth) {
    Set<String> order = new LinkedHashSet<>();
    Map<String, Map<String, Double>> sums = sums(spec, data, order);
    List<String> notes = new ArrayList<>();
    List<String> categories = new ArrayList<>(order);
    int maxCategories = Math.max(5, plotWidth / 8);
    String shown = "";
    if (categories.size() > maxCategories) {
      shown = String.format(Locale.ROOT, "Showing the first %,d of %,d categories", maxCategories, categories.size());
      categories = categories.subList(0, maxCategories);
    }
    List<String> keys = new ArrayList<>(sums.keySet());
    if (keys.size() > XYCharts.MAX_SERIES) {
      notes.add("Showing the first " + XYCharts.MAX_SERIES + " of " + keys.size() + " series");
      keys = keys.subList(0, XYCharts.MAX_SERIES);
    }
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    int hidden = 0;
    for (String key : keys) {
      for (String category : categories) {
        Double v = sums.get(key).get(category);
        if (v != null && spec.logY() && v <= 0) {
          hidden++;
          v = null;
        }
        dataset.addValue(v, key, category);
      }
    }
    if (hidden > 0) {
      notes.add(XYCharts.hiddenNote(hidden));
    }
    CategoryAxis domain = new CategoryAxis(spec.xAxisLabel());
    domain.setCategoryMargin(0.15);
    domain.setLowerMargin(0.01);
    domain.setUpperMargin(0.01);
    domain.setMaximumCategoryLabelLines(2);
    double slot = plotWidth / (double) Math.max(1, categories.size());
    if (slot < ChartStyle.TICK_PX * 1.6) {
      domain.setTickLabelsVisible(false);
      shown = shown.isEmpty() ? "Too many categories to label" : shown + ", too many to label";
    } else if (widestLabel(categories) + 6 > slot * 0.95) {
      domain.setCategoryLabelPositions(UP_45_WIDE);
    }
    if (!shown.isEmpty()) {
      notes.add(0, shown);
    }
    boolean line = spec.type().equals("line");
    ValueAxis range = spec.logY() ? XYCharts.logAxis(spec.yAxisLabel(), 0) : new NumberAxis(spec.yAxisLabel());
    if (line && range instanceof NumberAxis n) {
      n.setAutoRangeIncludesZero(false);
    }
    CategoryPlot plot = new CategoryPlot(dataset, domain, range, line ? lineRenderer(keys.size())
      : barRenderer(spec.stacked(), keys.size()));
    return style.chart(spec.title(), plot, keys.size() > 1, notes);
  }

  /** The width in pixels of the widest category label. */
  private double widestLabel(List<String> categories) {
    java.awt.Font font = style.font(false, ChartStyle.TICK_PX);
    FontRenderContext frc = new FontRenderContext(null, true, true);
    double widest = 0;
    for (String c : categories) {
      widest = Math.max(widest, font.getStringBounds(c, frc).getWidth());
    }
    return widest;
  }

  /** A pie of y[0] per x label; non-positive totals are left out and named in a note. */
  JFreeChart pie(VizSpec spec, JsonObject data) {
    VizSpec single = new VizSpec(spec.id(), spec.title(), spec.type(), spec.x(), List.of(spec.y().get(0)), null,
      false, false, null, null);
    Map<String, Double> totals = sums(single, data, new LinkedHashSet<>()).getOrDefault(spec.y().get(0), Map.of());
    List<Map.Entry<String, Double>> slices = new ArrayList<>(totals.entrySet());
    int dropped = slices.size();
    slices.removeIf(e -> e.getValue() <= 0);
    dropped -= slices.size();
    DefaultPieDataset<String> dataset = new DefaultPieDataset<>();
    if (slices.size() > MAX_SLICES) {
      List<Map.Entry<String, Double>> bySize = new ArrayList<>(slices);
      bySize.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
      List<Map.Entry<String, Double>> top = bySize.subList(0, MAX_SLICES - 1);
      double other = bySize.subList(MAX_SLICES - 1, bySize.size()).stream().mapToDouble(Map.Entry::getValue).sum();
      slices.retainAll(top);
      slices.forEach(e -> dataset.setValue(e.getKey(), e.getValue()));
      dataset.setValue("Other", other);
    } else {
      slices.forEach(e -> dataset.setValue(e.getKey(), e.getValue()));
    }
    PiePlot<String> plot = new PiePlot<>(dataset);
    for (int i = 0; i < dataset.getItemCount(); i++) {
      String key = dataset.getKey(i);
      plot.setSectionPaint(key, key.equals("Other") && i == MAX_SLICES - 1 ? OTHER : ChartStyle.series(i));
    }
    plot.setSectionOutlinesVisible(true);
    plot.setDefaultSectionOutlinePaint(Color.WHITE);
    plot.setDefaultSectionOutlineStroke(new BasicStroke(1.5f));
    plot.setShadowPaint(null);
    plot.setInteriorGap(0.06);
    plot.setLabelGenerator(new StandardPieSectionLabelGenerator("{0} ({2})", Locale.ROOT));
    plot.setLabelFont(style.font(false, ChartStyle.TICK_PX));
    plot.setLabelPaint(Palette.TEXT);
    plot.setLabelBackgroundPaint(Color.WHITE);
    plot.setLabelOutlinePaint(null);
    plot.setLabelShadowPaint(null);
    plot.setLabelLinkPaint(Palette.AXIS);
    List<String> notes = dropped > 0
      ? List.of(String.format(Locale.ROOT, "%,d labels with a total ≤ 0 not shown", dropped)) : List.of();
    return style.chart(spec.title(), plot, false, notes);
  }

  /** Series key → (x label → summed y), in order of first appearance; the x labels' order goes to order. */
  private static Map<String, Map<String, Double>> sums(VizSpec spec, JsonObject data, Set<String> order) {
    XYData.requireColumn(data, spec.x());
    spec.y().forEach(y -> XYData.requireColumn(data, y));
    if (spec.series() != null) {
      XYData.requireColumn(data, spec.series());
    }
    JsonArray rows = XYData.rows(data);
    Map<String, Map<String, Double>> sums = new LinkedHashMap<>();
    boolean many = spec.y().size() > 1;
    for (int i = 0; i < rows.size(); i++) {
      JsonObject row = rows.getJsonObject(i);
      String category = Values.text(row.getValue(spec.x()));
      order.add(category);
      String group = spec.series() == null ? null : Values.text(row.getValue(spec.series()));
      for (String y : spec.y()) {
        double v = Values.number(row.getValue(y));
        String key = group == null ? y : many ? group + " · " + y : group;
        Map<String, Double> byCategory = sums.computeIfAbsent(key, k -> new LinkedHashMap<>());
        if (Double.isFinite(v)) {
          byCategory.merge(category, v, Double::sum);
        } else {
          byCategory.putIfAbsent(category, null);
        }
      }
    }
    return sums;
  }

  private static CategoryItemRenderer barRenderer(boolean stacked, int count) {
    BarRenderer r = stacked ? new StackedBarRenderer() : new BarRenderer();
    r.setBarPainter(new StandardBarPainter());
    r.setShadowVisible(false);
    r.setDrawBarOutline(false);
    r.setItemMargin(0.04);
    r.setMaximumBarWidth(0.12);
    for (int i = 0; i < count; i++) {
      r.setSeriesPaint(i, ChartStyle.series(i), false);
    }
    return r;
  }

  private static CategoryItemRenderer lineRenderer(int count) {
    LineAndShapeRenderer r = new LineAndShapeRenderer(true, true);
    for (int i = 0; i < count; i++) {
      r.setSeriesPaint(i, ChartStyle.series(i), false);
      r.setSeriesStroke(i, new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND), false);
      r.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6), false);
    }
    return r;
  }
}
