package io.tributary.ingest;

import io.tributary.bus.ApiException;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Upload decisions made before processing")
class UploadValidatorTest {

  @Test
  @DisplayName("dataset names default to the file name made SQL-safe")
  void defaultNames() {
    assertThat(UploadValidator.datasetName(null, "seattle-weather.csv")).isEqualTo("seattle_weather");
    assertThat(UploadValidator.datasetName("", "My Data (2024).JSON")).isEqualTo("my_data_2024");
    assertThat(UploadValidator.datasetName(null, "2024 sales.csv")).isEqualTo("_2024_sales");
    assertThat(UploadValidator.datasetName(null, "C:\\\\files\\\\Ümlaut.csv")).isEqualTo("mlaut");
    assertThat(UploadValidator.datasetName(null, "....csv")).isEqualTo("dataset");
    assertThat(UploadValidator.datasetName(null, "x".repeat(100) + ".csv")).hasSize(63);
    assertThat(UploadValidator.datasetName("given_name", "ignored.csv")).isEqualTo("given_name");
  }

  @Test
  @DisplayName("the source type comes from the declaration, else the extension, else the first bytes")
  void sourceTypes() {
    assertThat(UploadValidator.sourceType("JSON", "x.csv", Buffer.buffer("a,b"))).isEqualTo("json");
    assertThat(UploadValidator.sourceType(null, "x.ndjson", Buffer.buffer("{}"))).isEqualTo("json");
    assertThat(UploadValidator.sourceType(null, "x.parquet", Buffer.buffer("PAR1"))).isEqualTo("parquet");
    assertThat(UploadValidator.sourceType(null, "blob", Buffer.buffer("PAR1xxxx"))).isEqualTo("parquet");
    assertThat(UploadValidator.sourceType(null, "blob", Buffer.buffer("\uFEFF  [{\"a\":1}]"))).isEqualTo("json");
    assertThat(UploadValidator.sourceType(null, "blob", Buffer.buffer("a,b\n1,2"))).isEqualTo("csv");
    assertThatThrownBy(() -> UploadValidator.sourceType("xml", "x", Buffer.buffer("<a/>")))
      .isInstanceOf(ApiException.class).hasMessageContaining("source_type");
  }

  @Test
  @DisplayName("text types refuse binary or non-UTF-8 bytes; a multi-byte character cut at the sample end is fine")
  void content() {
    UploadValidator.checkContent("csv", Buffer.buffer("name\nZürich\n"));
    byte[] cut = "a\nZü".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    UploadValidator.checkContent("csv", Buffer.buffer(java.util.Arrays.copyOf(cut, cut.length - 1)));
    assertThatThrownBy(() -> UploadValidator.checkContent("csv", Buffer.buffer(new byte[] {'a', 0, 'b'})))
      .isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> UploadValidator.checkContent("csv", Buffer.buffer(new byte[] {'a', (byte) 0xC3, 'b'})))
      .isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> UploadValidator.checkContent("json", Buffer.buffer("a,b")))
      .isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> UploadValidator.checkContent("parquet", Buffer.buffer("a,b")))
      .isInstanceOf(ApiException.class);
  }
}
