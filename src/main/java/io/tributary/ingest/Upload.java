package io.tributary.ingest;

import java.util.UUID;

/**
 * A received upload, validated and staged on disk, about to become a queued job. With {@code replace} it is a
 * new version of the owner's dataset of that name (when one exists); with {@code append} its rows are added to an
 * existing dataset ({@code datasetId} when the caller named it by id, else the caller's dataset {@code name}) as a new
 * version.
 */
public record Upload(UUID jobId, UUID datasetId, UUID ownerId, String name, String sourceType, boolean skipBadRows,
                     String stagingPath, String originalFilename, long sizeBytes, boolean replace, boolean append) {

  Upload withDataset(UUID existing, String existingName) {
    return new Upload(jobId, existing, ownerId, existingName, sourceType, skipBadRows, stagingPath, originalFilename,
      sizeBytes, true, append);
  }

  Upload withReplace(boolean value) {
    return new Upload(jobId, datasetId, ownerId, name, sourceType, skipBadRows, stagingPath, originalFilename, sizeBytes,
      value, append);
  }
}
