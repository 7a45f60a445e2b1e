package io.tributary.lake;

import io.tributary.support.S3Proxy;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("An S3 lake (s3proxy as its own process)")
class S3LakeTest {

  private static final String BUCKET = "lake-test";
  private static S3Proxy s3;
  private static Path root;

  @BeforeAll
  static void startS3() throws Exception {
    root = Path.of("target", "s3-lake-test-" + UUID.randomUUID()).toAbsolutePath();
    s3 = new S3Proxy(root.resolve("s3"), BUCKET).start();
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  private static JsonObject config(String prefix) {
    return new JsonObject().put("url", "s3://" + BUCKET + "/" + prefix).put("endpoint", s3.endpoint())
      .put("region", "us-east-1").put("access_key", "test").put("secret_key", "test").put("path_style", true)
      .put("cache_max_bytes", 1L << 30).put("multipart_threshold_bytes", 6L << 20).put("part_size_bytes", 5L << 20)
      .put("retry_ms", 30_000);
  }

  private static Path node(String name) throws Exception {
    return Files.createDirectories(root.resolve(name + "-" + UUID.randomUUID()));
  }

  private static String write(Path dataDir, String relative, int bytes, long seed) throws Exception {
    byte[] content = new byte[bytes];
    new Random(seed).nextBytes(content);
    Path file = dataDir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    return relative;
  }

  @Test
  @DisplayName("a file published by one node is fetched byte for byte by another, small or multipart")
  void publishedFilesReachOtherNodes() throws Exception {
    String prefix = "roundtrip-" + UUID.randomUUID();
    Path a = node("a");
    Path b = node("b");
    S3Lake lakeA = S3Lake.open(config(prefix), a, 0);
    S3Lake lakeB = S3Lake.open(config(prefix), b, 0);
    String small = write(a, "datasets/o1/d1/j1.parquet", 70_000, 1);
    String large = write(a, "datasets/o1/d2/j2.parquet", 13 << 20, 2); // over the 6 MiB threshold: 3 parts
    lakeA.publish(small);
    lakeA.publish(large);
    assertThat(lakeB.cached(small)).isFalse();
    Path gotSmall = lakeB.fetch(small);
    Path gotLarge = lakeB.fetch(large);
    assertThat(Files.mismatch(gotSmall, a.resolve(small))).isEqualTo(-1);
    assertThat(Files.mismatch(gotLarge, a.resolve(large))).isEqualTo(-1);
    assertThat(gotSmall).isEqualTo(b.resolve(small));
    assertThat(lakeB.cached(small)).isTrue();
    assertThat(lakeB.cachedBytes()).isEqualTo(70_000L + (13 << 20));
    lakeA.close();
    lakeB.close();
  }

  @Test
  @DisplayName("an object changed in the store fails its checksum and leaves no local copy")
  void tamperedObjectsAreRefused() throws Exception {
    String prefix = "tamper-" + UUID.randomUUID();
    Path a = node("a");
    Path b = node("b");
    S3Lake lakeA = S3Lake.open(config(prefix), a, 0);
    S3Lake lakeB = S3Lake.open(config(prefix), b, 0);
    String rel = write(a, "datasets/o/d/j.parquet", 10_000, 3);
    lakeA.publish(rel);
    Path stored = s3.object(BUCKET, prefix + "/" + rel);
    byte[] bytes = Files.readAllBytes(stored);
    bytes[5000] ^= 0x55;
    Files.write(stored, bytes); // same file: the object's metadata (its checksum) stays
    assertThatThrownBy(() -> lakeB.fetch(rel)).isInstanceOf(S3Lake.LakeCorruptException.class)
      .hasMessageContaining("does not match its checksum");
    assertThat(Files.exists(b.resolve(rel))).isFalse();
    try (var left = Files.list(b.resolve(rel).getParent())) {
      assertThat(left.toList()).isEmpty();
    }
  }

  @Test
  @DisplayName("the local cache keeps the most recently used files within its size bound")
  void cacheEvictsLeastRecentlyUsed() throws Exception {
    String prefix = "lru-" + UUID.randomUUID();
    Path a = node("a");
    Path b = node("b");
    S3Lake lakeA = S3Lake.open(config(prefix), a, 0);
    S3Lake lakeB = S3Lake.open(config(prefix).put("cache_max_bytes", 250_000L), b, 0);
    String[] files = new String[4];
    for (int i = 0; i < 4; i++) {
      files[i] = write(a, "datasets/o/d/f" + i + ".parquet", 100_000, 10 + i);
      lakeA.publish(files[i]);
    }
    lakeB.fetch(files[0]);
    lakeB.fetch(files[1]);
    lakeB.cached(files[0]); // used again: f1 is now the least recently used
    lakeB.fetch(files[2]);
    assertThat(Files.exists(b.resolve(files[1]))).as("least recently used evicted").isFalse();
    assertThat(Files.exists(b.resolve(files[0]))).isTrue();
    assertThat(Files.exists(b.resolve(files[2]))).isTrue();
    assertThat(lakeB.cachedBytes()).isLessThanOrEqualTo(250_000L);
    assertThat(Files.mismatch(lakeB.fetch(files[1]), a.resolve(files[1]))).as("fetched again").isEqualTo(-1);
  }

  @Test
  @DisplayName("the sweeper removes objects no dataset registered and keeps the live ones")
  void sweeperRemovesUnregisteredObjects() throws Exception {
    String prefix = "sweep-" + UUID.randomUUID();
    Path a = node("a");
    S3Lake lake = S3Lake.open(config(prefix), a, 0);
    String live = write(a, "datasets/o/d/live.parquet", 1000, 20);
    String orphan = write(a, "datasets/o/d/orphan.parquet", 1000, 21);
    String staged = write(a, "staging/" + UUID.randomUUID(), 1000, 22);
    lake.publish(live);
    lake.publish(orphan);
    lake.publish(staged);
    assertThat(lake.sweep(Set.of(live), 3_600_000)).as("within the grace period").isZero();
    Thread.sleep(1100); // object times have a resolution of one second
    assertThat(lake.sweep(Set.of(live), 1000)).isEqualTo(2);
    Path other = node("b");
    S3Lake reader = S3Lake.open(config(prefix), other, 0);
    assertThat(Files.mismatch(reader.fetch(live), a.resolve(live))).isEqualTo(-1);
    assertThatThrownBy(() -> reader.fetch(orphan)).hasMessageContaining("does not exist");
  }

  @Test
  @DisplayName("expired exports leave the bucket and every node's local copy; fresh ones stay")
  void expiredExportsLeaveTheBucket() throws Exception {
    String prefix = "expire-" + UUID.randomUUID();
    Path a = node("a");
    S3Lake lake = S3Lake.open(config(prefix), a, 0);
    String old = write(a, LakePaths.exportFile("o", "old", "png"), 1000, 30);
    lake.publish(old);
    Path b = node("b");
    S3Lake reader = S3Lake.open(config(prefix), b, 0);
    assertThat(Files.mismatch(reader.fetch(old), a.resolve(old))).as("served by another node").isEqualTo(-1);
    assertThat(lake.expire(LakePaths.EXPORTS, 3_600_000)).as("within its time to live").isZero();
    Thread.sleep(1100); // object times have a resolution of one second
    String fresh = write(a, LakePaths.exportFile("o", "fresh", "pdf"), 1000, 31);
    lake.publish(fresh);
    assertThat(lake.expire(LakePaths.EXPORTS, 1000)).isEqualTo(1);
    assertThat(reader.expire(LakePaths.EXPORTS, 1000)).as("already gone from the bucket").isZero();
    assertThat(a.resolve(old)).doesNotExist();
    assertThat(b.resolve(old)).as("the other node's copy").doesNotExist();
    assertThatThrownBy(() -> S3Lake.open(config(prefix), node("c"), 0).fetch(old)).hasMessageContaining("does not exist");
    assertThat(Files.mismatch(reader.fetch(fresh), a.resolve(fresh))).isEqualTo(-1);
  }

  @Test
  @DisplayName("with the store down for a while an upload waits and completes; down too long it fails clearly")
  void storeOutagesAreWaitedOut() throws Exception {
    String prefix = "outage-" + UUID.randomUUID();
    Path a = node("a");
    S3Lake patient = S3Lake.open(config(prefix), a, 0);
    S3Lake hasty = S3Lake.open(config(prefix).put("retry_ms", 1500), a, 0);
    String rel = write(a, "datasets/o/d/waiting.parquet", 50_000, 30);
    s3.stop();
    try {
      CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
        try {
          patient.publish(rel);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      assertThatThrownBy(() -> hasty.publish(rel)).isInstanceOf(LakeUnavailableException.class)
        .hasMessageContaining("did not answer").hasMessageContaining("nothing was lost");
      Thread.sleep(10_000 - 1500);
      assertThat(upload).isNotDone();
      s3.start();
      upload.get(60, TimeUnit.SECONDS);
    } finally {
      s3.start();
    }
    Path b = node("b");
    assertThat(Files.mismatch(S3Lake.open(config(prefix), b, 0).fetch(rel), a.resolve(rel))).isEqualTo(-1);
  }
}
