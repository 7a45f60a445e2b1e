package io.tributary.query;

import java.nio.file.Path;
import java.util.List;

/**
 * A dataset as a query table: its name, its Parquet files under the owner's folder (one for an uploaded dataset,
 * the registered parts of a stream, read by column name) and its version.
 */
public record QueryTable(String name, List<Path> files, int version) {
}
