package io.tributary.insight;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.tributary.insight.InsightDuck.count;
import static io.tributary.insight.InsightDuck.identifier;
import static io.tributary.insight.InsightDuck.num;

/**
 * What every step of an insight run shares: the loaded table {@code t} (numeric columns as DOUBLE, the time column
 * as epoch seconds in {@code __ts}, categories as text), the row count, and each column's exact summary.
 */
final class Analysis {

  /** The time column's epoch seconds in table {@code t}. */
  static final String TS = "__ts";
  /** Text columns with at most this many distinct values have their values parsed once per distinct value. */
  static final long PARSE_DISTINCT_VALUES = 100_000;

  /** A column's kind for the analysis. */
  enum Kind { NUMERIC, TIME, CATEGORY, OTHER }

  /** An analysed column: its name, its DuckDB type and its kind. */
  record Column(String name, String type, Kind kind) {
    String sql() {
      return identifier(name);
    }
  }

  /** A numeric column's exact summary (over its non-null values). */
  record Numeric(Column column, long n, double median, double mad, double q1, double q3, double q90, double mean,
                 double sd, double skew, double min, double max, double sum) {
    double iqr() {
      return q3 - q1;
    }
  }

  /** A text column's summary: non-null values, approximate distinct values, values that parse as numbers/times. */
  record Category(Column column, long n, long distinct, long numeric, long temporal) {
  }

  final long rows;
  final List<Column> columns;
  final Column time;
  final Map<String, Numeric> numeric = new LinkedHashMap<>();
  final Map<String, Category> categories = new LinkedHashMap<>();
  /** Robust-z or IQR outliers per numeric column (filled by {@link PointAnomalies}). */
  final Map<String, Long> outliers = new LinkedHashMap<>();
  /** Time-series figures per column, filled by {@link TimeSeries} (null without a time column). */
  TimeSeries series;

  Analysis(long rows, List<Column> columns, Column time) {
    this.rows = rows;
    this.columns = columns;
    this.time = time;
  }

  static Kind kindOf(String duckType) {
    String t = duckType.toUpperCase(Locale.ROOT);
    if (t.startsWith("DECIMAL") || List.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
      "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE").contains(t)) {
      return Kind.NUMERIC;
    }
    if (t.equals("DATE") || t.startsWith("TIMESTAMP")) {
      return Kind.TIME;
    }
    if (t.equals("VARCHAR") || t.equals("BOOLEAN") || t.startsWith("ENUM")) {
      return Kind.CATEGORY;
    }
    return Kind.OTHER;
  }

  /** How a column is loaded into {@code t}. */
  static String loadExpression(Column c) {
    return switch (c.kind()) {
      case NUMERIC -> "CAST(" + c.sql() + " AS DOUBLE) AS " + c.sql();
      case CATEGORY -> "CAST(" + c.sql() + " AS VARCHAR) AS " + c.sql();
      default -> c.sql();
    };
  }

  List<Column> numericColumns() {
    return columns.stream().filter(c -> c.kind() == Kind.NUMERIC).toList();
  }

  List<Column> categoryColumns() {
    return columns.stream().filter(c -> c.kind() == Kind.CATEGORY).toList();
  }

  /**
   * Computes every column's summary side by side: one scan per numeric column (its quantiles and MAD are the costly
   * part, and each is finished on one thread), and one for the text columns followed by the values of each that parse
   * as numbers or timestamps.
   */
  void summarize(Branches b) throws SQLException {
    List<CompletableFuture<Numeric>> parts = new ArrayList<>();
    for (Column c : numericColumns()) {
      parts.add(b.start("summary", d -> numeric(d, c)));
    }
    CompletableFuture<Map<String, Category>> text = b.start("summary", this::categories);
    for (CompletableFuture<Numeric> p : parts) {
      Numeric n = Branches.join(p);
      numeric.put(n.column().name(), n);
    }
    categories.putAll(Branches.join(text));
  }

  /** A numeric column's summary: its moments and bounds from DuckDB, its quantiles and MAD from {@link #spread}. */
  static Numeric numeric(InsightDuck d, Column c) throws SQLException {
    String x = c.sql();
    Object[] r = d.row("SELECT count(" + x + "), stddev_samp(" + x + "), skewness(" + x + "), min(" + x + "), max("
      + x + "), sum(" + x + ") FROM t");
    long n = count(r[0]);
    double[] q = spread(d, x, n, 0.5, 0.25, 0.75, 0.9);
    // DuckDB's avg of a DOUBLE is its sum (the same additions) over the count
    double mean = n == 0 ? Double.NaN : num(r[5]) / n;
    return new Numeric(c, n, q[0], q[4], q[1], q[2], q[3], mean, num(r[1]), num(r[2]), num(r[3]), num(r[4]),
      num(r[5]));
  }

  /** Values of an expression held in Java for {@link #spread}, at most (8 bytes each). */
  static final int IN_MEMORY_VALUES = 1 << 21;

  /**
   * {@code quantile_cont(x, q)} of each {@code q} over table {@code t}, then the unscaled MAD of {@code x} about the
   * first ({@link #mad}), given that {@code x} has a value in {@code n} rows (NaN for each when none has). Up to
   * {@value #IN_MEMORY_VALUES} values are read once and their {@link Quantiles} found in Java, with the same bits as
   * DuckDB's; more are left to DuckDB's aggregates, one scan for the quantiles and one for the MAD.
   */
  static double[] spread(InsightDuck d, String x, long n, double... qs) throws SQLException {
    double[] out = new double[qs.length + 1];
    if (n == 0) {
      Arrays.fill(out, Double.NaN);
      return out;
    }
    if (n <= IN_MEMORY_VALUES) {
      double[] values = d.doubles("SELECT " + x + " FROM t WHERE " + x + " IS NOT NULL", (int) n);
      Quantiles found = new Quantiles(values, values.length);
      System.arraycopy(found.of(qs), 0, out, 0, qs.length);
      out[qs.length] = found.mad(out[0]);
      return out;
    }
    StringBuilder list = new StringBuilder();
    for (double q : qs) {
      list.append(list.length() > 0 ? ", " : "").append(q);
    }
    System.arraycopy(quantiles(d.row("SELECT quantile_cont(" + x + ", [" + list + "]) FROM t")[0], qs.length), 0,
      out, 0, qs.length);
    out[qs.length] = mad(d, x, "t", out[0]);
    return out;
  }

  /**
   * The unscaled median absolute deviation of {@code x} over {@code from}, given its median: {@code
   * quantile_cont(abs(x - median), 0.5)}, which is what DuckDB's {@code mad(x)} computes (the same interpolation over
   * the same absolute deviations from the same median; the median is bound as a parameter, every bit kept).
   */
  static double mad(InsightDuck d, String x, String from, double median) throws SQLException {
    return num(d.row("SELECT quantile_cont(abs(" + x + " - ?), 0.5) FROM " + from, median)[0]);
  }

  private Map<String, Category> categories(InsightDuck d) throws SQLException {
    Map<String, Category> out = new LinkedHashMap<>();
    List<Column> cats = categoryColumns();
    if (cats.isEmpty()) {
      return out;
    }
    StringBuilder sql = new StringBuilder("SELECT ");
    for (Column c : cats) {
      sql.append(sql.length() > 7 ? ", " : "").append("count(").append(c.sql()).append("), approx_count_distinct(")
        .append(c.sql()).append(")");
    }
    Object[] r = d.row(sql.append(" FROM t").toString());
    List<Column> many = new ArrayList<>();
    Map<String, long[]> parsable = new LinkedHashMap<>();
    for (int i = 0; i < cats.size(); i++) {
      Column c = cats.get(i);
      if (count(r[i * 2 + 1]) <= PARSE_DISTINCT_VALUES) {
        parsable.put(c.name(), parsable(d, c));
      } else {
        many.add(c);
      }
    }
    parsable.putAll(parsableByRow(d, many));
    for (int i = 0; i < cats.size(); i++) {
      long[] p = parsable.get(cats.get(i).name());
      out.put(cats.get(i).name(), new Category(cats.get(i), count(r[i * 2]), count(r[i * 2 + 1]), p[0], p[1]));
    }
    return out;
  }

  /**
   * Values of a text column that parse as numbers and as timestamps, counted over its distinct values (each weighted
   * by its rows): parsing is the costly part, and most text columns repeat their values.
   */
  static long[] parsable(InsightDuck duck, Column c) throws SQLException {
    Object[] r = duck.row("SELECT sum(n) FILTER (WHERE TRY_CAST(v AS DOUBLE) IS NOT NULL), sum(n) FILTER (WHERE "
      + "TRY_CAST(v AS TIMESTAMP) IS NOT NULL) FROM (SELECT " + c.sql() + " AS v, count(*) AS n FROM t WHERE "
      + c.sql() + " IS NOT NULL GROUP BY 1)");
    return new long[] {count(r[0]), count(r[1])};
  }

  /** The same counts, row by row in one scan, for columns with too many distinct values to group. */
  static Map<String, long[]> parsableByRow(InsightDuck duck, List<Column> cols) throws SQLException {
    Map<String, long[]> out = new LinkedHashMap<>();
    if (cols.isEmpty()) {
      return out;
    }
    StringBuilder sql = new StringBuilder("SELECT ");
    for (Column c : cols) {
      sql.append(sql.length() > 7 ? ", " : "").append("count(TRY_CAST(").append(c.sql()).append(" AS DOUBLE)), ")
        .append("count(TRY_CAST(").append(c.sql()).append(" AS TIMESTAMP))");
    }
    Object[] r = duck.row(sql.append(" FROM t").toString());
    for (int i = 0; i < cols.size(); i++) {
      out.put(cols.get(i).name(), new long[] {count(r[i * 2]), count(r[i * 2 + 1])});
    }
    return out;
  }

  /** The {@code size} quantiles of a {@code quantile_cont(x, [...])} list (NaN when the column has no values). */
  private static double[] quantiles(Object list, int size) throws SQLException {
    double[] q = new double[size];
    Arrays.fill(q, Double.NaN);
    if (list instanceof java.sql.Array array) {
      Object[] values = (Object[]) array.getArray();
      for (int i = 0; i < q.length && i < values.length; i++) {
        q[i] = num(values[i]);
      }
    }
    return q;
  }

  /** Null values of a column: the rows minus its non-null values (-1 for columns without a summary). */
  long nulls(Column c) {
    if (numeric.containsKey(c.name())) {
      return rows - numeric.get(c.name()).n();
    }
    if (categories.containsKey(c.name())) {
      return rows - categories.get(c.name()).n();
    }
    return -1;
  }

  static List<String> names(List<Column> columns) {
    List<String> out = new ArrayList<>();
    columns.forEach(c -> out.add(c.name()));
    return out;
  }
}
