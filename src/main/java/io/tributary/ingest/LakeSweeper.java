package io.tributary.ingest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Removes lake files that no dataset refers to any more and no job is writing: old versions whose delayed
 * removal a restart cut short, datasets deleted just before a crash. Only files older than a grace period go,
 * so queries that started on them can finish. Blocking: run it on a worker.
 */
final class LakeSweeper {

  private static final Logger LOG = LoggerFactory.getLogger(LakeSweeper.class);

  private LakeSweeper() {
  }

  /**
   * @param live lake paths (relative to {@code dataDir}) of every dataset's current file and every active job's output
   * @return how many files were removed
   */
  static int sweep(Path dataDir, Set<String> live, long graceMs) throws IOException {
    Path lake = dataDir.resolve("datasets");
    if (!Files.isDirectory(lake)) {
      return 0;
    }
    FileTime cutoff = FileTime.from(Instant.now().minusMillis(graceMs));
    List<Path> stale = new ArrayList<>();
    try (Stream<Path> files = Files.walk(lake)) {
      files.filter(Files::isRegularFile)
        .filter(p -> p.getFileName().toString().endsWith(".parquet"))
        .filter(p -> !live.contains(dataDir.relativize(p).toString()))
        .forEach(stale::add);
    }
    int removed = 0;
    for (Path p : stale) {
      if (Files.getLastModifiedTime(p).compareTo(cutoff) < 0 && Files.deleteIfExists(p)) {
        removed++;
        Path folder = p.getParent();
        try (Stream<Path> rest = Files.list(folder)) {
          if (rest.findAny().isEmpty()) {
            Files.deleteIfExists(folder);
          }
        }
      }
    }
    if (removed > 0) {
      LOG.info("Removed {} lake file(s) no dataset refers to", removed);
    }
    return removed;
  }
}
