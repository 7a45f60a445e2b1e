package io.tributary.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The embedded default: the data directory is the lake; publishing and fetching have nothing to do. */
public final class LocalLake implements Lake {

  private final Path dataDir;

  public LocalLake(Path dataDir) {
    this.dataDir = dataDir;
  }

  @Override
  public Path dataDir() {
    return dataDir;
  }

  @Override
  public boolean remote() {
    return false;
  }

  @Override
  public void publish(String relative) {
  }

  @Override
  public Path fetch(String relative) {
    return dataDir.resolve(relative);
  }

  @Override
  public void deleteRemote(String relative) {
  }

  @Override
  public int sweep(Set<String> live, long graceMs) {
    return 0;
  }

  @Override
  public int expire(String area, long maxAgeMs) throws IOException {
    return deleteOlder(dataDir.resolve(area), maxAgeMs);
  }

  /** Deletes the files below {@code dir} last modified more than {@code maxAgeMs} ago. Blocking. @return how many */
  static int deleteOlder(Path dir, long maxAgeMs) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long cutoff = System.currentTimeMillis() - maxAgeMs;
    List<Path> old;
    try (Stream<Path> walk = Files.walk(dir)) {
      old = walk.filter(Files::isRegularFile).filter(p -> modifiedBefore(p, cutoff)).toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    int removed = 0;
    for (Path p : old) {
      removed += Files.deleteIfExists(p) ? 1 : 0;
    }
    return removed;
  }

  private static boolean modifiedBefore(Path p, long cutoff) {
    try {
      return Files.getLastModifiedTime(p).toMillis() < cutoff;
    } catch (IOException gone) {
      return false;
    }
  }

  @Override
  public boolean cached(String relative) {
    return true;
  }
}
