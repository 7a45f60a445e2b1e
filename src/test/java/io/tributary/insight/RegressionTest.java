package io.tributary.insight;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Least-squares figures")
class RegressionTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("equal DuckDB's regr_slope, regr_intercept, regr_r2, regr_sxx, regr_syy, regr_count and corr bit for bit")
  void sameBitsAsDuckDb() throws Exception {
    // nulls on either side, ties, skew, a constant, one value, none, a column of a line; with and without nulls in x
    Path file = dir.resolve("pairs.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("COPY (SELECT CASE WHEN i % 97 = 0 THEN NULL ELSE i * 0.37 - 1e4 END AS x, i * 0.37 AS full_x, "
        + "CASE WHEN i % 9 = 0 THEN NULL ELSE (hash(i) % 100000) / 1000.0 - 30 + i * 1e-4 END AS noisy, "
        + "(i % 5)::DOUBLE AS ties, CASE WHEN i < 10001 THEN exp((hash(i * 3) % 12000) / 1000.0) END AS skewed, "
        + "7.25 AS constant, CASE WHEN i = 3 THEN -1.5 END AS single, NULL::DOUBLE AS empty, 2.5 * i + 1 AS line "
        + "FROM range(30000) t(i)) TO '" + file + "' (FORMAT parquet)");
    }
    List<String> ys = List.of("noisy", "ties", "skewed", "constant", "single", "empty", "line", "full_x");
    // one thread, so DuckDB combines no partial states and every run gives the same bits
    try (InsightDuck duck = InsightDuck.open(List.of(file), dir.resolve("tmp"), "256MB", 1, Deadline.none())) {
      duck.load(List.of(file), List.of("x", "full_x", "noisy", "ties", "skewed", "constant", "single", "empty", "line"));
      int checked = 0;
      for (Regression.Var x : List.of(new Regression.Var("x", true), new Regression.Var("((full_x - 3.5) / 86400.0)",
        false))) {
        Regression sql = new Regression(30_000, true);
        List<Regression.Pair> pairs = new ArrayList<>();
        for (String y : ys) {
          pairs.add(sql.pair(new Regression.Var(y, !List.of("ties", "constant", "line", "full_x").contains(y)), x));
        }
        Object[] row = duck.row(sql.select("t"));
        for (int i = 0; i < ys.size(); i++) {
          Regression.Fit f = sql.fit(pairs.get(i), row);
          String args = "(" + ys.get(i) + ", " + x.sql() + ")";
          Object[] r = duck.row("SELECT regr_count" + args + ", regr_slope" + args + ", regr_intercept" + args
            + ", regr_r2" + args + ", regr_sxx" + args + ", regr_syy" + args + ", corr" + args + " FROM t");
          assertThat(new double[] {f.n(), f.slope(), f.intercept(), f.r2(), f.sxx(), f.syy(), f.corr()})
            .as(args).containsExactly(InsightDuck.num(r[0]), InsightDuck.num(r[1]), InsightDuck.num(r[2]),
              InsightDuck.num(r[3]), InsightDuck.num(r[4]), InsightDuck.num(r[5]), InsightDuck.num(r[6]));
          checked++;
        }
      }
      assertThat(checked).isEqualTo(16);
    }
  }
}
