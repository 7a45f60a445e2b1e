package io.tributary.transform;

import java.nio.file.Path;

/** One conversion: the staged input, its format, the bad-row policy, where the dataset's Parquet goes, the limits. */
public record ConvertRequest(Path input, SourceType type, boolean skipBadRows, Path outputFile, InputLimits limits) {

  /** With the default limits. */
  public ConvertRequest(Path input, SourceType type, boolean skipBadRows, Path outputFile) {
    this(input, type, skipBadRows, outputFile, InputLimits.DEFAULTS);
  }
}
