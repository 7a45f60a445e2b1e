package io.tributary.profile;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/**
 * The profile of a dataset as users see it: per-column figures, the quality issues with their severities, and the
 * quality score. File profiles ({@link DatasetProfiler}, exact figures) and stream profiles (merged sketches,
 * {@code approximate}) both render through {@link #render}, so the same figures give the same issues and score.
 *
 * <h2>Issues</h2>
 * <ul>
 *   <li>{@code empty_dataset} (column null, medium): no rows.</li>
 *   <li>{@code duplicates} (column null): duplicate_rows &gt; 0; severity by duplicate_rows / row_count.</li>
 *   <li>{@code high_nulls} (high): more than 50% of the column is null.</li>
 *   <li>{@code all_null} (medium): every value of the column is null (also reported as high_nulls).</li>
 *   <li>{@code constant} (low): at least two rows, no nulls and exactly one distinct value.</li>
 *   <li>{@code outliers}: a numeric column with at least {@value #MIN_VALUES_FOR_OUTLIERS} values has values
 *       below {@code Q1 − 1.5 × IQR} or above {@code Q3 + 1.5 × IQR}; severity by their share of its values.</li>
 * </ul>
 * Severity by share: &gt; 10% high, &gt; 1% medium, otherwise low.
 *
 * <h2>Quality score</h2>
 * <pre>
 * completeness = 1 − (sum of null_count) / (row_count × column_count)
 * uniqueness   = 1 − duplicate_rows / row_count       (1 when duplicate_rows is unknown: streams)
 * validity     = 1 − (sum of outliers) / (row_count × numeric columns)   (1 without numeric columns;
 *                a column's outliers count at most its values)
 * quality_score = round(0.5 × completeness + 0.3 × uniqueness + 0.2 × validity, 4 decimals)
 * </pre>
 * A dataset with no rows or no columns scores 1.0 (the {@code empty_dataset} issue flags it).
 */
public final class QualityReport {

  /** Numeric columns with fewer values than this get no outlier analysis. */
  public static final int MIN_VALUES_FOR_OUTLIERS = 4;
  /** The factor of the outlier rule: fences at Q1 − 1.5 × IQR and Q3 + 1.5 × IQR. */
  public static final double IQR_FACTOR = 1.5;

  private QualityReport() {
  }

  /** Q1, Q3 and the outlier fences derived from them. */
  public record Fences(double q1, double q3, double low, double high) {

    /** The fences of the 1.5×IQR rule, or null when a quartile is missing or a fence is not finite. */
    public static Fences of(Double q1, Double q3) {
      if (q1 == null || q3 == null) {
        return null;
      }
      double iqr = q3 - q1;
      double low = q1 - IQR_FACTOR * iqr;
      double high = q3 + IQR_FACTOR * iqr;
      return Double.isFinite(low) && Double.isFinite(high) ? new Fences(q1, q3, low, high) : null;
    }
  }

  /**
   * One column's figures.
   *
   * @param values   non-null values
   * @param distinct distinct non-null values
   * @param min      JSON-safe minimum (null when none)
   * @param mean     null for non-numeric columns
   * @param fences   null when the column got no outlier analysis
   * @param outliers values outside the fences
   */
  public record Column(String name, String type, boolean numeric, long values, long distinct, Object min, Object max,
                       Double mean, Double stdDev, Fences fences, long outliers) {
  }

  /**
   * The profile {@code {row_count, column_count, duplicate_rows, quality_score, columns, issues}}; with
   * {@code approximate}, the profile and each column carry {@code "approximate": true} and outlier counts read as
   * estimates.
   *
   * @param duplicateRows null when unknown
   */
  public static JsonObject render(long rows, Long duplicateRows, List<Column> columns, boolean approximate) {
    JsonArray cols = new JsonArray();
    JsonArray issues = new JsonArray();
    long totalNulls = 0;
    long outlierCells = 0;
    int numericColumns = 0;
    if (rows == 0) {
      issues.add(issue(null, "empty_dataset", "medium", "The dataset has no rows."));
    }
    if (duplicateRows != null && duplicateRows > 0) {
      double share = (double) duplicateRows / rows;
      issues.add(issue(null, "duplicates", severity(share), String.format(Locale.ROOT,
          "%d of %d rows (%s%%) repeat an earlier row exactly.", duplicateRows, rows, pct(100.0 * share))));
    }
    for (Column c : columns) {
      long nulls = rows - c.values();
      totalNulls += nulls;
      JsonObject o = new JsonObject()
          .put("name", c.name())
          .put("type", c.type())
          .put("null_count", nulls)
          .put("null_percentage", rows == 0 ? 0.0 : round(100.0 * nulls / rows, 2))
          .put("unique_count", c.distinct())
          .put("min", c.min())
          .put("max", c.max())
          .put("mean", c.numeric() ? c.mean() : null)
          .put("std_dev", c.numeric() ? c.stdDev() : null);
      if (approximate) {
        o.put("approximate", true);
      }
      cols.add(o);
      columnIssues(c, rows, nulls, issues);
      if (c.numeric()) {
        numericColumns++;
        long outliers = outliers(c);
        outlierCells += outliers;
        if (outliers > 0) {
          issues.add(outlierIssue(c, outliers, approximate));
        }
      }
    }
    double score = 1.0;
    if (rows > 0 && !columns.isEmpty()) {
      double completeness = 1.0 - (double) totalNulls / ((double) rows * columns.size());
      double uniqueness = duplicateRows == null ? 1.0 : 1.0 - (double) duplicateRows / rows;
      double validity = numericColumns == 0 ? 1.0 : 1.0 - (double) outlierCells / ((double) rows * numericColumns);
      score = round(0.5 * completeness + 0.3 * uniqueness + 0.2 * validity, 4);
    }
    JsonObject profile = new JsonObject()
        .put("row_count", rows)
        .put("column_count", columns.size())
        .put("duplicate_rows", duplicateRows)
        .put("quality_score", score);
    if (approximate) {
      profile.put("approximate", true);
    }
    return profile.put("columns", cols).put("issues", issues);
  }

  private static void columnIssues(Column c, long rows, long nulls, JsonArray issues) {
    if (rows > 0 && 100.0 * nulls / rows > 50.0) {
      issues.add(issue(c.name(), "high_nulls", "high", String.format(Locale.ROOT,
          "Column '%s' is %s%% null (%d of %d rows): low quality.", c.name(), pct(100.0 * nulls / rows), nulls, rows)));
    }
    if (rows > 0 && nulls == rows) {
      issues.add(issue(c.name(), "all_null", "medium",
          String.format(Locale.ROOT, "Column '%s' has no values at all.", c.name())));
    }
    if (rows >= 2 && nulls == 0 && c.distinct() == 1) {
      issues.add(issue(c.name(), "constant", "low",
          String.format(Locale.ROOT, "Column '%s' has the same value in every row.", c.name())));
    }
  }

  /** The column's outliers, none without fences or below the minimum of values; at most its values (estimates). */
  private static long outliers(Column c) {
    if (c.fences() == null || c.values() < MIN_VALUES_FOR_OUTLIERS) {
      return 0;
    }
    return Math.max(0, Math.min(c.values(), c.outliers()));
  }

  private static JsonObject outlierIssue(Column c, long outliers, boolean approximate) {
    double share = (double) outliers / c.values();
    Fences f = c.fences();
    return issue(c.name(), "outliers", severity(share), String.format(Locale.ROOT,
        "Column '%s' has %s%d outlier value(s) (%s%% of its values) outside [%s, %s] (Q1 %s, Q3 %s, 1.5×IQR rule%s).",
        c.name(), approximate ? "about " : "", outliers, pct(100.0 * share), num(f.low()), num(f.high()), num(f.q1()),
        num(f.q3()), approximate ? ", estimated" : ""));
  }

  private static JsonObject issue(String column, String type, String severity, String description) {
    return new JsonObject()
        .put("column", column)
        .put("issue_type", type)
        .put("severity", severity)
        .put("description", description);
  }

  private static String severity(double share) {
    return share > 0.10 ? "high" : share > 0.01 ? "medium" : "low";
  }

  private static String pct(double v) {
    return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  private static String num(double v) {
    BigDecimal b = new BigDecimal(Double.toString(v));
    if (b.scale() > 6) {
      b = b.setScale(6, RoundingMode.HALF_UP);
    }
    return b.stripTrailingZeros().toPlainString();
  }

  private static double round(double v, int decimals) {
    return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
  }
}
