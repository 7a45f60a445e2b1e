package io.tributary.ml;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Scores a whole dataset into a new Parquet file: its columns, then {@code prediction} and, for classification,
 * {@code confidence} and one {@code probability_<class>} per class. Rows are read with DuckDB in batches of
 * {@code batchRows}, encoded exactly as training encoded them ({@link DatasetReader#selects}, {@link TrainingData#of})
 * and scored with the cached model; the predictions are joined back to their rows by row id. Blocking: runs on a
 * worker.
 */
final class BatchScorer {

  private final DatasetReader reader;
  private final int batchRows;

  BatchScorer(DatasetReader reader, int batchRows) {
    this.reader = reader;
    this.batchRows = batchRows;
  }

  /** What was written: {@code {row_count, size_bytes, columns:[{name, type}]}}. */
  JsonObject score(List<String> files, Scorers.Loaded model, Path output, String tag, Stop stop, IntConsumer progress)
    throws Exception {
    FeatureSchema schema = model.schema();
    String input = "score_in_" + tag;
    String scored = "score_out_" + tag;
    try (Connection c = reader.connect(); Statement s = c.createStatement()) {
      String from = DatasetReader.from(files);
      Map<String, String> types = DatasetReader.describe(s, from);
      Misfit misfit = misfit(schema, types);
      if (misfit != null) {
        throw new TrainingFailed(misfit.reason());
      }
      s.execute("CREATE OR REPLACE TABLE " + input + " AS SELECT * FROM " + from);
      s.execute("CREATE OR REPLACE TABLE " + scored + " (rid BIGINT, " + String.join(", ", outputColumns(schema)) + ")");
      try {
        long rows = count(s, input);
        append(c, s, input, scored, model, rows, stop, progress);
        stop.check();
        Path tmp = output.resolveSibling(output.getFileName() + ".tmp");
        Files.createDirectories(output.getParent());
        List<String> outNames = new ArrayList<>();
        outNames.add("o.prediction");
        if (schema.classification()) {
          outNames.add("o.confidence");
          schema.classes().forEach(k -> outNames.add("o." + DatasetReader.quote(probability(k))));
        }
        s.execute("COPY (SELECT i.*, " + String.join(", ", outNames) + " FROM " + input + " i JOIN " + scored
          + " o ON o.rid = i.rowid ORDER BY i.rowid) TO " + DatasetReader.literal(tmp.toString()) + " (FORMAT parquet)");
        Files.move(tmp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        JsonArray columns = new JsonArray();
        DatasetReader.describe(s, "read_parquet(" + DatasetReader.literal(output.toString()) + ")")
          .forEach((name, type) -> columns.add(new JsonObject().put("name", name).put("type", type)));
        return new JsonObject().put("row_count", rows).put("size_bytes", Files.size(output)).put("columns", columns);
      } finally {
        s.execute("DROP TABLE IF EXISTS " + input);
        s.execute("DROP TABLE IF EXISTS " + scored);
      }
    }
  }

  /** The column a class's probability is written to. */
  static String probability(String label) {
    return "probability_" + label;
  }

  /** The names of the columns scoring adds, in order. */
  static List<String> addedNames(FeatureSchema schema) {
    List<String> names = new ArrayList<>(List.of("prediction"));
    if (schema.classification()) {
      names.add("confidence");
      schema.classes().forEach(k -> names.add(probability(k)));
    }
    return names;
  }

  private static List<String> outputColumns(FeatureSchema schema) {
    List<String> out = new ArrayList<>();
    String type = !schema.classification() ? "DOUBLE" : switch (schema.targetType()) {
      case FeatureSchema.INTEGER -> "BIGINT";
      case FeatureSchema.NUMBER -> "DOUBLE";
      case FeatureSchema.BOOLEAN -> "BOOLEAN";
      default -> "VARCHAR";
    };
    List<String> names = addedNames(schema);
    for (int i = 0; i < names.size(); i++) {
      out.add(DatasetReader.quote(names.get(i)) + " " + (i == 0 ? type : "DOUBLE"));
    }
    return out;
  }

  /** A column of the dataset that does not fit the model, and why. */
  record Misfit(String column, String reason) {
  }

  /**
   * The first column that does not fit, or null: the dataset must hold every feature with a type of the same kind
   * (numbers and booleans read alike), and no column of the names scoring adds.
   */
  static Misfit misfit(FeatureSchema schema, Map<String, String> types) {
    for (Feature f : schema.features()) {
      String type = types.get(f.name());
      if (type == null) {
        return new Misfit(f.name(), "feature column '" + f.name() + "' is missing from the dataset");
      }
      Feature.Kind kind = DatasetReader.kind(type.toUpperCase(java.util.Locale.ROOT));
      boolean numeric = f.kind() == Feature.Kind.NUMERIC || f.kind() == Feature.Kind.BOOLEAN;
      boolean fits = kind == f.kind() || numeric && (kind == Feature.Kind.NUMERIC || kind == Feature.Kind.BOOLEAN);
      if (!fits) {
        return new Misfit(f.name(), "feature column '" + f.name() + "' is " + type
          + " in the dataset; the model reads it as " + f.kind().label());
      }
    }
    Set<String> lower = new LinkedHashSet<>();
    types.keySet().forEach(n -> lower.add(n.toLowerCase(java.util.Locale.ROOT)));
    for (String added : addedNames(schema)) {
      if (lower.contains(added.toLowerCase(java.util.Locale.ROOT))) {
        return new Misfit(added, "the dataset already has a column '" + added + "', which scoring adds");
      }
    }
    return null;
  }

  private static long count(Statement s, String table) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Reads the features in batches, scores each batch and appends its predictions by row id. */
  private void append(Connection c, Statement s, String input, String scored, Scorers.Loaded model, long rows,
                      Stop stop, IntConsumer progress) throws Exception {
    FeatureSchema schema = model.schema();
    List<String> selects = new ArrayList<>();
    List<Boolean> text = new ArrayList<>();
    for (Feature f : schema.features()) {
      for (String sel : DatasetReader.selects(f.kind(), f.name())) {
        selects.add(sel);
        text.add(f.kind() == Feature.Kind.CATEGORICAL);
      }
    }
    int raw = selects.size();
    float[][] numbers = new float[raw][];
    String[][] strings = new String[raw][];
    for (int j = 0; j < raw; j++) {
      if (text.get(j)) {
        strings[j] = new String[batchRows];
      } else {
        numbers[j] = new float[batchRows];
      }
    }
    long[] ids = new long[batchRows];
    float[] noTarget = new float[batchRows];
    long done = 0;
    try (Connection writer = ((DuckDBConnection) c).duplicate();
         DuckDBAppender appender = ((DuckDBConnection) writer).createAppender(DuckDBConnection.DEFAULT_SCHEMA, scored);
         ResultSet rs = s.executeQuery("SELECT rowid, " + String.join(", ", selects) + " FROM " + input)) {
      int n = 0;
      boolean more = rs.next();
      while (more) {
        ids[n] = rs.getLong(1);
        for (int j = 0; j < raw; j++) {
          if (strings[j] != null) {
            strings[j][n] = rs.getString(j + 2);
          } else {
            double v = rs.getDouble(j + 2);
            numbers[j][n] = rs.wasNull() ? Float.NaN : (float) v;
          }
        }
        n++;
        more = rs.next();
        if (n == batchRows || !more) {
          stop.check();
          TrainingData batch = TrainingData.of(schema, numbers, strings, null, noTarget, n);
          float[][] out = model.scorer().predict(batch.x(), n, batch.width());
          for (int i = 0; i < n; i++) {
            write(appender, schema, ids[i], out[i]);
          }
          done += n;
          progress.accept((int) (done * 100 / Math.max(1, rows)));
          n = 0;
        }
      }
    }
  }

  private static void write(DuckDBAppender a, FeatureSchema schema, long id, float[] out) throws SQLException {
    a.beginRow();
    a.append(id);
    if (!schema.classification()) {
      a.append((double) out[0]);
    } else {
      int best = ModelMetrics.argmax(out);
      Object label = schema.label(best);
      if (label instanceof Long l) {
        a.append(l.longValue());
      } else if (label instanceof Double d) {
        a.append(d.doubleValue());
      } else if (label instanceof Boolean b) {
        a.append(b.booleanValue());
      } else {
        a.append((String) label);
      }
      a.append((double) out[best]);
      for (float p : out) {
        a.append((double) p);
      }
    }
    a.endRow();
  }
}
