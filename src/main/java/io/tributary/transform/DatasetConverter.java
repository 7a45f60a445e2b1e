package io.tributary.transform;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;

/**
 * Turns a staged upload (CSV, JSON or Parquet) into one Parquet file written with parquet-avro, whose columns
 * carry the user's names exactly. The file appears at {@code outputFile} only when complete (temporary name,
 * atomic rename). Blocking; honours thread interruption.
 */
public final class DatasetConverter {

  private DatasetConverter() {
  }

  public static ConvertResult convert(ConvertRequest request, ProgressListener progress)
      throws ConversionException, IOException {
    if (!Files.isRegularFile(request.input()) || Files.size(request.input()) == 0) {
      throw new ConversionException("the file is empty");
    }
    progress.progress(0);
    ConvertResult result;
    try {
      result = switch (request.type()) {
        case CSV -> new CsvConverter(request, progress).convert();
        case JSON -> new JsonConverter(request, progress, true, true).convert();
        case PARQUET -> new ParquetConverter(request, progress).convert();
      };
    } catch (InputLimitException e) {
      throw new ConversionException(e.getMessage());
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("conversion interrupted");
    }
    return result;
  }
}
