package io.tributary.transform;

import io.tributary.support.Duck;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A Parquet upload is rewritten by DuckDB with its names, its documented types and identical values")
class ParquetRoundTripTest {

  @TempDir
  Path dir;

  /** Every kind of column, with NULLs, odd names and values at the edges. */
  static final String INPUT = "SELECT (i % 100)::TINYINT AS \"tiny one\", i::SMALLINT AS \"Small\", i::INTEGER AS \"int$\", "
    + "(i * 1000000007)::BIGINT AS big, i::UINTEGER AS uint, (i / 3)::FLOAT AS f, i / 7 AS d, "
    + "(i * 1.2345)::DECIMAL(18,4) AS dec18, (i * 3.1)::DECIMAL(38,10) AS dec38, i % 2 = 0 AS \"bool \"\"q\"\"\", "
    + "CASE WHEN i % 5 = 0 THEN NULL ELSE 'héllo ' || i END AS \"ünïcode\", unhex(printf('%02x', i % 256)) AS bin, "
    + "DATE '1970-01-01' + i::INTEGER AS day, TIME '01:02:03.456789' + to_seconds(i) AS clock, "
    + "TIMESTAMP '2020-02-29 12:00:00.123456' + to_seconds(i) AS ts, "
    + "(TIMESTAMP '2020-02-29 12:00:00.123' + to_seconds(i))::TIMESTAMP_MS AS ts_ms, "
    + "TIMESTAMPTZ '2021-01-01 00:00:00.5+05' + to_hours(i) AS tstz, "
    + "('11111111-1111-4111-8111-' || lpad(i::VARCHAR, 12, '0'))::UUID AS id, "
    + "[i, i + 1] AS list, {'a': i} AS struct, to_hours(i) AS span "
    + "FROM range(5000) t(i)";

  @Test
  @DisplayName("round trip: EXCEPT ALL both ways is empty against the input cast to the documented types")
  void roundTrip() throws Exception {
    Path input = dir.resolve("in.parquet");
    Duck.exec("COPY (" + INPUT + ") TO " + Duck.lit(input) + " (FORMAT parquet, ROW_GROUP_SIZE 1000)");
    Path output = dir.resolve("out.parquet");
    ConvertResult result = DatasetConverter.convert(new ConvertRequest(input, SourceType.PARQUET, false, output,
      InputLimits.DEFAULTS), percent -> { });
    assertThat(result.rowCount()).isEqualTo(5000);

    List<String> expected = List.of("tiny one INTEGER", "Small INTEGER", "int$ INTEGER", "big BIGINT", "uint BIGINT",
      "f FLOAT", "d DOUBLE", "dec18 DECIMAL(18,4)", "dec38 DECIMAL(38,10)", "bool \"q\" BOOLEAN", "ünïcode VARCHAR",
      "bin BLOB", "day DATE", "clock TIME", "ts TIMESTAMP", "ts_ms TIMESTAMP", "tstz TIMESTAMP WITH TIME ZONE",
      "id VARCHAR", "list VARCHAR", "struct VARCHAR", "span VARCHAR");
    assertThat(result.columns().stream().map(c -> c.name() + " " + c.type()).toList()).isEqualTo(expected);
    List<String> written = Duck.rows("DESCRIBE SELECT * FROM read_parquet(" + Duck.lit(output) + ")").stream()
      .map(r -> r.get("column_name") + " " + r.get("column_type")).toList();
    assertThat(written).isEqualTo(expected);

    StringBuilder cast = new StringBuilder("SELECT ");
    for (int i = 0; i < result.columns().size(); i++) {
      ColumnSpec c = result.columns().get(i);
      String q = "\"" + c.name().replace("\"", "\"\"") + "\"";
      cast.append(i == 0 ? "" : ", ").append("CAST(").append(q).append(" AS ").append(c.type()).append(") AS ").append(q);
    }
    String in = cast + " FROM read_parquet(" + Duck.lit(input) + ")";
    String out = "SELECT * FROM read_parquet(" + Duck.lit(output) + ")";
    assertThat(Duck.value("SELECT count(*) FROM (" + in + " EXCEPT ALL " + out + ")")).isEqualTo(0L);
    assertThat(Duck.value("SELECT count(*) FROM (" + out + " EXCEPT ALL " + in + ")")).isEqualTo(0L);
    assertThat(Duck.value("SELECT count(*) FROM (" + out + ") WHERE \"ünïcode\" IS NULL")).isEqualTo(1000L);
  }
}
