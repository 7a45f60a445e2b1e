package io.tributary.transform;

import java.nio.file.Path;

/** One conversion: the staged input, its format, the bad-row policy and where the dataset's Parquet goes. */
public record ConvertRequest(Path input, SourceType type, boolean skipBadRows, Path outputFile) {
}
