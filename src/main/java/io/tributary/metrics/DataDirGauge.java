package io.tributary.metrics;

import io.micrometer.core.instrument.Gauge;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The disk of the data directory (lake, staging, embedded services): {@code tributary_data_dir_used_ratio} (0..1),
 * {@code tributary_data_dir_free_bytes} and {@code tributary_data_dir_total_bytes}, read from the file system at
 * each scrape (a stat call, no walk). The alert {@code TributaryDataDiskFull} fires above 0.85.
 */
public final class DataDirGauge {

  private static volatile Path dir;

  private DataDirGauge() {
  }

  /** Measures {@code dataDir} from now on (the last registered directory of the process wins). */
  public static void register(Path dataDir) {
    boolean first = dir == null;
    dir = dataDir;
    if (first) {
      Gauge.builder("tributary_data_dir_used_ratio", () -> measure(true)).description("Share of the data directory's disk in use")
        .register(Metrics.registry());
      Gauge.builder("tributary_data_dir_free_bytes", () -> measure(false)).baseUnit("bytes")
        .description("Bytes free for the data directory").register(Metrics.registry());
      Gauge.builder("tributary_data_dir_total_bytes", DataDirGauge::total).baseUnit("bytes")
        .description("Size of the data directory's disk").register(Metrics.registry());
    }
  }

  private static double measure(boolean ratio) {
    try {
      FileStore store = Files.getFileStore(dir);
      double total = store.getTotalSpace();
      double free = store.getUsableSpace();
      return ratio ? (total <= 0 ? Double.NaN : (total - free) / total) : free;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static double total() {
    try {
      return Files.getFileStore(dir).getTotalSpace();
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
