package io.tributary.lake;

import java.nio.file.Path;
import java.util.Set;

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
  public boolean cached(String relative) {
    return true;
  }
}
