package io.tributary.insight;

import io.tributary.llm.LlmClient;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * The prose of a report: a description of each trend (always from templates), the summary and one sentence per
 * anomaly. With a language model configured, the model writes the summary and the anomaly sentences from the
 * computed figures only; without one, or when its call or its answer fails, deterministic templates stand in
 * ({@code summary_source: "template"}). A model failure never fails the report.
 */
final class Narrator {

  static final String SYSTEM = "You explain statistics that were already computed for a dataset. Use only the "
    + "figures given; never compute, guess or add figures. Answer with one JSON object only: "
    + "{\"summary\": \"<at most 4 sentences for a business user>\", \"anomalies\": [\"<one sentence per anomaly, "
    + "in the given order>\"]}.";
  private static final int MAX_SENTENCE = 600;

  private final LlmClient llm;

  Narrator(LlmClient llm) {
    this.llm = llm;
  }

  boolean configured() {
    return llm.configured();
  }

  /**
   * Adds {@code description} to each trend, {@code explanation} to each anomaly, {@code summary} and
   * {@code summary_source} to the report; completes with the report, never fails.
   */
  Future<JsonObject> narrate(String dataset, JsonObject report) {
    report.getJsonArray("trends").forEach(t -> ((JsonObject) t).put("description", describe((JsonObject) t)));
    if (!llm.configured()) {
      return Future.succeededFuture(templates(dataset, report));
    }
    return llm.complete(SYSTEM, prompt(dataset, report))
      .map(answer -> apply(report, answer))
      .otherwise(err -> false)
      .map(ok -> ok ? report.put("summary_source", "llm") : templates(dataset, report));
  }

  /** Puts the model's sentences into the report; false (nothing changed) when the answer is not as asked. */
  static boolean apply(JsonObject report, String answer) {
    int start = answer.indexOf('{');
    int end = answer.lastIndexOf('}');
    if (start < 0 || end <= start) {
      return false;
    }
    JsonObject parsed;
    try {
      parsed = new JsonObject(answer.substring(start, end + 1));
    } catch (DecodeException e) {
      return false;
    }
    Object summary = parsed.getValue("summary");
    Object sentences = parsed.getValue("anomalies");
    JsonArray anomalies = report.getJsonArray("anomalies");
    if (!(summary instanceof String s) || s.isBlank()
      || !(sentences instanceof JsonArray list) || list.size() != anomalies.size()
      || !list.stream().allMatch(x -> x instanceof String str && !str.isBlank())) {
      return false;
    }
    for (int i = 0; i < anomalies.size(); i++) {
      anomalies.getJsonObject(i).put("explanation", clip(list.getString(i)));
    }
    report.put("summary", clip(s));
    return true;
  }

  static String prompt(String dataset, JsonObject report) {
    JsonArray anomalies = new JsonArray();
    report.getJsonArray("anomalies").forEach(o -> {
      JsonObject a = ((JsonObject) o).copy();
      a.remove("explanation");
      anomalies.add(a);
    });
    JsonArray trends = new JsonArray();
    report.getJsonArray("trends").stream().map(JsonObject.class::cast)
      .filter(t -> Boolean.TRUE.equals(t.getBoolean("significant"))).limit(8)
      .forEach(t -> trends.add(t.getString("description")));
    JsonArray recommendations = new JsonArray();
    report.getJsonArray("recommendations").forEach(r -> recommendations.add(((JsonObject) r).getString("action")));
    return new JsonObject().put("dataset", dataset).put("rows", report.getLong("row_count"))
      .put("anomalies", anomalies).put("significant_trends", trends).put("recommendations", recommendations)
      .encodePrettily();
  }

  private static JsonObject templates(String dataset, JsonObject report) {
    report.getJsonArray("anomalies").forEach(o -> ((JsonObject) o).put("explanation", explain((JsonObject) o)));
    return report.put("summary", summary(dataset, report)).put("summary_source", "template");
  }

  static String summary(String dataset, JsonObject report) {
    JsonArray anomalies = report.getJsonArray("anomalies");
    long high = anomalies.stream().filter(a -> "high".equals(((JsonObject) a).getString("severity"))).count();
    JsonArray trends = report.getJsonArray("trends");
    long significant = trends.stream().filter(t -> Boolean.TRUE.equals(((JsonObject) t).getBoolean("significant")))
      .count();
    StringBuilder s = new StringBuilder().append(dataset).append(": ").append(report.getLong("row_count"))
      .append(" rows, ").append(report.getJsonArray("columns_analyzed").size()).append(" columns analysed. ")
      .append(report.getInteger("anomaly_count")).append(" anomalies (").append(high).append(" high severity), ")
      .append(significant).append(" significant trends.");
    if (significant > 0) {
      s.append(" Strongest: ").append(trends.getJsonObject(0).getString("description"));
    }
    JsonArray recs = report.getJsonArray("recommendations");
    if (!recs.isEmpty()) {
      s.append(" First recommendation: ").append(recs.getJsonObject(0).getString("action")).append('.');
    }
    return s.toString();
  }

  static String explain(JsonObject a) {
    String column = a.getString("column");
    JsonArray range = a.getJsonArray("expected_range");
    String where = a.getValue("row_ref") == null ? "" : " at row " + a.getValue("row_ref");
    return switch (a.getString("method")) {
      case "level_shift" -> String.format(Locale.ROOT, "%s shifted %s by %s from %s on (mean %s after, %s before; "
          + "Welch p = %s).", column, "above".equals(a.getString("direction")) ? "up" : "down",
        fmt(Math.abs(a.getDouble("magnitude"))), a.getString("time"), fmt(a.getDouble("value")),
        fmt(a.getDouble("value") - a.getDouble("magnitude")), a.getValue("p_value"));
      case "off_trend" -> String.format(Locale.ROOT, "%s = %s%s (%s) is %s its trend line, outside [%s, %s] "
          + "(residual robust z = %s).", column, fmt(a.getDouble("value")), where, a.getString("time"),
        a.getString("direction"), fmt(range.getDouble(0)), fmt(range.getDouble(1)), fmt(a.getDouble("score")));
      case "iqr" -> String.format(Locale.ROOT, "%s = %s%s is %s the 1.5×IQR fences [%s, %s] (%s IQRs from the "
          + "quartile).", column, fmt(a.getDouble("value")), where, a.getString("direction"), fmt(range.getDouble(0)),
        fmt(range.getDouble(1)), fmt(Math.abs(a.getDouble("score"))));
      default -> String.format(Locale.ROOT, "%s = %s%s is %s the expected range [%s, %s] (robust z = %s).", column,
        fmt(a.getDouble("value")), where, a.getString("direction"), fmt(range.getDouble(0)), fmt(range.getDouble(1)),
        fmt(a.getDouble("score")));
    };
  }

  static String describe(JsonObject t) {
    String c = t.getString("column");
    String sig = Boolean.TRUE.equals(t.getBoolean("significant")) ? "significant" : "not significant";
    return switch (t.getString("type")) {
      case "linear_trend" -> String.format(Locale.ROOT, "%s is %s by %s %s over %s (p = %s, r² = %s, n = %d; %s).",
        c, t.getString("direction"), fmt(t.getDouble("slope")), t.getString("slope_unit").replace('_', ' '),
        t.getString("time_column"), t.getValue("p_value"), t.getValue("r2"), t.getLong("n"), sig);
      case "level_shift" -> String.format(Locale.ROOT, "%s shifted %s by %s at %s (p = %s, n = %d).", c,
        t.getString("direction"), fmt(Math.abs(t.getDouble("magnitude"))), t.getString("change_at"),
        t.getValue("p_value"), t.getLong("n"));
      case "seasonality" -> String.format(Locale.ROOT, "%s varies by %s, highest on %s (F = %s, p = %s, η² = %s; "
          + "%s).", c, t.getString("period").replace('_', ' '), t.getString("peak"), t.getValue("f_statistic"),
        t.getValue("p_value"), t.getValue("r2"), sig);
      case "correlation" -> String.format(Locale.ROOT, "%s and %s are %s correlated (r = %s, slope %s, p = %s, "
          + "n = %d; %s).", c, t.getString("with"), t.getString("direction"), t.getValue("correlation"),
        fmt(t.getDouble("slope")), t.getValue("p_value"), t.getLong("n"), sig);
      case "dominant_category" -> String.format(Locale.ROOT, "%s is mostly '%s' (%s of %d rows, %d categories; "
          + "chi-square p = %s; %s).", c, t.getString("value"), pct(t.getDouble("share")), t.getLong("n"),
        t.getInteger("categories"), t.getValue("p_value"), sig);
      case "skew" -> String.format(Locale.ROOT, "%s is %s-skewed (skewness %s, p = %s, n = %d; %s).", c,
        t.getString("direction"), t.getValue("skewness"), t.getValue("p_value"), t.getLong("n"), sig);
      case "distribution_shift" -> String.format(Locale.ROOT, "%s differs across %s: '%s' is %s by %s pooled SD "
          + "(Kruskal-Wallis H = %s, df = %d, p = %s, epsilon² = %s, n = %d; %s).", c, t.getString("by"),
        t.getString("category"), t.getString("direction"), fmt(Math.abs(t.getDouble("shift_sd"))),
        t.getValue("statistic"), t.getInteger("df"), t.getValue("p_value"), t.getValue("effect_size"), t.getLong("n"),
        sig);
      case "concentration" -> String.format(Locale.ROOT, "The top %s of rows hold %s of the total of %s (n = %d).",
        pct(t.getDouble("top_rows_share")), pct(t.getDouble("share_of_total")), c, t.getLong("n"));
      default -> t.getString("type") + " of " + c;
    };
  }

  private static String fmt(Double v) {
    if (v == null) {
      return "n/a";
    }
    return Stats.round(v, 4) == null ? "n/a" : java.math.BigDecimal.valueOf(Stats.round(v, 4)).stripTrailingZeros()
      .toPlainString();
  }

  private static String pct(Double v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", v * 100);
  }

  private static String clip(String s) {
    String t = s.trim();
    return t.length() <= MAX_SENTENCE ? t : t.substring(0, MAX_SENTENCE);
  }
}
