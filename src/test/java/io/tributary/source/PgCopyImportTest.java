package io.tributary.source;

import io.tributary.support.Api;
import io.tributary.support.Duck;
import io.tributary.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A PostgreSQL import read through COPY keeps the values its text format escapes or spells unusually")
class PgCopyImportTest {

  /** Escaped text, dates and timestamps before Christ, offsets off the hour, wide numerics, float specials. */
  static final String[] TABLE = {
    "DROP TABLE IF EXISTS copy_edges",
    "CREATE TABLE copy_edges (id int, t text, d date, ts timestamp, tz timestamptz, n numeric(30,5), f real, "
      + "b bytea, c char(5))",
    "INSERT INTO copy_edges VALUES "
      + "(1, E'tab\\there', '0044-03-15 BC', '0044-03-15 10:11:12.5 BC', '2024-06-01 12:00:00.000001-03:30', "
      + "-12345678901234567890.12345, 'NaN', '\\x00ff', 'ab'), "
      + "(2, E'line\\nbreak\\r\\\\back \\\\N', '2024-02-29', '2024-02-29 23:59:59', '1999-12-31 23:59:59.999999+14', "
      + "0.5, 'Infinity', '', 'abcde'), "
      + "(3, '', NULL, NULL, NULL, NULL, '-Infinity', NULL, NULL), "
      + "(4, NULL, '9999-12-31', '1970-01-01 00:00:00', '1970-01-01 00:00:00+00', 0, '-0', '\\x5c09', '   ')",
    // more rows: some columns increasing, some repeating, so both ways of counting distinct values are used
    "INSERT INTO copy_edges SELECT g, 'x' || (g % 7), date '2000-01-01' + g, timestamp '2000-01-01' + g * interval '1 s', "
      + "NULL, g % 13, g / 3.0, decode(lpad(to_hex(g % 5), 2, '0'), 'hex'), 'k' || (g % 3) FROM generate_series(5, 2000) g",
    "GRANT SELECT ON copy_edges TO " + SourceDatabases.PG_USER};

  /** The values as PostgreSQL computes them, and as DuckDB reads them from the imported file. */
  static final String SOURCE = "SELECT id, t, d - date '1970-01-01', (extract(epoch FROM ts) * 1000000)::bigint, "
    + "(extract(epoch FROM tz) * 1000000)::bigint, n::text, f::text, encode(b, 'hex'), c FROM copy_edges ORDER BY id";
  static final String IMPORTED = "SELECT id, t, d - DATE '1970-01-01', epoch_us(ts), epoch_us(tz), CAST(n AS VARCHAR), "
    + "f, lower(hex(b)), c FROM read_parquet(%s) ORDER BY id";

  @TempDir
  Path dir;

  @BeforeAll
  static void databases() throws Exception {
    TestApp.get();
    SourceDatabases.preparePostgres();
    SourceDatabases.pg(TABLE);
  }

  @Test
  @DisplayName("every value equals the source's, and the profile's distinct counts equal DuckDB's count (binary COPY)")
  void edges() throws Exception {
    Api owner = Api.newUser("analyst");
    String conn = ImportTest.connect(owner, SourceDatabases.pgConnection("pg"));
    sameValues(owner, ImportTest.importAndWait(owner, new JsonObject().put("connection_id", conn)
      .put("table", "copy_edges").put("name", "copy_edges")));
  }

  @Test
  @DisplayName("with a column of a type only the text format gives (an interval), the values are the same (text COPY)")
  void edgesThroughText() throws Exception {
    Api owner = Api.newUser("analyst");
    String conn = ImportTest.connect(owner, SourceDatabases.pgConnection("pg"));
    sameValues(owner, ImportTest.importAndWait(owner, new JsonObject().put("connection_id", conn)
      .put("sql", "SELECT *, interval '1 day 02:03:04' * id AS span FROM copy_edges").put("name", "copy_edges_text")));
  }

  private void sameValues(Api owner, JsonObject job) throws Exception {
    assertThat(job.getLong("row_count")).isEqualTo(2000);
    Path parquet = ImportTest.download(owner, job.getString("dataset_id"), dir);

    List<List<Object>> expected = new ArrayList<>();
    try (Connection c = SourceDatabases.pgAdmin(SourceDatabases.PG_DATABASE); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(SOURCE)) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
          Object v = rs.getObject(i);
          row.add(v == null ? null : i == 7 ? Float.valueOf(Float.parseFloat((String) v)) : v.toString());
        }
        expected.add(row);
      }
    }
    List<List<Object>> imported = new ArrayList<>();
    for (Map<String, Object> r : Duck.rows(String.format(IMPORTED, Duck.lit(parquet)))) {
      List<Object> row = new ArrayList<>();
      r.values().forEach(v -> row.add(v == null || v instanceof Float ? v : v.toString()));
      imported.add(row);
    }
    assertThat(imported).hasSize(2000);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(imported.get(i)).as("row " + (i + 1)).isEqualTo(expected.get(i));
    }

    JsonArray columns = owner.get("/api/v1/data/profile/" + job.getString("dataset_id")).bodyAsJsonObject()
      .getJsonArray("columns");
    for (int i = 0; i < columns.size(); i++) {
      JsonObject column = columns.getJsonObject(i);
      String name = column.getString("name");
      assertThat(column.getLong("unique_count")).as(name)
        .isEqualTo(Duck.value("SELECT count(DISTINCT \"" + name + "\") FROM read_parquet(" + Duck.lit(parquet) + ")"));
    }
  }
}
