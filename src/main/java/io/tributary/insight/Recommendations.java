package io.tributary.insight;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Recommendations from documented rules over the column summaries, the profile and the findings (README
 * "Insights"); each names its evidence:
 * <ol>
 *   <li>{@code impute} a column with 5–50% nulls, {@code drop} one with more than 50%;</li>
 *   <li>{@code deduplicate} when the profile counted duplicate rows;</li>
 *   <li>{@code cast} a text column whose non-null values parse as numbers (or timestamps) in at least 95% of rows;</li>
 *   <li>{@code cap_outliers} of a column with outliers in at most 5% of its values (winsorise at the expected range);</li>
 *   <li>{@code partition} by the time column (by month beyond 90 days, else by day), or {@code filter} on a text
 *   column of 2–50 values and no nulls;</li>
 *   <li>{@code predict} the numeric column most correlated with another (|r| &ge; 0.5), or the one with the most
 *   significant time trend;</li>
 * </ol>
 * When none applies, {@code index} the column with the most distinct values.
 */
final class Recommendations {

  static final double IMPUTE_NULLS = 0.05;
  static final double DROP_NULLS = 0.5;
  static final double CASTABLE = 0.95;
  static final double MAX_CAPPED = 0.05;

  private Recommendations() {
  }

  static JsonArray of(Analysis a, JsonObject profile, List<JsonObject> trends) {
    List<JsonObject> out = new ArrayList<>();
    nulls(a, out);
    Long counted = profile == null ? null : profile.getLong("duplicate_rows"); // null for streams: not counted
    long duplicates = counted == null ? 0 : counted;
    if (duplicates > 0) {
      out.add(rec("deduplicate", null, "high", "Remove the " + duplicates + " duplicate rows",
        new JsonObject().put("duplicate_rows", duplicates).put("row_count", profile.getLong("row_count", a.rows))));
    }
    for (Analysis.Category c : a.categories.values()) {
      if (c.n() >= 10 && c.numeric() >= CASTABLE * c.n()) {
        out.add(rec("cast", c.column().name(), "medium", "Cast " + c.column().name() + " to DOUBLE: its values are numbers",
          new JsonObject().put("parsable_share", Stats.round((double) c.numeric() / c.n(), 4)).put("target_type", "DOUBLE")));
      } else if (c.n() >= 10 && c.temporal() >= CASTABLE * c.n()) {
        out.add(rec("cast", c.column().name(), "medium", "Cast " + c.column().name() + " to TIMESTAMP: its values are dates",
          new JsonObject().put("parsable_share", Stats.round((double) c.temporal() / c.n(), 4)).put("target_type", "TIMESTAMP")));
      }
    }
    a.outliers.forEach((column, n) -> {
      Analysis.Numeric s = a.numeric.get(column);
      if (n > 0 && n <= MAX_CAPPED * s.n()) {
        out.add(rec("cap_outliers", column, n * 1000 > s.n() ? "medium" : "low",
          "Cap the " + n + " outliers of " + column + " at its expected range, or check them at the source",
          new JsonObject().put("outliers", n).put("share", Stats.round((double) n / s.n(), 4))));
      }
    });
    partition(a, out);
    predict(a, trends, out);
    if (out.isEmpty()) {
      a.categories.values().stream().max(Comparator.comparingLong(Analysis.Category::distinct)).ifPresent(c ->
        out.add(rec("index", c.column().name(), "low", "Filter and join on " + c.column().name()
          + ": it tells rows apart best", new JsonObject().put("distinct_values", c.distinct()).put("rows", a.rows))));
    }
    if (out.isEmpty() && !a.columns.isEmpty()) {
      out.add(rec("review", a.columns.get(0).name(), "low", "No rule applies: the columns analysed are complete "
        + "and without outliers", new JsonObject().put("rows", a.rows).put("columns", a.columns.size())));
    }
    out.sort(Comparator.comparingInt((JsonObject r) -> -Severity.rank(r.getString("priority"))));
    return new JsonArray(new ArrayList<>(out));
  }

  private static void nulls(Analysis a, List<JsonObject> out) {
    if (a.rows == 0) {
      return;
    }
    for (Analysis.Column c : a.columns) {
      long nulls = a.nulls(c);
      double share = (double) nulls / a.rows;
      if (nulls < 0 || share < IMPUTE_NULLS) {
        continue;
      }
      JsonObject evidence = new JsonObject().put("null_count", nulls).put("null_share", Stats.round(share, 4));
      if (share > DROP_NULLS) {
        out.add(rec("drop", c.name(), "high", "Drop " + c.name() + " or fill it at the source: most of it is empty",
          evidence));
      } else {
        out.add(rec("impute", c.name(), share >= 0.2 ? "high" : "medium", "Impute the missing values of " + c.name()
          + (c.kind() == Analysis.Kind.NUMERIC ? " (its median)" : " (its most frequent value)"), evidence));
      }
    }
  }

  private static void partition(Analysis a, List<JsonObject> out) {
    if (a.series != null) {
      double days = (a.series.tmax - a.series.tmin) / 86_400;
      String by = days > 90 ? "month" : "day";
      out.add(rec("partition", a.time.name(), "low", "Partition and filter by " + a.time.name() + " (by " + by + ")",
        new JsonObject().put("span_days", Stats.round(days, 4)).put("rows", a.rows).put("granularity", by)));
      return;
    }
    a.categories.values().stream().filter(c -> c.n() == a.rows && c.distinct() >= 2 && c.distinct() <= 50)
      .min(Comparator.comparingLong(Analysis.Category::distinct)).ifPresent(c -> out.add(rec("filter",
        c.column().name(), "low", "Filter or partition by " + c.column().name() + " (" + c.distinct() + " values)",
        new JsonObject().put("distinct_values", c.distinct()).put("rows", a.rows))));
  }

  private static void predict(Analysis a, List<JsonObject> trends, List<JsonObject> out) {
    trends.stream().filter(t -> "correlation".equals(t.getString("type")))
      .filter(t -> Math.abs(t.getDouble("correlation", 0.0)) >= 0.5).findFirst().ifPresentOrElse(t ->
        out.add(rec("predict", t.getString("column"), "low", "Predict " + t.getString("column") + " from "
          + t.getString("with") + " and the other columns (POST /api/v1/ml/train)", new JsonObject()
          .put("correlation", t.getDouble("correlation")).put("with", t.getString("with")).put("n", t.getLong("n")))),
        () -> trends.stream().filter(t -> "linear_trend".equals(t.getString("type")))
          .filter(t -> Boolean.TRUE.equals(t.getBoolean("significant"))).findFirst().ifPresent(t ->
            out.add(rec("predict", t.getString("column"), "low", "Forecast " + t.getString("column") + " over "
              + a.time.name() + ": it trends " + t.getString("direction"), new JsonObject()
              .put("slope", t.getDouble("slope")).put("p_value", t.getDouble("p_value")).put("r2", t.getDouble("r2"))))));
  }

  static JsonObject rec(String type, String column, String priority, String action, JsonObject evidence) {
    return new JsonObject().put("type", type).put("column", column).put("priority", priority).put("action", action)
      .put("evidence", evidence);
  }
}
