package io.tributary.stream;

import io.tributary.support.Duck;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A stream batch becomes Parquet parts holding every good record once, in order, with widened types")
class BatchWriterTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("runs parsed while the batch fills, written as several parts at once, read back by DuckDB")
  void partsHoldEveryRecordOnce() throws Exception {
    List<BatchWriter.Parsed> runs = new ArrayList<>();
    int seq = 0;
    for (int run = 0; run < 6; run++) {
      List<BatchWriter.Input> inputs = new ArrayList<>();
      for (int i = 0; i < 5_000; i++, seq++) {
        String json = switch (seq % 1_000) {
          // a field order change, a new field, a number that widens, a null first, a bad record
          case 7 -> "{\"v\":" + seq + ".5,\"id\":" + seq + ",\"tag\":null}";
          case 8 -> "{\"id\":" + seq + ",\"v\":1,\"extra\":true}";
          case 9 -> "not json " + seq;
          default -> "{\"id\":" + seq + ",\"v\":" + (seq % 10) + ",\"tag\":\"t" + (seq % 3) + "\"}";
        };
        inputs.add(new BatchWriter.Input(json.getBytes(StandardCharsets.UTF_8), 0, seq));
      }
      runs.add(BatchWriter.parse(inputs));
    }
    BatchWriter.Plan plan = BatchWriter.plan(runs, new StreamSchema());
    List<List<BatchWriter.Parsed>> split = BatchWriter.split(runs, plan.rows, 2, 10_000);
    assertThat(split).hasSize(2);
    List<BatchWriter.Written> written = new ArrayList<>();
    for (List<BatchWriter.Parsed> part : split) {
      written.add(BatchWriter.writePart(plan, part, dir));
    }
    BatchWriter.Result result = BatchWriter.result(plan, written);

    assertThat(result.dead()).hasSize(30);
    assertThat(result.dead().get(0).reason()).startsWith("invalid JSON");
    assertThat(result.rows()).isEqualTo(29_970);
    assertThat(result.parts()).hasSize(2);
    assertThat(result.parts().stream().mapToLong(BatchWriter.Part::rows).sum()).isEqualTo(29_970);
    assertThat(result.schema().columns()).containsExactly(Map.entry("id", "BIGINT"), Map.entry("v", "DOUBLE"),
      Map.entry("tag", "VARCHAR"), Map.entry("extra", "BOOLEAN"));

    String files = result.parts().stream().map(p -> Duck.lit(p.file())).collect(Collectors.joining(", ", "[", "]"));
    Map<String, Object> check = Duck.rows("SELECT count(*) AS n, count(DISTINCT id) AS ids, min(id) AS lo, max(id) AS hi, "
      + "sum(v) AS v, count(tag) AS tags, count(extra) AS extras FROM read_parquet(" + files + ", union_by_name = true)")
      .get(0);
    long sumV = 0;
    long tags = 0;
    for (int s = 0; s < 30_000; s++) {
      switch (s % 1_000) {
        case 7 -> sumV += 0; // counted below as s + 0.5
        case 8 -> sumV += 1;
        case 9 -> { }
        default -> {
          sumV += s % 10;
          tags++;
        }
      }
    }
    double expectedV = sumV;
    for (int s = 7; s < 30_000; s += 1_000) {
      expectedV += s + 0.5;
    }
    assertThat(((Number) check.get("n")).longValue()).isEqualTo(29_970);
    assertThat(((Number) check.get("ids")).longValue()).isEqualTo(29_970);
    assertThat(((Number) check.get("lo")).longValue()).isZero();
    assertThat(((Number) check.get("hi")).longValue()).isEqualTo(29_999);
    assertThat(((Number) check.get("v")).doubleValue()).isEqualTo(expectedV);
    assertThat(((Number) check.get("tags")).longValue()).isEqualTo(tags);
    assertThat(((Number) check.get("extras")).longValue()).isEqualTo(30);
    // each part holds consecutive records in order
    for (BatchWriter.Part p : result.parts()) {
      List<Map<String, Object>> ids = Duck.rows("SELECT id FROM read_parquet(" + Duck.lit(p.file()) + ")");
      for (int i = 1; i < ids.size(); i++) {
        assertThat(((Number) ids.get(i).get("id")).longValue())
          .isGreaterThan(((Number) ids.get(i - 1).get("id")).longValue());
      }
    }
    // the batch statistics cover both parts: exact count, mean of the widened column
    ColumnStats v = result.stats().columns.get("v");
    assertThat(v.values).isEqualTo(29_970);
    assertThat(v.mean).isCloseTo(expectedV / 29_970, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  @DisplayName("a small batch is one part; runs are never split inside")
  void split() {
    List<BatchWriter.Parsed> runs = new ArrayList<>();
    for (int run = 0; run < 3; run++) {
      List<BatchWriter.Input> inputs = new ArrayList<>();
      for (int i = 0; i < 4_000; i++) {
        inputs.add(new BatchWriter.Input(("{\"a\":" + i + "}").getBytes(StandardCharsets.UTF_8), 0, i));
      }
      runs.add(BatchWriter.parse(inputs));
    }
    assertThat(BatchWriter.split(runs, 12_000, 2, 10_000)).hasSize(1);
    List<List<BatchWriter.Parsed>> two = BatchWriter.split(runs, 12_000, 2, 5_000);
    assertThat(two).hasSize(2);
    assertThat(two.get(0).size() + two.get(1).size()).isEqualTo(3);
  }
}
