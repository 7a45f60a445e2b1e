package io.tributary.query;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the query engine sizes DuckDB: memory limit and threads of each user sandbox, the folder for their
 * private temp directories, how many sandboxes stay open and how long an idle one is kept.
 */
public record QuerySettings(String memoryLimit, int threads, Path tempRoot, int maxSandboxes, Duration idleTimeout) {
}
