package io.tributary.ingest;

import java.util.UUID;

/**
 * A received upload, validated and staged on disk, about to become a queued job. With {@code replace} it is a
 * new version of the owner's dataset of that name (when one exists).
 */
public record Upload(UUID jobId, UUID datasetId, UUID ownerId, String name, String sourceType, boolean skipBadRows,
                     String stagingPath, String originalFilename, long sizeBytes, boolean replace) {

  Upload withDataset(UUID existing) {
    return new Upload(jobId, existing, ownerId, name, sourceType, skipBadRows, stagingPath, originalFilename, sizeBytes,
      true);
  }

  Upload withReplace(boolean value) {
    return new Upload(jobId, datasetId, ownerId, name, sourceType, skipBadRows, stagingPath, originalFilename, sizeBytes,
      value);
  }
}
