package io.tributary.stream;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The live profile of a stream's dataset, kept by merging each batch's {@link ColumnStats} (no rescan). It renders
 * the same shape as an upload's profile with the same issue rules and score formula (DatasetProfiler), except:
 * {@code unique_count} is an HLL estimate and outliers are counted from KLL quantiles (both flagged
 * {@code "approximate": true}), and {@code duplicate_rows} is null (whole-row duplicates are not mergeable),
 * so the score's uniqueness term counts as 1.
 */
final class StreamProfile {

  private static final int MIN_VALUES_FOR_OUTLIERS = 4;

  long rows;
  final Map<String, ColumnStats> columns = new LinkedHashMap<>();

  static StreamProfile fromJson(JsonObject state) {
    StreamProfile p = new StreamProfile();
    if (state != null) {
      p.rows = state.getLong("rows", 0L);
      JsonObject cols = state.getJsonObject("columns", new JsonObject());
      for (String name : state.getJsonArray("order", new JsonArray()).stream().map(Object::toString).toList()) {
        p.columns.put(name, ColumnStats.fromJson(cols.getJsonObject(name)));
      }
    }
    return p;
  }

  JsonObject toJson() {
    JsonObject cols = new JsonObject();
    columns.forEach((name, stats) -> cols.put(name, stats.toJson()));
    return new JsonObject().put("rows", rows).put("order", new JsonArray(columns.keySet().stream().toList()))
      .put("columns", cols);
  }

  /** Adds one batch: its rows and its columns' statistics (columns new to the stream are appended). */
  void merge(StreamProfile batch) {
    rows += batch.rows;
    batch.columns.forEach((name, stats) -> {
      ColumnStats mine = columns.get(name);
      if (mine == null) {
        columns.put(name, stats);
      } else {
        mine.merge(stats);
      }
    });
  }

  /** The profile of the contract ({@code GET /api/v1/data/profile/{id}}). */
  JsonObject render() {
    JsonArray cols = new JsonArray();
    JsonArray issues = new JsonArray();
    long totalNulls = 0;
    long outlierCells = 0;
    int numericColumns = 0;
    if (rows == 0) {
      issues.add(issue(null, "empty_dataset", "medium", "The dataset has no rows."));
    }
    for (var e : columns.entrySet()) {
      String name = e.getKey();
      ColumnStats c = e.getValue();
      boolean numeric = StreamSchema.numeric(c.type);
      long nulls = rows - c.values;
      totalNulls += nulls;
      long distinct = c.distinctEstimate();
      cols.add(new JsonObject()
        .put("name", name)
        .put("type", c.type)
        .put("null_count", nulls)
        .put("null_percentage", rows == 0 ? 0.0 : round(100.0 * nulls / rows, 2))
        .put("unique_count", distinct)
        .put("min", bound(c, true))
        .put("max", bound(c, false))
        .put("mean", numeric && c.values > 0 && Double.isFinite(c.mean) ? c.mean : null)
        .put("std_dev", numeric ? finite(c.stdDev()) : null)
        .put("approximate", true));
      if (rows > 0 && 100.0 * nulls / rows > 50.0) {
        issues.add(issue(name, "high_nulls", "high", String.format(Locale.ROOT,
          "Column '%s' is %s%% null (%d of %d rows): low quality.", name, pct(100.0 * nulls / rows), nulls, rows)));
      }
      if (rows > 0 && nulls == rows) {
        issues.add(issue(name, "all_null", "medium", String.format(Locale.ROOT, "Column '%s' has no values at all.", name)));
      }
      if (rows >= 2 && nulls == 0 && distinct == 1) {
        issues.add(issue(name, "constant", "low",
          String.format(Locale.ROOT, "Column '%s' has the same value in every row.", name)));
      }
      if (numeric) {
        numericColumns++;
        double[] q = c.quartiles(MIN_VALUES_FOR_OUTLIERS);
        if (q != null) {
          double iqr = q[1] - q[0];
          double low = q[0] - 1.5 * iqr;
          double high = q[1] + 1.5 * iqr;
          long outliers = c.outsideEstimate(low, high);
          outlierCells += outliers;
          if (outliers > 0) {
            double share = (double) outliers / c.values;
            issues.add(issue(name, "outliers", severity(share), String.format(Locale.ROOT,
              "Column '%s' has about %d outlier value(s) (%s%% of its values) outside [%s, %s] "
                + "(Q1 %s, Q3 %s, 1.5×IQR rule, estimated).", name, outliers, pct(100.0 * share), num(low), num(high),
              num(q[0]), num(q[1]))));
          }
        }
      }
    }
    double score = 1.0;
    if (rows > 0 && !columns.isEmpty()) {
      double completeness = 1.0 - (double) totalNulls / ((double) rows * columns.size());
      double validity = numericColumns == 0 ? 1.0 : 1.0 - (double) outlierCells / ((double) rows * numericColumns);
      score = round(0.5 * completeness + 0.3 + 0.2 * Math.max(0, validity), 4);
    }
    return new JsonObject()
      .put("row_count", rows)
      .put("column_count", columns.size())
      .put("duplicate_rows", null)
      .put("quality_score", score)
      .put("approximate", true)
      .put("columns", cols)
      .put("issues", issues);
  }

  private static Object bound(ColumnStats c, boolean min) {
    if (StreamSchema.numeric(c.type)) {
      Double d = min ? c.minNumber : c.maxNumber;
      if (d == null || !Double.isFinite(d)) {
        return null;
      }
      return StreamSchema.BIGINT.equals(c.type) && Math.abs(d) < 9.007199254740992E15 ? (Object) d.longValue() : d;
    }
    String t = min ? c.minText : c.maxText;
    return StreamSchema.BOOLEAN.equals(c.type) && t != null ? (Object) Boolean.valueOf(t) : t;
  }

  private static Double finite(Double d) {
    return d == null || !Double.isFinite(d) ? null : d;
  }

  private static JsonObject issue(String column, String type, String severity, String description) {
    return new JsonObject().put("column", column).put("issue_type", type).put("severity", severity)
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
