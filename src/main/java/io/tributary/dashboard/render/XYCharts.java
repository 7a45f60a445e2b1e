package io.tributary.dashboard.render;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StackedXYAreaRenderer2;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.DefaultTableXYDataset;
import org.jfree.data.xy.DefaultXYDataset;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYSeries;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;

/**
 * Line, stacked-area and scatter charts over numeric or time x. Each series is first reduced to what the plot's
 * pixel size can show ({@link RowDownsampler#keep}); stacked series are summed at the union of their x values,
 * each interpolated linearly between its own points and zero outside its x range.
 */
final class XYCharts {

  /** Series drawn at most; the rest are named in a note. */
  static final int MAX_SERIES = 20;
  private static final int MARKERS_UP_TO = 40;
  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

  private final ChartStyle style;

  XYCharts(ChartStyle style) {
    this.style = style;
  }

  JFreeChart build(VizSpec spec, XYData data, int plotWidth, int plotHeight) {
    List<String> notes = new ArrayList<>();
    if (data.totalSeries > data.series.size()) {
      notes.add("Showing the first " + data.series.size() + " of " + data.totalSeries + " series");
    }
    List<XYData.Series> reduced = new ArrayList<>();
    for (XYData.Series s : data.series) {
      int[] kept = RowDownsampler.keep(spec.type(), s, plotWidth, plotHeight);
      reduced.add(kept == null ? s : subset(s, kept));
    }
    boolean stacked = spec.stacked() && spec.type().equals("line");
    XYDataset dataset = stacked ? stack(reduced) : plain(reduced, spec.logY(), notes);
    ValueAxis domain = data.xKind == Values.Kind.TIME ? time(spec.xAxisLabel(), reduced) : number(spec.xAxisLabel());
    ValueAxis range = spec.logY() && !stacked ? log(spec.yAxisLabel(), reduced) : number(spec.yAxisLabel());
    if (range instanceof NumberAxis n) {
      n.setAutoRangeIncludesZero(stacked);
    }
    if (spec.logY() && stacked) {
      notes.add("Log scale is not used for stacked lines");
    }
    XYPlot plot = new XYPlot(dataset, domain, range, stacked ? area(reduced.size()) : lines(spec, reduced));
    return style.chart(spec.title(), plot, reduced.size() > 1, notes);
  }

  private static XYData.Series subset(XYData.Series s, int[] kept) {
    int[] rows = new int[kept.length];
    double[] x = new double[kept.length];
    double[] y = new double[kept.length];
    for (int i = 0; i < kept.length; i++) {
      rows[i] = s.rows()[kept[i]];
      x[i] = s.x()[kept[i]];
      y[i] = s.y()[kept[i]];
    }
    return new XYData.Series(s.key(), rows, x, y);
  }

  private static XYDataset plain(List<XYData.Series> series, boolean log, List<String> notes) {
    DefaultXYDataset dataset = new DefaultXYDataset();
    int hidden = 0;
    for (XYData.Series s : series) {
      double[] y = s.y();
      if (log) {
        y = y.clone();
        for (int i = 0; i < y.length; i++) {
          if (y[i] <= 0) {
            y[i] = Double.NaN;
            hidden++;
          }
        }
      }
      dataset.addSeries(s.key(), new double[][] {s.x(), y});
    }
    if (hidden > 0) {
      notes.add(hiddenNote(hidden));
    }
    return dataset;
  }

  private static XYDataset stack(List<XYData.Series> series) {
    double[] union = series.stream().flatMapToDouble(s -> Arrays.stream(s.x())).sorted().distinct().toArray();
    DefaultTableXYDataset dataset = new DefaultTableXYDataset();
    for (XYData.Series s : series) {
      XYSeries out = new XYSeries(s.key(), false, false);
      int j = 0;
      for (double x : union) {
        while (j < s.size() - 1 && s.x()[j + 1] <= x) {
          j++;
        }
        out.add(x, valueAt(s, j, x), false);
      }
      dataset.addSeries(out);
    }
    return dataset;
  }

  /** The series' value at x, where j is its last point at or before x (or 0 when x precedes it). */
  private static double valueAt(XYData.Series s, int j, double x) {
    double[] xs = s.x();
    double[] ys = s.y();
    if (x < xs[0] || x > xs[xs.length - 1]) {
      return 0;
    }
    double sum = ys[j];
    for (int k = j - 1; k >= 0 && xs[k] == xs[j]; k--) {
      sum += ys[k];
    }
    if (xs[j] == x || j == xs.length - 1) {
      return sum;
    }
    double t = (x - xs[j]) / (xs[j + 1] - xs[j]);
    return ys[j] + t * (ys[j + 1] - ys[j]);
  }

  private XYItemRenderer lines(VizSpec spec, List<XYData.Series> series) {
    boolean scatter = spec.type().equals("scatter");
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(!scatter, true);
    r.setDrawSeriesLineAsPath(true);
    r.setAutoPopulateSeriesShape(false);
    for (int i = 0; i < series.size(); i++) {
      Color c = ChartStyle.series(i);
      r.setSeriesStroke(i, new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND), false);
      if (scatter) {
        r.setSeriesPaint(i, new Color(c.getRed(), c.getGreen(), c.getBlue(), 170), false);
        r.setSeriesShape(i, new Ellipse2D.Double(-2.5, -2.5, 5, 5), false);
      } else {
        r.setSeriesPaint(i, c, false);
        r.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6), false);
        r.setSeriesShapesVisible(i, series.get(i).size() <= MARKERS_UP_TO);
      }
    }
    return r;
  }

  private static XYItemRenderer area(int count) {
    StackedXYAreaRenderer2 r = new StackedXYAreaRenderer2();
    for (int i = 0; i < count; i++) {
      r.setSeriesPaint(i, ChartStyle.series(i), false);
    }
    return r;
  }

  /** A UTC date axis whose labels carry the date when the range spans days, and the time when within days. */
  private static DateAxis time(String label, List<XYData.Series> series) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (XYData.Series s : series) {
      if (s.size() > 0) {
        lo = Math.min(lo, s.x()[0]);
        hi = Math.max(hi, s.x()[s.size() - 1]);
      }
    }
    double span = hi - lo;
    String pattern = !(span >= 0) ? null : span <= 600_000 ? "HH:mm:ss" : span <= 86_400_000 ? "HH:mm"
      : span <= 10 * 86_400_000d ? "MMM d HH:mm" : span <= 3 * 365 * 86_400_000d ? "yyyy-MM-dd" : "yyyy-MM";
    DateAxis axis = new DateAxis(label, UTC, Locale.ROOT);
    if (pattern != null) {
      SimpleDateFormat format = new SimpleDateFormat(pattern, Locale.ROOT);
      format.setTimeZone(UTC);
      axis.setDateFormatOverride(format);
    }
    return axis;
  }

  private static NumberAxis number(String label) {
    return new NumberAxis(label);
  }

  private static LogAxis log(String label, List<XYData.Series> series) {
    double smallest = Double.POSITIVE_INFINITY;
    for (XYData.Series s : series) {
      for (double y : s.y()) {
        if (y > 0 && y < smallest) {
          smallest = y;
        }
      }
    }
    return logAxis(label, Double.isInfinite(smallest) ? 0 : smallest);
  }

  /** The note under a log-scale chart with values it cannot place. */
  static String hiddenNote(int hidden) {
    return String.format(Locale.ROOT, "%,d %s ≤ 0 not shown on the log scale", hidden,
      hidden == 1 ? "value" : "values");
  }

  /** A log axis ticked at whole powers of ten (or multiples of them), down to half the smallest positive value. */
  static LogAxis logAxis(String label, double smallestPositive) {
    DecimalFormat format = new DecimalFormat("#,##0.#########", DecimalFormatSymbols.getInstance(Locale.ROOT));
    TickUnits units = new TickUnits();
    for (double power : new double[] {1, 2, 3, 5, 10, 20, 50, 100}) {
      units.add(new NumberTickUnit(power, format));
    }
    LogAxis axis = new LogAxis(label);
    axis.setStandardTickUnits(units);
    axis.setNumberFormatOverride(format);
    if (smallestPositive > 0) {
      axis.setSmallestValue(smallestPositive / 2);
    }
    return axis;
  }
}
