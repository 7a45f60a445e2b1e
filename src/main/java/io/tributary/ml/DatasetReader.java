package io.tributary.ml;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Reads a dataset's Parquet files with DuckDB into a training matrix: decides each feature's kind from its column
 * type, validates the target (see {@link #targetType}), drops rows without a target, samples down to
 * {@code max_rows}, and encodes every row through the {@link FeatureSchema} it builds. Blocking: runs on a worker.
 */
final class DatasetReader {

  private final String memoryLimit;
  /** One in-memory DuckDB instance for every read (a connection each): no database to start and stop per run. */
  private org.duckdb.DuckDBConnection root;

  DatasetReader(String memoryLimit) {
    this.memoryLimit = memoryLimit;
  }

  /** A connection to the reader's in-memory DuckDB instance (tables made on it are seen by its other connections). */
  Connection connect() throws SQLException {
    synchronized (this) {
      if (root == null || root.isClosed()) {
        Properties p = new Properties();
        p.setProperty("memory_limit", memoryLimit);
        root = (org.duckdb.DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", p);
      }
      return root.duplicate();
    }
  }

  /** A column that is a feature, with the SQL that reads it and its encoding. */
  private record Source(Feature.Kind kind, String name, String[] selects) {
  }

  TrainingData read(List<String> files, TrainSpec spec, Stop stop) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      String from = from(files);
      Map<String, String> types = describe(s, from);
      String targetType = targetType(spec, types);
      List<Source> sources = sources(spec, types);
      long count = count(s, from, spec.target());
      if (count < spec.minRows()) {
        throw new TrainingFailed("only " + count + " rows have a value in target '" + spec.target()
          + "'; training needs at least " + spec.minRows() + " (ml.min_rows)");
      }
      String sample = count > spec.maxRows()
        ? " USING SAMPLE reservoir(" + spec.maxRows() + " ROWS) REPEATABLE (" + spec.seed() + ")" : "";
      List<String> selects = new ArrayList<>();
      sources.forEach(src -> selects.addAll(List.of(src.selects())));
      selects.add(spec.classification() ? "CAST(" + quote(spec.target()) + " AS VARCHAR)"
        : "CAST(" + quote(spec.target()) + " AS DOUBLE)");
      String sql = "SELECT " + String.join(", ", selects) + " FROM " + from + sample + " WHERE "
        + quote(spec.target()) + " IS NOT NULL";
      stop.check();
      try (ResultSet rs = s.executeQuery(sql)) {
        return encode(rs, spec, sources, targetType, (int) Math.min(count, spec.maxRows()), stop);
      }
    } catch (SQLException e) {
      throw new TrainingFailed("the dataset could not be read: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** The SQL that reads every file of a dataset. */
  static String from(List<String> files) {
    return "read_parquet([" + String.join(", ", files.stream().map(DatasetReader::literal).toList())
      + "], union_by_name = true)";
  }

  /** Column name → DuckDB type (upper case) of a relation. */
  static Map<String, String> describe(Statement s, String from) throws SQLException {
    Map<String, String> types = new LinkedHashMap<>();
    try (ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + from)) {
      while (rs.next()) {
        types.put(rs.getString(1), rs.getString(2).toUpperCase(Locale.ROOT));
      }
    }
    return types;
  }

  private static long count(Statement s, String from, String target) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT count(" + quote(target) + ") FROM " + from)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The target's label type; a regression target must be numeric. */
  static String targetType(TrainSpec spec, Map<String, String> types) {
    String type = types.get(spec.target());
    if (type == null) {
      throw new TrainingFailed("target column '" + spec.target() + "' does not exist in the dataset");
    }
    Feature.Kind kind = kind(type);
    if (!spec.classification() && kind != Feature.Kind.NUMERIC) {
      throw new TrainingFailed("target column '" + spec.target() + "' is " + type
        + "; regression needs a numeric target (use classification for labels)");
    }
    if (kind == Feature.Kind.BOOLEAN) {
      return FeatureSchema.BOOLEAN;
    }
    if (kind == Feature.Kind.NUMERIC) {
      return type.matches("(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?)") ? FeatureSchema.INTEGER : FeatureSchema.NUMBER;
    }
    return FeatureSchema.STRING;
  }

  private static List<Source> sources(TrainSpec spec, Map<String, String> types) {
    List<String> names = spec.features();
    boolean chosen = names != null;
    if (!chosen) {
      names = types.keySet().stream().filter(n -> !n.equals(spec.target())).toList();
    }
    List<Source> out = new ArrayList<>();
    for (String name : names) {
      String type = types.get(name);
      if (type == null) {
        throw new TrainingFailed("feature column '" + name + "' does not exist in the dataset");
      }
      if (name.equals(spec.target())) {
        throw new TrainingFailed("the target '" + name + "' cannot also be a feature");
      }
      Feature.Kind kind = kind(type);
      if (kind == null) {
        if (chosen) {
          throw new TrainingFailed("feature column '" + name + "' has type " + type + ", which a model cannot use");
        }
        continue;
      }
      out.add(new Source(kind, name, selects(kind, name)));
    }
    if (out.isEmpty()) {
      throw new TrainingFailed("the dataset has no column a model can use as a feature besides the target");
    }
    return out;
  }

  /**
   * The SQL expressions that read a feature column as {@link TrainingData#of} encodes it: a number (doubles), a
   * string (categories), or the parts of a date or timestamp. Training and batch scoring both read through these.
   */
  static String[] selects(Feature.Kind kind, String name) {
    String q = quote(name);
    return switch (kind) {
      case NUMERIC, BOOLEAN -> new String[] {"CAST(" + q + " AS DOUBLE)"};
      case CATEGORICAL -> new String[] {"CAST(" + q + " AS VARCHAR)"};
      case DATE -> new String[] {"year(" + q + ")", "month(" + q + ")", "day(" + q + ")", "dayofweek(" + q + ")"};
      case TIMESTAMP -> new String[] {"year(" + q + ")", "month(" + q + ")", "day(" + q + ")",
        "dayofweek(" + q + ")", "hour(" + q + ")"};
    };
  }

  /** The encoding of a DuckDB column type, or null when a model cannot use it (lists, structs, blobs, times). */
  static Feature.Kind kind(String type) {
    if (type.equals("BOOLEAN")) {
      return Feature.Kind.BOOLEAN;
    }
    if (type.matches("U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|FLOAT|REAL|DOUBLE|DECIMAL.*")) {
      return Feature.Kind.NUMERIC;
    }
    if (type.equals("DATE")) {
      return Feature.Kind.DATE;
    }
    if (type.startsWith("TIMESTAMP")) {
      return Feature.Kind.TIMESTAMP;
    }
    if (type.equals("VARCHAR") || type.equals("UUID") || type.startsWith("ENUM")) {
      return Feature.Kind.CATEGORICAL;
    }
    return null;
  }

  private TrainingData encode(ResultSet rs, TrainSpec spec, List<Source> sources, String targetType, int capacity,
                              Stop stop) throws SQLException {
    int raw = sources.stream().mapToInt(src -> src.selects().length).sum();
    float[][] numbers = new float[raw][];
    String[][] strings = new String[raw][];
    int col = 0;
    for (Source src : sources) {
      for (int k = 0; k < src.selects().length; k++, col++) {
        if (src.kind() == Feature.Kind.CATEGORICAL) {
          strings[col] = new String[capacity];
        } else {
          numbers[col] = new float[capacity];
        }
      }
    }
    String[] labels = spec.classification() ? new String[capacity] : null;
    float[] values = spec.classification() ? null : new float[capacity];
    int n = 0;
    while (rs.next() && n < capacity) {
      for (int j = 0; j < raw; j++) {
        if (strings[j] != null) {
          strings[j][n] = rs.getString(j + 1);
        } else {
          double v = rs.getDouble(j + 1);
          numbers[j][n] = rs.wasNull() ? Float.NaN : (float) v;
        }
      }
      if (labels != null) {
        labels[n] = rs.getString(raw + 1);
      } else {
        values[n] = (float) rs.getDouble(raw + 1);
      }
      if (++n % 65_536 == 0) {
        stop.check();
      }
    }
    List<String> classes = spec.classification() ? classes(spec, labels, n, targetType) : List.of();
    List<Feature> features = new ArrayList<>();
    col = 0;
    for (Source src : sources) {
      List<String> categories = src.kind() == Feature.Kind.CATEGORICAL
        ? topCategories(strings[col], n, spec.maxCategories()) : List.of();
      features.add(new Feature(src.name(), src.kind(), categories));
      col += src.selects().length;
    }
    FeatureSchema schema = new FeatureSchema(features, spec.target(), targetType, spec.classification(), classes);
    return TrainingData.of(schema, numbers, strings, labels, values, n);
  }

  private static List<String> classes(TrainSpec spec, String[] labels, int n, String targetType) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(labels[i], 1, Integer::sum);
      if (counts.size() > spec.maxClasses()) {
        throw new TrainingFailed("target '" + spec.target() + "' has more than " + spec.maxClasses()
          + " distinct values; classification allows at most " + spec.maxClasses() + " (ml.max_classes)");
      }
    }
    if (counts.size() < 2) {
      throw new TrainingFailed("target '" + spec.target() + "' has only one class ("
        + counts.keySet().stream().findFirst().orElse("") + "); classification needs at least two");
    }
    Comparator<String> order = targetType.equals(FeatureSchema.INTEGER) || targetType.equals(FeatureSchema.NUMBER)
      ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder();
    return counts.keySet().stream().sorted(order).toList();
  }

  /** The most frequent values (ties by value), at most {@code max}. */
  private static List<String> topCategories(String[] values, int n, int max) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      if (values[i] != null) {
        counts.merge(values[i], 1, Integer::sum);
      }
    }
    return counts.entrySet().stream()
      .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
      .limit(max).map(Map.Entry::getKey).sorted().toList();
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
