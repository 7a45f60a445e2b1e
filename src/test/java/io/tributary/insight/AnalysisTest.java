package io.tributary.insight;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Column summaries")
class AnalysisTest {

  @TempDir
  Path dir;

  /** A Parquet file of the rows of a query, as the only file of a dataset. */
  private List<Path> parquet(String name, String select) throws Exception {
    Path file = dir.resolve(name + ".parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("COPY (" + select + ") TO '" + file + "' (FORMAT parquet)");
    }
    return List.of(file);
  }

  private static Analysis.Column text(String name) {
    return new Analysis.Column(name, "VARCHAR", Analysis.Kind.CATEGORY);
  }

  private static Analysis.Column number(String name) {
    return new Analysis.Column(name, "DOUBLE", Analysis.Kind.NUMERIC);
  }

  /** The request's database over the files, with table {@code t} loaded as an insight run loads it. */
  private InsightDuck loaded(List<Path> files, List<Analysis.Column> columns) throws Exception {
    InsightDuck duck = InsightDuck.open(files, dir.resolve("tmp"), "256MB", 2, Deadline.none());
    duck.load(files, columns.stream().map(Analysis::loadExpression).toList());
    return duck;
  }

  @Test
  @DisplayName("count the values that parse as numbers and timestamps the same over distinct values as row by row")
  void parsableCounts() throws Exception {
    List<Path> files = parquet("text", "SELECT CASE i % 7 WHEN 0 THEN NULL WHEN 1 THEN (i % 50)::VARCHAR WHEN 2 THEN "
      + "'2024-01-0' || (1 + i % 9)::VARCHAR WHEN 3 THEN ' 3.5e2 ' WHEN 4 THEN '2024-13-45' WHEN 5 THEN 'n/a' ELSE "
      + "'2024-02-03 04:05:06' END AS mixed FROM range(10000) t(i)");
    Analysis.Column mixed = text("mixed");
    try (InsightDuck duck = loaded(files, List.of(mixed))) {
      Analysis a = new Analysis(10_000, List.of(mixed), null);
      long[] grouped = Analysis.parsable(duck, mixed);
      long[] byRow = Analysis.parsableByRow(duck, List.of(mixed)).get("mixed");
      assertThat(grouped).containsExactly(byRow);
      // numbers: i % 7 in {1, 3}; timestamps: {2, 6} (a date parses as a timestamp; month 13 does not)
      assertThat(grouped[0]).isEqualTo(1429 + 1429);
      assertThat(grouped[1]).isEqualTo(1429 + 1428);
      try (Branches b = new Branches(duck)) {
        a.summarize(b);
      }
      assertThat(a.categories.get("mixed").numeric()).isEqualTo(grouped[0]);
      assertThat(a.categories.get("mixed").temporal()).isEqualTo(grouped[1]);
      assertThat(a.categories.get("mixed").n()).isEqualTo(10_000 - 1429);
    }
  }

  @Test
  @DisplayName("give every numeric column the same quantiles, MAD and mean as DuckDB's quantile_cont, mad and avg")
  void numericSummaryMatchesDuckDb() throws Exception {
    // odd and even counts, ties, nulls, skew, negatives, a constant, one value, none
    List<Path> files = parquet("numbers", "SELECT CASE WHEN i % 9 = 0 THEN NULL ELSE (hash(i) % 100000) / 1000.0 - 30 "
      + "END AS noisy, (i % 5)::DOUBLE AS ties, CASE WHEN i < 10001 THEN exp((hash(i * 3) % 12000) / 1000.0) END AS "
      + "skewed, 7.25 AS constant, CASE WHEN i = 3 THEN -1.5 END AS single, NULL::DOUBLE AS empty, "
      + "CASE WHEN i % 2 = 0 THEN i * 1e-9 + 1e6 ELSE -i * 0.3 END AS mixed FROM range(20000) t(i)");
    List<String> names = List.of("noisy", "ties", "skewed", "constant", "single", "empty", "mixed");
    List<Analysis.Column> cols = names.stream().map(AnalysisTest::number).toList();
    try (InsightDuck duck = loaded(files, cols)) {
      for (Analysis.Column c : cols) {
        Analysis.Numeric n = Analysis.numeric(duck, c);
        Object[] r = duck.row("SELECT quantile_cont(" + c.sql() + ", 0.5), quantile_cont(" + c.sql() + ", 0.25), "
          + "quantile_cont(" + c.sql() + ", 0.75), quantile_cont(" + c.sql() + ", 0.9), mad(" + c.sql() + "), avg("
          + c.sql() + ") FROM t");
        assertThat(new double[] {n.median(), n.q1(), n.q3(), n.q90(), n.mad(), n.mean()}).as(c.name())
          .containsExactly(InsightDuck.num(r[0]), InsightDuck.num(r[1]), InsightDuck.num(r[2]), InsightDuck.num(r[3]),
            InsightDuck.num(r[4]), InsightDuck.num(r[5]));
      }
      // the residuals of a line, as the off-trend step computes them
      String residual = "(noisy - (3.5 + 0.001 * mixed))";
      double med = InsightDuck.num(duck.row("SELECT median(" + residual + ") FROM t")[0]);
      assertThat(Analysis.mad(duck, residual, "t", med))
        .isEqualTo(InsightDuck.num(duck.row("SELECT mad(" + residual + ") FROM t")[0]));
      long n = InsightDuck.count(duck.row("SELECT count(" + residual + ") FROM t")[0]);
      assertThat(Analysis.spread(duck, residual, n, 0.5)).containsExactly(med,
        InsightDuck.num(duck.row("SELECT mad(" + residual + ") FROM t")[0]));
    }
  }

  @Test
  @DisplayName("find in Java every quantile and MAD with the bits of DuckDB's quantile_cont, median and mad")
  void quantilesInJavaMatchDuckDb() throws Exception {
    // sizes from 1 up, ties, NaN and infinities, signed zeros, tiny and huge magnitudes, sorted and reversed runs
    String[] shapes = {"(hash(i) % 1000003) / 7.0 - 5e4", "(hash(i) % 4)::DOUBLE", "CASE WHEN i % 7 = 0 THEN 'nan'::DOUBLE "
      + "ELSE (hash(i) % 1000) * 0.1 END", "CASE i % 5 WHEN 0 THEN 'inf'::DOUBLE WHEN 1 THEN '-inf'::DOUBLE ELSE i END",
      "CASE WHEN i % 2 = 0 THEN -0.0 ELSE 0.0 END + (i % 3)", "exp((hash(i) % 60000) / 1000.0) * 1e-300",
      "i * 1e290", "-i * 0.3", "CASE WHEN i % 3 = 0 THEN 'nan'::DOUBLE ELSE 1.0 END", "sin(i) * 1e6 + i % 2"};
    int[] sizes = {1, 2, 3, 4, 5, 9, 10, 101, 1000, 25_001, 200_000};
    double[] qs = {0.0, 0.01, 0.1, 0.25, 1.0 / 3, 0.5, 0.75, 0.9, 0.99, 1.0};
    StringBuilder select = new StringBuilder("SELECT i");
    for (int s = 0; s < shapes.length; s++) {
      select.append(", ").append(shapes[s]).append(" AS s").append(s);
    }
    List<Path> files = parquet("shapes", select.append(" FROM range(200000) t(i)").toString());
    List<Analysis.Column> cols = new java.util.ArrayList<>();
    for (int s = 0; s < shapes.length; s++) {
      cols.add(number("s" + s));
    }
    try (InsightDuck duck = loaded(files, cols)) {
      for (int size : sizes) {
        duck.execute("CREATE OR REPLACE TABLE part AS SELECT * FROM t WHERE __row < " + size);
        for (Analysis.Column c : cols) {
          String x = c.sql();
          double[] values = duck.doubles("SELECT " + x + " FROM part", size);
          StringBuilder sql = new StringBuilder("SELECT median(" + x + "), mad(" + x + ")");
          for (double q : qs) {
            sql.append(", quantile_cont(").append(x).append(", ").append(q).append(')');
          }
          Object[] r = duck.row(sql.append(" FROM part").toString());
          Quantiles found = new Quantiles(values, values.length);
          double[] java = found.of(qs);
          double[] duckdb = new double[qs.length];
          for (int i = 0; i < qs.length; i++) {
            duckdb[i] = InsightDuck.num(r[2 + i]);
          }
          String what = c.name() + " over " + size + " rows";
          assertThat(java).as(what).containsExactly(duckdb);
          // as arrays: their elements compare as Double.equals does, NaN equal to NaN, 0.0 not -0.0
          assertThat(new double[] {java[5], found.mad(java[5])}).as(what)
            .containsExactly(InsightDuck.num(r[0]), InsightDuck.num(r[1]));
        }
      }
    }
  }

  @Test
  @DisplayName("draw the same shared sample for shifts in distribution as a reservoir over whole rows did")
  void shiftSampleKeepsTheSameRows() throws Exception {
    List<Path> files = parquet("groups", "SELECT CASE WHEN i % 11 = 0 THEN NULL ELSE ['a', 'b', 'c'][1 + (hash(i) % 3)"
      + "::INTEGER] END AS g, (hash(i * 7) % 100000) / 10.0 AS x, CASE WHEN i % 5 = 0 THEN NULL ELSE i * 0.5 END AS y "
      + "FROM range(400000) t(i)");
    Analysis.Column g = text("g");
    List<Analysis.Column> xy = List.of(number("x"), number("y"));
    try (InsightDuck duck = loaded(files, List.of(g, xy.get(0), xy.get(1)))) {
      DistributionShifts.sample(new DistributionShifts.Plan(g, xy), duck);
      // the statement the sample was drawn with before: the reservoir over the rows themselves
      duck.execute("CREATE TEMP TABLE whole AS SELECT CAST(g AS VARCHAR) AS g, x, y FROM t WHERE g IS NOT NULL "
        + "USING SAMPLE reservoir(" + DistributionShifts.SAMPLE_ROWS + " ROWS) REPEATABLE (42)");
      String rows = "SELECT count(*), count(DISTINCT (g, x, y)) FROM ";
      assertThat(duck.row(rows + "__shift_sample")).containsExactly(duck.row(rows + "whole"));
      assertThat(InsightDuck.count(duck.row("SELECT count(*) FROM (SELECT g, x, y FROM __shift_sample EXCEPT ALL "
        + "SELECT g, x, y FROM whole)")[0])).isZero();
      assertThat(InsightDuck.count(duck.row("SELECT count(*) FROM __shift_sample")[0])).isGreaterThan(50_000);
    }
  }
}
