package io.tributary.lake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Where lake files live: datasets, stream parts, compacted files and staged uploads, each named by a path relative
 * to the data directory ({@link LakePaths}). Locally ({@link LocalLake}, the default) the data directory is the
 * lake. On S3 ({@link S3Lake}) every file is written locally, then published as an immutable object of the same
 * name before PostgreSQL registers it; the data directory becomes a cache that readers fill through
 * {@link #ensure}. The blocking methods run on workers; {@link #ensure} and {@link #publishAsync} wrap them.
 */
public interface Lake extends Shareable {

  /** The key of the node's lake in the local shared map. */
  String MAP = "tributary.lake";

  /** The lake {@code MainVerticle} opened on this Vert.x instance, or the data directory itself. */
  static Lake of(Vertx vertx, Path dataDir) {
    LocalMap<String, Lake> map = vertx.sharedData().getLocalMap(MAP);
    Lake lake = map.get(MAP);
    return lake != null ? lake : new LocalLake(dataDir);
  }

  /** Makes {@code lake} the one {@link #of} answers on this Vert.x instance. */
  static void install(Vertx vertx, Lake lake) {
    vertx.sharedData().<String, Lake>getLocalMap(MAP).put(MAP, lake);
  }

  /** The local folder: the lake itself, or its cache. */
  Path dataDir();

  /** True when files live in an object store and the data directory only caches them. */
  boolean remote();

  /** Publishes the local file {@code relative} as an immutable object (multipart when large). Blocking. */
  void publish(String relative) throws IOException;

  /** Makes the local copy of {@code relative} present, fetching and checking it when missing. Blocking. */
  Path fetch(String relative) throws IOException;

  /** Removes the object {@code relative} (its local copy is the caller's). Blocking. */
  void deleteRemote(String relative) throws IOException;

  /**
   * Removes objects under {@code datasets/} and {@code staging/} that are not in {@code live} and are older than
   * {@code graceMs}: what a crash between upload and registration left. Blocking. @return how many went
   */
  int sweep(Set<String> live, long graceMs) throws IOException;

  /**
   * Removes every object under {@code area} (say {@code exports/}) older than {@code maxAgeMs}, and this node's
   * local copies of them: for areas whose objects all expire at a fixed age. Blocking. @return how many objects went
   */
  int expire(String area, long maxAgeMs) throws IOException;

  /** True when the local copy of {@code relative} is known to be present (no IO). */
  boolean cached(String relative);

  /** Relative lake paths of absolute local files below {@link #dataDir()}. */
  default List<String> relative(Collection<String> absolute) {
    return absolute.stream().map(f -> dataDir().relativize(Path.of(f)).toString()).toList();
  }

  /**
   * The one place readers get lake files: completes once every file in {@code relatives} is present locally
   * (at once when they are, or when the lake is local).
   */
  default Future<Void> ensure(Vertx vertx, Collection<String> relatives) {
    if (!remote() || relatives.stream().allMatch(this::cached)) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      for (String r : relatives) {
        fetch(r);
      }
      return null;
    }, false);
  }

  /** {@link #publish} on a worker (immediate when the lake is local). */
  default Future<Void> publishAsync(Vertx vertx, String relative) {
    if (!remote()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      publish(relative);
      return null;
    }, false);
  }

  /** {@link #deleteRemote} on a worker, logging rather than failing (the sweeper retries). */
  default void deleteRemoteLater(Vertx vertx, String relative) {
    if (remote()) {
      vertx.executeBlocking(() -> {
        deleteRemote(relative);
        return null;
      }, false).onFailure(e -> org.slf4j.LoggerFactory.getLogger(Lake.class)
        .debug("Object {} not deleted (the sweeper will): {}", relative, e.getMessage()));
    }
  }

  /** {@link #expire} on a worker (logging rather than failing: the next sweep retries). */
  default Future<Integer> expireLater(Vertx vertx, String area, long maxAgeMs) {
    return vertx.executeBlocking(() -> expire(area, maxAgeMs), false)
      .onFailure(e -> org.slf4j.LoggerFactory.getLogger(Lake.class)
        .warn("Expired objects under {} not removed (the next sweep will): {}", area, e.getMessage()));
  }

  /** Closes the client. */
  default void close() {
  }
}
