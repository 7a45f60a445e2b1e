package io.tributary.transform;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Converts a small generated CSV a few times at start, so the JIT has compiled the parsing and Parquet encoding
 * paths before the first real upload (a cold first conversion takes several times as long as a warm one). Every
 * column kind and empty fields appear; the files live in a private temporary folder and are removed afterwards.
 */
final class ConverterWarmUp {

  private static final int PASSES = 3;
  private static final String[] WORDS = {"north", "south", "east", "west", "centre"};

  private ConverterWarmUp() {
  }

  /** Blocking; {@code rows} per pass. */
  static void run(Path tempDir, int rows) throws IOException, ConversionException {
    Files.createDirectories(tempDir);
    Path csv = tempDir.resolve("warm-up-" + UUID.randomUUID() + ".csv");
    Path parquet = tempDir.resolve("warm-up-" + UUID.randomUUID() + ".parquet");
    try {
      write(csv, rows);
      for (int pass = 0; pass < PASSES && !Thread.currentThread().isInterrupted(); pass++) {
        DatasetConverter.convert(new ConvertRequest(csv, SourceType.CSV, false, parquet), percent -> { });
        Files.deleteIfExists(parquet);
      }
    } finally {
      Files.deleteIfExists(csv);
      Files.deleteIfExists(parquet);
    }
  }

  private static void write(Path csv, int rows) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      w.write("id,word,amount,count,flag,day,at\n");
      for (int i = 0; i < rows; i++) {
        w.append(Integer.toString(i)).append(',').append(WORDS[i % WORDS.length]).append(',')
          .append(Integer.toString(i % 1000)).append('.').append(Integer.toString(i % 97)).append(',')
          .append(i % 5 == 0 ? "" : Integer.toString(i % 10_000)).append(',')
          .append(i % 3 == 0 ? "true" : "false").append(',')
          .append(String.format("2024-%02d-%02d", 1 + i % 12, 1 + i % 28)).append(',')
          .append(String.format("2024-01-%02dT%02d:%02d:%02d", 1 + i % 28, i % 24, i % 60, (i / 60) % 60)).append('\n');
      }
    }
  }
}
