package io.tributary.lake;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One object PUT, or a multipart upload for files of at least the threshold; a failed multipart upload is aborted. */
final class S3Upload {

  private static final String TYPE = "application/octet-stream";

  private final S3Client client;
  private final String bucket;
  private final long threshold;
  private final int partSize;

  S3Upload(S3Client client, String bucket, long threshold, long partSize) {
    this.client = client;
    this.bucket = bucket;
    this.threshold = threshold;
    this.partSize = (int) Math.max(5L << 20, Math.min(partSize, 512L << 20)); // S3 parts: at least 5 MiB
  }

  void put(String key, Path file, long size, Map<String, String> metadata) throws IOException {
    if (size < threshold) {
      client.putObject(b -> b.bucket(bucket).key(key).contentType(TYPE).contentLength(size).metadata(metadata),
        RequestBody.fromFile(file));
      return;
    }
    String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(TYPE).metadata(metadata))
      .uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      byte[] buffer = new byte[partSize];
      try (InputStream in = Files.newInputStream(file)) {
        for (int number = 1; ; number++) {
          int n = in.readNBytes(buffer, 0, partSize);
          if (n == 0) {
            break;
          }
          int part = number;
          String etag = client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(part)
            .contentLength((long) n), RequestBody.fromBytes(n == partSize ? buffer : java.util.Arrays.copyOf(buffer, n)))
            .eTag();
          parts.add(CompletedPart.builder().partNumber(part).eTag(etag).build());
        }
      }
      client.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
        .multipartUpload(m -> m.parts(parts)));
    } catch (RuntimeException | IOException e) {
      try {
        client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
      } catch (RuntimeException ignored) {
        // the store keeps an unfinished upload; its lifecycle rule or a later abort removes it
      }
      throw e;
    }
  }
}
