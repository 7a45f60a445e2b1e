package io.tributary.ingest;

import java.util.List;
import java.util.UUID;

/**
 * A received upload, validated and staged on disk, about to become a queued job. With {@code replace} it is a
 * new version of the owner's dataset of that name (when one exists); with {@code append} its rows are added to an
 * existing dataset ({@code datasetId} when the caller named it by id, else the caller's dataset {@code name}) as a new
 * version. {@code columns} are a CSV file's column names read from its header before the job runs (null when the
 * first bytes do not hold the whole header, or for other types): an append checks them against the dataset at once.
 */
public record Upload(UUID jobId, UUID datasetId, UUID ownerId, String name, String sourceType, boolean skipBadRows,
                     String stagingPath, String originalFilename, long sizeBytes, boolean replace, boolean append,
                     List<String> columns) {

  Upload withDataset(UUID existing, String existingName) {
    return new Upload(jobId, existing, ownerId, existingName, sourceType, skipBadRows, stagingPath, originalFilename,
      sizeBytes, true, append, columns);
  }

  Upload withReplace(boolean value) {
    return new Upload(jobId, datasetId, ownerId, name, sourceType, skipBadRows, stagingPath, originalFilename, sizeBytes,
      value, append, columns);
  }
}
