package io.tributary.transform;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * Converts a small generated CSV, then the same rows with more kinds of keys and values as NDJSON, a few times at
 * start, so the JIT has compiled the parsing and Parquet encoding paths of both before the first real upload (a cold
 * first conversion takes several times as long as a warm one; the NDJSON path shares little with the CSV one: its
 * line scan, Jackson and the column tallies). Every column kind and empty fields (nulls) appear; the files live in a
 * private temporary folder and are removed afterwards.
 */
final class ConverterWarmUp {

  private static final int PASSES = 3;
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
  private static final String[] WORDS = {"north", "south", "east", "west", "centre"};

  private ConverterWarmUp() {
  }

  /** Blocking; {@code rows} per pass. */
  static void run(Path tempDir, int rows) throws IOException, ConversionException {
    Files.createDirectories(tempDir);
    Path csv = tempDir.resolve("warm-up-" + UUID.randomUUID() + ".csv");
    Path json = tempDir.resolve("warm-up-" + UUID.randomUUID() + ".ndjson");
    Path parquet = tempDir.resolve("warm-up-" + UUID.randomUUID() + ".parquet");
    try {
      write(csv, rows);
      convert(csv, SourceType.CSV, parquet);
      writeJson(json, rows);
      convert(json, SourceType.JSON, parquet);
    } finally {
      Files.deleteIfExists(csv);
      Files.deleteIfExists(json);
      Files.deleteIfExists(parquet);
    }
  }

  private static void convert(Path input, SourceType type, Path parquet) throws IOException, ConversionException {
    for (int pass = 0; pass < PASSES && !Thread.currentThread().isInterrupted(); pass++) {
      DatasetConverter.convert(new ConvertRequest(input, type, false, parquet), percent -> { });
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

  /**
   * The rows of {@link #write} as NDJSON objects, plus what real files bring and those rows lack, each of which
   * would otherwise send the first real upload's compiled scan back to the interpreter: keys of every length Jackson
   * reads by a path of its own (up to 4, 8, 12 and more bytes), timestamps and doubles in increasing order (their
   * tallies go on past the set's limit), negative and long integers, escaped and non-ASCII strings.
   */
  private static void writeJson(Path json, int rows) throws IOException {
    LocalDateTime start = LocalDateTime.of(2024, 1, 1, 0, 0);
    try (BufferedWriter w = Files.newBufferedWriter(json, StandardCharsets.UTF_8)) {
      for (int i = 0; i < rows; i++) {
        w.append("{\"id\":").append(Integer.toString(i)).append(",\"word\":\"").append(WORDS[i % WORDS.length])
          .append("\",\"amount\":").append(Integer.toString(i % 1000)).append('.').append(Integer.toString(1 + i % 97))
          .append(",\"count\":").append(i % 5 == 0 ? "null" : Integer.toString(i % 10_000))
          .append(",\"flag\":").append(i % 3 == 0 ? "true" : "false")
          .append(",\"at\":\"").append(String.format("2024-01-%02dT%02d:%02d:%02d", 1 + i % 28, i % 24, i % 60,
            (i / 60) % 60)).append('"')
          .append(",\"category\":\"").append(WORDS[(i / 7) % WORDS.length]).append(i % 11 == 0 ? "-\u00e9t\u00e9" : "")
          .append('"')
          .append(",\"created_at\":\"").append(ISO.format(start.plusSeconds(i * 7L))).append('"')
          .append(",\"running_total_usd\":").append(Double.toString(i * 0.25 + 0.01))
          .append(",\"delta\":").append(Long.toString((i % 2 == 0 ? -1L : 1L) * i * 92_233_720_368L))
          .append(",\"note\":\"").append(i % 7 == 0 ? "say \\\"hi\\\"" : i % 13 == 0 ? "caf\u00e9 " + i : "row " + i)
          .append("\"}\n");
      }
    }
  }
}
