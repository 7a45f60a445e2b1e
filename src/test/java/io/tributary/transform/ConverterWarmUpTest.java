package io.tributary.transform;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

@DisplayName("The converter warm-up at start converts its CSV and its NDJSON and leaves no file behind")
class ConverterWarmUpTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("both warm-up files convert without an error (past the early COPY's 20,000 objects) and are removed")
  void convertsBothFormatsAndCleansUp() throws Exception {
    Path temp = dir.resolve("tmp").resolve("transform");
    assertThatCode(() -> ConverterWarmUp.run(temp, (int) JsonEarlyCopy.AFTER_OBJECTS + 5_000)).doesNotThrowAnyException();
    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left).isEmpty();
    }
  }
}
