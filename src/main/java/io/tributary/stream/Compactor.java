package io.tributary.stream;

import io.tributary.lake.Lake;
import io.tributary.parquet.ParquetMerge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Merges small part files of a stream into one (DuckDB reads them by column name, so parts of different schema
 * generations merge with NULLs, and writes one Parquet file). Blocking: runs on the stream writer pool. The swap
 * in the catalog is the caller's ({@link StreamRepository#replaceParts}); until then nothing a query reads changes.
 */
final class Compactor {

  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

  private Compactor() {
  }

  /**
   * The oldest run of small parts worth merging: at least {@code minParts} parts each under half the target size,
   * together up to about the target size; empty when there is nothing to do.
   */
  static List<StreamRepository.Part> pick(List<StreamRepository.Part> parts, long targetBytes, int minParts) {
    List<StreamRepository.Part> small = new ArrayList<>();
    long total = 0;
    for (StreamRepository.Part p : parts) {
      if (p.sizeBytes() >= targetBytes / 2) {
        continue;
      }
      if (!small.isEmpty() && total + p.sizeBytes() > targetBytes) {
        break;
      }
      small.add(p);
      total += p.sizeBytes();
    }
    return small.size() >= minParts ? small : List.of();
  }

  /**
   * Writes the merge of the parts next to them (fetching parts other nodes wrote) and publishes it to the lake;
   * returns the new part (not yet registered).
   */
  static StreamRepository.Part merge(Lake lake, List<StreamRepository.Part> parts, String partsDir)
    throws SQLException, IOException {
    UUID id = UUID.randomUUID();
    String relative = partsDir + "/" + id + ".parquet";
    Path target = lake.dataDir().resolve(relative);
    List<Path> inputs = new java.util.ArrayList<>();
    for (StreamRepository.Part p : parts) {
      inputs.add(lake.fetch(p.path()));
    }
    long rows = ParquetMerge.merge(inputs, target);
    long expected = parts.stream().mapToLong(StreamRepository.Part::rows).sum();
    if (rows != expected) {
      Files.deleteIfExists(target);
      throw new IOException("compaction produced " + rows + " rows instead of " + expected);
    }
    lake.publish(relative);
    LOG.debug("Merged {} parts ({} rows) into {}", parts.size(), rows, relative);
    return new StreamRepository.Part(id, relative, Files.size(target), rows);
  }
}
