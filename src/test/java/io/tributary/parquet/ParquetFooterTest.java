package io.tributary.parquet;

import io.tributary.support.Duck;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The row count of a Parquet file's footer")
class ParquetFooterTest {

  @Test
  @DisplayName("is the rows DuckDB counts, across row groups; a file that is not Parquet is refused")
  void rowsFromTheFooter(@TempDir Path dir) throws Exception {
    ParquetFooter.warmUp();
    Path file = dir.resolve("data.parquet");
    Duck.exec("COPY (SELECT i AS id, 'x' || i AS s FROM range(250000) t(i)) TO " + Duck.lit(file)
      + " (FORMAT parquet, ROW_GROUP_SIZE 100000)");
    assertThat(ParquetFooter.rows(file)).isEqualTo(250_000L)
      .isEqualTo(((Number) Duck.value("SELECT count(*) FROM read_parquet(" + Duck.lit(file) + ")")).longValue());

    Path text = dir.resolve("notes.parquet");
    Files.writeString(text, "PAR1 this is not a parquet file PAR1");
    assertThatThrownBy(() -> ParquetFooter.rows(text)).isInstanceOf(IOException.class);
    byte[] cut = Files.readAllBytes(file);
    Path truncated = dir.resolve("cut.parquet");
    Files.write(truncated, java.util.Arrays.copyOf(cut, cut.length / 2));
    assertThatThrownBy(() -> ParquetFooter.rows(truncated)).isInstanceOf(IOException.class);
  }
}
