package io.tributary.transform;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A CSV header read from the first bytes of a file")
class CsvHeaderTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("names come out as the converter gives them: quoted, blank and repeated ones, any separator, after a BOM")
  void namesAsTheConverterGivesThem() {
    assertThat(CsvHeader.columns(bytes("\uFEFF\"a,b\";;a;a\n1;2;3;4\n"), false))
      .containsExactly("a,b", "column_2", "a", "a_2");
    assertThat(CsvHeader.columns(bytes("x\ty\n1\t2"), false)).containsExactly("x", "y");
    assertThat(CsvHeader.columns(bytes("\r\nid,name\r\n"), false)).containsExactly("id", "name");
  }

  @Test
  @DisplayName("a header that does not end within the bytes is undecided unless they are the whole file")
  void undecidedWhenCut() {
    assertThat(CsvHeader.columns(bytes("id,na"), false)).isNull();
    assertThat(CsvHeader.columns(bytes("id,name"), true)).containsExactly("id", "name");
    assertThat(CsvHeader.columns(bytes("\"id\nstill quoted"), true)).isNull();
  }
}
