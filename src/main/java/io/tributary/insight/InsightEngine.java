package io.tributary.insight;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Computes a dataset's anomalies, trends and recommendations with DuckDB over its Parquet files (see
 * {@link InsightContract#GENERATE} for the shapes). Blocking: runs on the insight worker.
 */
final class InsightEngine {

  /** Family-wise error rate of the trends of one report: each test is held to ALPHA / tests (Bonferroni). */
  static final double ALPHA = 0.01;
  static final int MAX_NUMERIC = 30;
  static final int MAX_CATEGORIES = 20;
  static final int MAX_TRENDS = 20;

  private final InsightSettings settings;

  InsightEngine(InsightSettings settings) {
    this.settings = settings;
  }

  /** A request's failure the caller must fix (unknown column, time column of another type). */
  static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
    }
  }

  /**
   * The report of the files; past {@code deadline} its statements are cancelled, its steps stop and the database is
   * closed before {@link Deadline.Passed} is thrown.
   */
  JsonObject generate(List<Path> files, List<String> selected, String timeColumn, JsonObject profile,
                      Deadline deadline) throws SQLException {
    try (InsightDuck duck = InsightDuck.open(files, settings.tempDir(), settings.memoryLimit(), settings.threads(),
      deadline);
         Branches branches = new Branches(duck)) {
      Map<String, Analysis.Column> all = new LinkedHashMap<>();
      for (String[] c : duck.describe(files)) {
        all.put(c[0], new Analysis.Column(c[0], c[1], Analysis.kindOf(c[1])));
      }
      Analysis.Column time = timeColumn(all, timeColumn);
      List<Analysis.Column> analysed = analysed(all, selected, time);
      List<String> load = new ArrayList<>();
      analysed.forEach(c -> load.add(Analysis.loadExpression(c)));
      if (time != null) {
        load.add("epoch_ms(CAST(" + time.sql() + " AS TIMESTAMP)) / 1000.0 AS " + Analysis.TS);
      }
      Steps steps = new Steps();
      duck.load(files, load);
      long rows = InsightDuck.count(duck.row("SELECT count(*) FROM t")[0]);
      steps.done("load");
      Analysis a = new Analysis(rows, analysed, time);
      a.summarize(branches);
      steps.done("summary");
      JsonObject report = report(a, profile, branches, steps);
      return report.put("timings_ms", steps.json.put("steps", branches.timings));
    }
  }

  /** Milliseconds per phase (the steps inside a phase run side by side; {@link Branches#timings} has each). */
  private static final class Steps {
    final JsonObject json = new JsonObject();
    long last = System.nanoTime();

    void done(String step) {
      long now = System.nanoTime();
      json.put(step, (now - last) / 1_000_000);
      last = now;
    }
  }

  /**
   * The findings. Outliers, the time series (its fit and buckets, then each seasonal period and the level shifts), and
   * each time-free trend are independent given the summaries, so they run side by side; their results are gathered in
   * a fixed order, so the report does not depend on which finished first.
   */
  private JsonObject report(Analysis a, JsonObject profile, Branches b, Steps steps) throws SQLException {
    // the longest chains first: fit, then its seasonal periods; the shift sample
    CompletableFuture<TimeSeries> fitted = a.time == null ? CompletableFuture.completedFuture(null)
      : b.start("fit", d -> TimeSeries.of(a, d));
    DistributionShifts.Plan plan = DistributionShifts.plan(a);
    CompletableFuture<DistributionShifts.Plan> sampled = plan == null ? CompletableFuture.completedFuture(null)
      : b.start("shift_sample", d -> {
        DistributionShifts.sample(plan, d);
        return plan;
      });
    List<CompletableFuture<JsonObject>> shiftTests = new ArrayList<>();
    for (Analysis.Column c : plan == null ? List.<Analysis.Column>of() : plan.columns()) {
      shiftTests.add(b.then(sampled, "distribution_shifts", p -> d -> DistributionShifts.test(d, p.by(), c)));
    }
    CompletableFuture<JsonArray> points = b.start("outliers", d -> PointAnomalies.find(a, d));
    List<CompletableFuture<List<JsonObject>>> seasons = new ArrayList<>();
    for (String period : List.of(TimeSeries.WEEKDAY, TimeSeries.HOUR_OF_DAY)) {
      seasons.add(b.then(fitted, "seasonality", ts -> d -> ts == null || !ts.periods(a).contains(period) ? List.of()
        : ts.seasonality(a, d, period)));
    }
    CompletableFuture<List<LevelShifts.Shift>> shifting = b.then(fitted, "level_shifts",
      ts -> d -> ts == null ? List.of() : LevelShifts.find(a, ts, d));
    // points off the line of every column whose trend may be judged significant (p below ALPHA, the highest level any
    // report sets), alongside the other findings rather than after them; the report keeps the significant ones
    CompletableFuture<Map<String, JsonArray>> offTrend = b.then(fitted, "off_trend",
      ts -> d -> ts == null ? Map.of() : ts.offTrend(d, mayBeSignificant(ts.trends(a.time.name()))));
    List<CompletableFuture<List<JsonObject>>> statics = List.of(
      b.start("correlations", d -> Trends.correlations(a, d)),
      b.start("categories", d -> Trends.categories(a, d)),
      b.start("concentration", d -> {
        List<JsonObject> out = new ArrayList<>(Trends.skew(a));
        out.addAll(Trends.concentration(a, d));
        return out;
      }));
    JsonArray anomalies = Branches.join(points);
    a.series = Branches.join(fitted);
    List<JsonObject> trends = new ArrayList<>();
    List<LevelShifts.Shift> shifts = List.of();
    if (a.series != null) {
      trends.addAll(a.series.trends(a.time.name()));
      for (CompletableFuture<List<JsonObject>> s : seasons) {
        trends.addAll(Branches.join(s));
      }
      shifts = Branches.join(shifting);
    }
    trends.addAll(Branches.join(statics.get(0)));
    trends.addAll(Branches.join(statics.get(1)));
    for (CompletableFuture<JsonObject> t : shiftTests) {
      JsonObject shift = Branches.join(t);
      if (shift != null) {
        trends.add(shift);
      }
    }
    trends.addAll(Branches.join(statics.get(2)));
    steps.done("findings");
    judge(trends);
    if (a.series != null) {
      Set<String> trending = new HashSet<>();
      trends.stream().filter(t -> "linear_trend".equals(t.getString("type")) && Boolean.TRUE.equals(t.getBoolean("significant")))
        .forEach(t -> trending.add(t.getString("column")));
      Map<String, JsonArray> off = Branches.join(offTrend);
      for (String column : trending) {
        anomalies.addAll(off.get(column));
      }
      steps.done("off_trend");
    }
    for (LevelShifts.Shift s : shifts) {
      trends.add(s.trend().put("significant", true));
      anomalies.add(s.anomaly());
    }
    trends.sort(Comparator.comparing((JsonObject t) -> !Boolean.TRUE.equals(t.getBoolean("significant")))
      .thenComparingInt(t -> order(t.getString("type")))
      .thenComparingDouble(t -> t.getDouble("p_value") == null ? 1.0 : t.getDouble("p_value")));
    List<JsonObject> kept = trends.subList(0, Math.min(MAX_TRENDS, trends.size()));
    JsonArray ranked = rank(anomalies);
    return new JsonObject().put("row_count", a.rows).put("columns_analyzed", new JsonArray(Analysis.names(a.columns)))
      .put("time_column", a.time == null ? null : a.time.name())
      .put("anomalies", ranked).put("anomaly_count", anomalies.size())
      .put("trends", new JsonArray(new ArrayList<>(kept)))
      .put("recommendations", Recommendations.of(a, profile, kept));
  }

  /**
   * Significance of every tested trend at {@link #ALPHA} over the number of tests; untested ones are null, and one
   * marked {@code negligible} (an effect too small to matter) is never significant.
   */
  static void judge(List<JsonObject> trends) {
    long tests = trends.stream().filter(t -> t.getDouble("p_value") != null).count();
    double level = ALPHA / Math.max(1, tests);
    for (JsonObject t : trends) {
      Double p = t.getDouble("p_value");
      t.put("significant", p == null ? null : p < level && !t.getBoolean("negligible", false));
    }
  }

  /** The columns of the linear trends with a p-value below {@link #ALPHA}: those {@link #judge} may find significant. */
  private static List<String> mayBeSignificant(List<JsonObject> linearTrends) {
    return linearTrends.stream().filter(t -> t.getDouble("p_value") != null && t.getDouble("p_value") < ALPHA)
      .map(t -> t.getString("column")).toList();
  }

  private static int order(String type) {
    return List.of("level_shift", "linear_trend", "seasonality", "correlation", "distribution_shift",
      "dominant_category", "skew", "concentration").indexOf(type);
  }

  /** One anomaly per column and row (the most severe), most severe first, at most {@code max_anomalies}. */
  private JsonArray rank(JsonArray anomalies) {
    Map<String, JsonObject> best = new LinkedHashMap<>();
    for (Object o : anomalies) {
      JsonObject an = (JsonObject) o;
      String key = an.getString("column") + "#" + (an.getValue("row_ref") == null ? an.getString("method")
        : an.getValue("row_ref"));
      JsonObject seen = best.get(key);
      if (seen == null || Math.abs(an.getDouble("score", 0.0)) > Math.abs(seen.getDouble("score", 0.0))) {
        best.put(key, an);
      }
    }
    List<JsonObject> list = new ArrayList<>(best.values());
    list.sort(Comparator.comparingInt((JsonObject an) -> -Severity.rank(an.getString("severity")))
      .thenComparingInt(an -> "level_shift".equals(an.getString("method")) ? 0 : 1)
      .thenComparingDouble(an -> -Math.abs(an.getDouble("score", 0.0))));
    return new JsonArray(new ArrayList<>(list.subList(0, Math.min(settings.maxAnomalies(), list.size()))));
  }

  private static Analysis.Column timeColumn(Map<String, Analysis.Column> all, String name) {
    if (name == null) {
      return all.values().stream().filter(c -> c.kind() == Analysis.Kind.TIME).findFirst().orElse(null);
    }
    Analysis.Column c = all.get(name);
    if (c == null) {
      throw new BadRequest("Unknown time_column: " + name);
    }
    if (c.kind() != Analysis.Kind.TIME) {
      throw new BadRequest("time_column " + name + " is " + c.type() + ", not a date or timestamp");
    }
    return c;
  }

  private static List<Analysis.Column> analysed(Map<String, Analysis.Column> all, List<String> selected,
                                                Analysis.Column time) {
    List<Analysis.Column> chosen = new ArrayList<>();
    if (selected != null) {
      for (String name : selected) {
        if (!all.containsKey(name)) {
          throw new BadRequest("Unknown column: " + name);
        }
      }
    }
    int numeric = 0;
    int categories = 0;
    for (Analysis.Column c : all.values()) {
      if ((selected != null && !selected.contains(c.name())) || c.equals(time)) {
        continue;
      }
      if (c.kind() == Analysis.Kind.NUMERIC && numeric++ < MAX_NUMERIC) {
        chosen.add(c);
      } else if (c.kind() == Analysis.Kind.CATEGORY && categories++ < MAX_CATEGORIES) {
        chosen.add(c);
      }
    }
    return chosen;
  }
}
