package io.tributary.lake;

import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lake in an S3-compatible bucket ({@code lake.url = s3://bucket/prefix}). Objects are immutable and named
 * like their local files; each carries its SHA-256 as metadata, checked when a node fetches it into its cache.
 * Calls that fail because the store is unreachable are retried for {@code lake.retry_ms}, then fail with
 * {@link LakeUnavailableException}.
 */
public final class S3Lake implements Lake {

  private static final Logger LOG = LoggerFactory.getLogger(S3Lake.class);
  static final String SHA256 = "sha256";

  private final Path dataDir;
  private final S3Client client;
  private final String bucket;
  private final String prefix;
  private final String endpoint;
  private final long retryMs;
  private final S3Upload upload;
  private final LakeCache cache;
  private final Map<String, Object> fetching = new ConcurrentHashMap<>();

  private S3Lake(Path dataDir, S3Client client, URI url, String endpoint, JsonObject cfg, long pinMs) {
    this.dataDir = dataDir;
    this.client = client;
    this.bucket = url.getHost();
    String p = url.getPath() == null ? "" : url.getPath().replaceAll("^/+", "");
    this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
    this.endpoint = endpoint == null ? "AWS S3" : endpoint;
    this.retryMs = cfg.getLong("retry_ms", 60_000L);
    this.upload = new S3Upload(client, bucket, cfg.getLong("multipart_threshold_bytes", 64L << 20),
      cfg.getLong("part_size_bytes", 16L << 20));
    this.cache = new LakeCache(dataDir, cfg.getLong("cache_max_bytes", 10L << 30), pinMs);
  }

  /**
   * Opens the lake of the {@code lake} section and loads the cache of what {@code dataDir} holds. Blocking.
   *
   * @param pinMs how long a used cached file is kept whatever the bound (the file grace period)
   */
  public static S3Lake open(JsonObject cfg, Path dataDir, long pinMs) throws IOException {
    URI url = URI.create(cfg.getString("url"));
    if (!"s3".equals(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException("lake.url must look like s3://bucket/prefix, not " + cfg.getString("url"));
    }
    String endpoint = blank(cfg.getString("endpoint")) ? null : cfg.getString("endpoint");
    AwsCredentialsProvider credentials = blank(cfg.getString("access_key")) ? DefaultCredentialsProvider.builder().build()
      : StaticCredentialsProvider.create(AwsBasicCredentials.create(cfg.getString("access_key"),
      cfg.getString("secret_key", "")));
    var builder = S3Client.builder()
      .region(Region.of(cfg.getString("region", "us-east-1")))
      .credentialsProvider(credentials)
      .forcePathStyle(cfg.getBoolean("path_style", true))
      // S3-compatible stores (MinIO, s3proxy) do not all take the SDK's default trailing CRC checksums
      .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
      .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
      .httpClientBuilder(ApacheHttpClient.builder().maxConnections(32).connectionTimeout(Duration.ofSeconds(3)));
    if (endpoint != null) {
      builder.endpointOverride(URI.create(endpoint));
    }
    S3Lake lake = new S3Lake(dataDir, builder.build(), url, endpoint, cfg, pinMs);
    lake.cache.load();
    lake.cache.trim();
    LOG.info("Lake: s3://{}/{} at {}; local cache {} ({} bytes now)", lake.bucket, lake.prefix, lake.endpoint,
      dataDir, lake.cache.totalBytes());
    return lake;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  @Override
  public Path dataDir() {
    return dataDir;
  }

  @Override
  public boolean remote() {
    return true;
  }

  @Override
  public void publish(String relative) throws IOException {
    Path file = dataDir.resolve(relative);
    long size = Files.size(file);
    String sha = Checksums.sha256(file);
    retrying("upload of " + relative, () -> {
      upload.put(prefix + relative, file, size, Map.of(SHA256, sha));
      return null;
    });
    if (relative.startsWith("datasets/")) {
      cache.added(relative, size);
    }
  }

  @Override
  public boolean cached(String relative) {
    return cache.touch(relative);
  }

  @Override
  public Path fetch(String relative) throws IOException {
    Path local = dataDir.resolve(relative);
    Object lock = fetching.computeIfAbsent(relative, k -> new Object());
    synchronized (lock) {
      try {
        if (!Files.exists(local)) {
          download(relative, local);
        }
        if (relative.startsWith("datasets/")) {
          cache.added(relative, Files.size(local));
        }
        return local;
      } finally {
        fetching.remove(relative);
      }
    }
  }

  private void download(String relative, Path local) throws IOException {
    Files.createDirectories(local.getParent());
    Path temp = local.resolveSibling(local.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      retrying("download of " + relative, () -> {
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(b -> b.bucket(bucket).key(prefix + relative));
             OutputStream out = Files.newOutputStream(temp)) {
          String got = Checksums.copy(in, out);
          String expected = in.response().metadata().get(SHA256);
          if (!got.equals(expected)) {
            throw new LakeCorruptException("Lake object " + relative + " does not match its checksum (expected "
              + expected + ", got " + got + ")");
          }
          return null;
        } catch (NoSuchKeyException e) {
          throw new java.io.FileNotFoundException("Lake object " + relative + " does not exist");
        }
      });
      Files.move(temp, local, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public void deleteRemote(String relative) throws IOException {
    retrying("delete of " + relative, () -> client.deleteObject(b -> b.bucket(bucket).key(prefix + relative)));
    cache.forget(relative);
  }

  @Override
  public int sweep(Set<String> live, long graceMs) throws IOException {
    Instant cutoff = Instant.now().minusMillis(graceMs);
    int removed = 0;
    for (String area : List.of("datasets/", "staging/")) {
      for (S3Object o : list(area)) {
        String relative = o.key().substring(prefix.length());
        if (!live.contains(relative) && o.lastModified().isBefore(cutoff)) {
          client.deleteObject(b -> b.bucket(bucket).key(o.key()));
          removed++;
        }
      }
    }
    cache.reconcile();
    if (removed > 0) {
      LOG.info("Removed {} lake object(s) no dataset or job refers to", removed);
    }
    return removed;
  }

  @Override
  public int expire(String area, long maxAgeMs) throws IOException {
    Instant cutoff = Instant.now().minusMillis(maxAgeMs);
    int removed = 0;
    for (S3Object o : list(area)) {
      if (o.lastModified().isBefore(cutoff)) {
        retrying("delete of " + o.key(), () -> client.deleteObject(b -> b.bucket(bucket).key(o.key())));
        removed++;
      }
    }
    LocalLake.deleteOlder(dataDir.resolve(area), maxAgeMs);
    if (removed > 0) {
      LOG.info("Removed {} expired lake object(s) under {}", removed, area);
    }
    return removed;
  }

  /** Every object under {@code area}. */
  private List<S3Object> list(String area) throws IOException {
    return retrying("listing of " + area, () -> client
      .listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + area)).contents().stream().toList());
  }

  /** The bytes the cache holds now. */
  public long cachedBytes() {
    return cache.totalBytes();
  }

  /** Raw GET of an object into nothing, for benchmarks: @return its size. Blocking. */
  public long readRaw(String relative) throws IOException {
    try (InputStream in = client.getObject(b -> b.bucket(bucket).key(prefix + relative))) {
      return in.transferTo(OutputStream.nullOutputStream());
    }
  }

  @Override
  public void close() {
    client.close();
  }

  private interface Call<T> {
    T run() throws IOException;
  }

  /** Runs {@code call}, retrying while the store is unreachable or failing (5xx, 429), for at most retry_ms. */
  private <T> T retrying(String what, Call<T> call) throws IOException {
    long deadline = System.currentTimeMillis() + retryMs;
    long pause = 200;
    boolean warned = false;
    while (true) {
      try {
        T result = call.run();
        if (warned) {
          LOG.info("The object store at {} answers again ({})", endpoint, what);
        }
        return result;
      } catch (SdkClientException | S3Exception e) {
        boolean transientFailure = !(e instanceof S3Exception s) || s.statusCode() >= 500 || s.statusCode() == 429;
        if (!transientFailure) {
          throw new IOException("The object store refused the " + what + ": " + e.getMessage(), e);
        }
        if (System.currentTimeMillis() + pause > deadline) {
          throw new LakeUnavailableException("The object store at " + endpoint + " did not answer for "
            + retryMs / 1000 + " s (" + what + "); nothing was lost, retry later", e);
        }
        if (!warned) {
          LOG.warn("The object store at {} does not answer ({}); retrying for up to {} s: {}", endpoint, what,
            retryMs / 1000, e.getMessage());
          warned = true;
        }
        try {
          Thread.sleep(pause);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("Interrupted while waiting for the object store", ie);
        }
        pause = Math.min(pause * 2, 2_000);
      }
    }
  }

  /** A fetched object that does not match its SHA-256 (it is not kept). */
  public static final class LakeCorruptException extends IOException {
    private static final long serialVersionUID = 1L;

    LakeCorruptException(String message) {
      super(message);
    }
  }
}
