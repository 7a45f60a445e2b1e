package io.tributary.stream;

import io.tributary.profile.QualityReport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live profile of a stream's dataset, kept by merging each batch's {@link ColumnStats} (no rescan). It renders
 * through {@link QualityReport}, like an upload's profile, except that {@code unique_count} is an HLL estimate and
 * outliers are counted from KLL quantiles (flagged {@code "approximate": true}), and {@code duplicate_rows} is null
 * (whole-row duplicates are not mergeable).
 */
final class StreamProfile {

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

  /** The profile of the contract ({@code GET /api/v1/data/profile/{id}}), by the same rules as a file's. */
  JsonObject render() {
    List<QualityReport.Column> figures = new ArrayList<>();
    columns.forEach((name, c) -> {
      boolean numeric = StreamSchema.numeric(c.type);
      QualityReport.Fences fences = null;
      long outliers = 0;
      double[] q = numeric ? c.quartiles(QualityReport.MIN_VALUES_FOR_OUTLIERS) : null;
      if (q != null) {
        fences = QualityReport.Fences.of(q[0], q[1]);
        outliers = fences == null ? 0 : c.outsideEstimate(fences.low(), fences.high());
      }
      figures.add(new QualityReport.Column(name, c.type, numeric, c.values, c.distinctEstimate(), bound(c, true),
        bound(c, false), numeric && c.values > 0 && Double.isFinite(c.mean) ? c.mean : null,
        numeric ? finite(c.stdDev()) : null, fences, outliers));
    });
    return QualityReport.render(rows, null, figures, true);
  }

  private static Object bound(ColumnStats c, boolean min) {
    if (StreamSchema.numeric(c.type)) {
      Double d = min ? c.minNumber : c.maxNumber;
      if (d == null || !Double.isFinite(d)) {
        return null;
      }
      boolean integral = StreamSchema.BIGINT.equals(c.type) || "INTEGER".equals(c.type);
      return integral && Math.abs(d) < 9.007199254740992E15 ? (Object) d.longValue() : d;
    }
    String t = min ? c.minText : c.maxText;
    return StreamSchema.BOOLEAN.equals(c.type) && t != null ? (Object) Boolean.valueOf(t)
      : "BLOB".equals(c.type) ? null : t;
  }

  private static Double finite(Double d) {
    return d == null || !Double.isFinite(d) ? null : d;
  }
}
