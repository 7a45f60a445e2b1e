package io.tributary.transform;

import io.tributary.parquet.DuckCopy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * {@link JsonDirectCopy}'s COPY started while {@link JsonConverter}'s scan is still going, on a thread of its own,
 * with the columns and types the scan had fixed after its first {@value #AFTER_OBJECTS} objects, so the two overlap
 * instead of following each other. Its file is taken only when the whole scan ends with exactly those columns and
 * types, allows DuckDB to write the file and counts the rows DuckDB wrote: then it is the file the COPY after the
 * scan would have written (the same query over the same file). Otherwise, or if DuckDB failed, it is dropped and
 * the caller goes on as without it. Nothing of it is ever seen before it is taken: it writes to a name of its own.
 */
final class JsonEarlyCopy {

  private static final Logger LOG = LoggerFactory.getLogger(JsonEarlyCopy.class);

  /** Objects the scan has seen when the early COPY starts. */
  static final long AFTER_OBJECTS = 20_000;

  private final List<String> names;
  private final List<ColumnKind> kinds;
  private final Path file;
  private final DuckCopy duck;
  private final Thread thread;
  private volatile long written = -1;
  private volatile Exception failure;

  private JsonEarlyCopy(ConvertRequest request, List<String> names, List<ColumnKind> kinds, long longestObject)
      throws SQLException {
    this.names = List.copyOf(names);
    this.kinds = List.copyOf(kinds);
    Path out = request.outputFile();
    this.file = out.resolveSibling(out.getFileName() + ".early-" + UUID.randomUUID());
    this.duck = new DuckCopy(request.limits().memoryLimit(), 1, null);
    String select = JsonDirectCopy.select(request, false, this.names, this.kinds, longestObject);
    this.thread = new Thread(() -> {
      try {
        written = duck.copy(select, file);
      } catch (SQLException | IOException | RuntimeException e) {
        failure = e;
      }
    }, "json-early-copy");
    thread.setDaemon(true);
  }

  /** Starts the COPY of an NDJSON upload with these columns and types; null if DuckDB cannot be opened. */
  static JsonEarlyCopy start(ConvertRequest request, List<String> names, List<ColumnKind> kinds, long longestObject) {
    try {
      JsonEarlyCopy early = new JsonEarlyCopy(request, names, kinds, longestObject);
      early.thread.start();
      return early;
    } catch (SQLException e) {
      LOG.debug("no early COPY: {}", e.getMessage());
      return null;
    }
  }

  /**
   * Waits for the COPY; moves its file to the output when it was written with exactly these columns and types and
   * holds {@code rows} rows. Either way this copy is done afterwards (its DuckDB closed, its own file gone).
   */
  boolean take(ConvertRequest request, List<String> names, List<ColumnKind> kinds, long rows) throws IOException {
    try {
      if (!this.names.equals(names) || !this.kinds.equals(kinds)) {
        return false;
      }
      join();
      if (written != rows) {
        if (failure == null) {
          LOG.warn("DuckDB read {} JSON objects where the scan counted {}", written, rows);
        }
        return false;
      }
      Files.move(file, request.outputFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return true;
    } finally {
      close();
    }
  }

  /** Stops the COPY if it is still running and drops its file. */
  void close() throws IOException {
    if (thread.isAlive()) {
      duck.cancel();
    }
    try {
      join();
    } finally {
      try {
        duck.close();
      } catch (SQLException e) {
        LOG.debug("closing the early COPY's DuckDB: {}", e.getMessage());
      }
      Files.deleteIfExists(file);
    }
  }

  /** Waits for the COPY's thread; an interrupt cancels the COPY (and is kept for the caller to see). */
  private void join() {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        duck.cancel();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
