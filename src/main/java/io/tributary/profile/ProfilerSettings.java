package io.tributary.profile;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resource limits of the DuckDB instance a {@link DatasetProfiler} runs on. The limits are for the
 * whole profiler (all concurrent calls share one in-memory DuckDB instance).
 *
 * @param memoryLimit   DuckDB {@code memory_limit}, a number and a unit: {@code 512MB}, {@code 2GiB}, ...
 * @param threads       DuckDB {@code threads} (at least 1)
 * @param tempDirectory DuckDB {@code temp_directory}, where operators spill beyond the memory limit;
 *                      created if missing
 */
public record ProfilerSettings(String memoryLimit, int threads, Path tempDirectory) {

  private static final Pattern MEMORY =
      Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\\s*$", Pattern.CASE_INSENSITIVE);

  public ProfilerSettings {
    Objects.requireNonNull(memoryLimit, "memoryLimit");
    Objects.requireNonNull(tempDirectory, "tempDirectory");
    if (!MEMORY.matcher(memoryLimit).matches()) {
      throw new IllegalArgumentException("memoryLimit must look like 512MB or 2GiB: " + memoryLimit);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1: " + threads);
    }
  }

  /** 512MB, 2 threads, a temp folder under the system temp directory. */
  public static ProfilerSettings defaults() {
    return new ProfilerSettings("512MB", 2,
        Path.of(System.getProperty("java.io.tmpdir"), "tributary-profiler"));
  }

  /** The memory limit in bytes. */
  public long memoryLimitBytes() {
    Matcher m = MEMORY.matcher(memoryLimit);
    if (!m.matches()) {
      throw new IllegalStateException(memoryLimit);
    }
    double v = Double.parseDouble(m.group(1));
    long unit = switch (m.group(2).toUpperCase(Locale.ROOT)) {
      case "B" -> 1L;
      case "KB" -> 1_000L;
      case "MB" -> 1_000_000L;
      case "GB" -> 1_000_000_000L;
      case "TB" -> 1_000_000_000_000L;
      case "KIB" -> 1L << 10;
      case "MIB" -> 1L << 20;
      case "GIB" -> 1L << 30;
      case "TIB" -> 1L << 40;
      default -> throw new IllegalStateException(m.group(2));
    };
    return (long) (v * unit);
  }

  /** The memory limit normalised for DuckDB (no spaces, upper-case unit). */
  String duckDbMemoryLimit() {
    return memoryLimit.replace(" ", "").toUpperCase(Locale.ROOT).replace("IB", "iB");
  }
}
