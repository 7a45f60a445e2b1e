package io.tributary.profile;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Profiles one Parquet file with DuckDB: exact per-column statistics ({@link ColumnScans}), distinct counts,
 * quartiles and outliers of numeric columns from their value histograms ({@link Histograms}), other distinct counts
 * and duplicate rows ({@link DistinctCounts}, {@link RowHashes}), quartiles and outliers of columns of many values
 * ({@link Quartiles}), and the issues and quality score of {@link QualityReport}. Every query is planned to hold at most half of {@code memory_limit} ({@link ScanBudget}),
 * so a file of any size gets its exact figures: larger ones just take more scans. Blocking; call it from worker
 * threads. Thread-safe: all calls share one in-memory DuckDB instance ({@link ProfilerConnection}) and each works on
 * its own connection.
 *
 * <h2>Figures</h2>
 * <ul>
 *   <li>{@code null_percentage = 100 × null_count / row_count}, rounded half-up to 2 decimals (0 without rows).</li>
 *   <li>{@code unique_count}: exact number of distinct non-null values.</li>
 *   <li>{@code min}/{@code max}: numbers (integers beyond ±2^53 and decimals with more than 15 significant digits
 *       as strings), dates as {@code YYYY-MM-DD}, timestamps as ISO-8601 ({@code 2024-01-02T03:04:05.5}, with
 *       {@code +00:00} for TIMESTAMPTZ, always UTC), times as {@code HH:MM:SS}, strings (byte-wise order),
 *       booleans; null for other types and all-null columns.</li>
 *   <li>{@code mean} and {@code std_dev} (sample, n−1; null below two values) for numeric columns; non-finite
 *       values are reported as null.</li>
 *   <li>{@code duplicate_rows = count(*) − count(DISTINCT whole row)} (NULLs equal).</li>
 *   <li>Outliers: Q1 and Q3 by {@code quantile_cont} (linear interpolation, values as DOUBLE), then the rule of
 *       {@link QualityReport}.</li>
 * </ul>
 */
public final class DatasetProfiler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DatasetProfiler.class);

  private final ProfilerSettings settings;
  private final ProfilerConnection duck;

  public DatasetProfiler(ProfilerSettings settings) {
    this.settings = settings == null ? ProfilerSettings.defaults() : settings;
    this.duck = new ProfilerConnection(this.settings);
  }

  /**
   * Profiles one Parquet file. Blocking.
   *
   * @param parquetFile the file (a plain path: no glob characters {@code * ? [})
   * @param columns     the columns to profile, in output order; null or empty means all columns of
   *                    the file with the types DuckDB reads
   * @return {@code {row_count, column_count, duplicate_rows, quality_score, columns:[...], issues:[...]}}
   * @throws IllegalArgumentException when the file does not exist or a column is not in it
   * @throws ProfileTooLargeException when DuckDB runs out of its memory limit
   * @throws SQLException             when DuckDB fails otherwise (unreadable file, ...)
   */
  public JsonObject profile(Path parquetFile, List<ProfileColumn> columns) throws SQLException,
      ProfileTooLargeException {
    String path = parquetFile.toAbsolutePath().normalize().toString();
    if (path.indexOf('*') >= 0 || path.indexOf('?') >= 0 || path.indexOf('[') >= 0) {
      throw new IllegalArgumentException("glob characters are not allowed in the Parquet path: " + path);
    }
    if (!Files.isRegularFile(parquetFile)) {
      throw new IllegalArgumentException("no such Parquet file: " + path);
    }
    try (Connection conn = duck.open()) {
      ParquetQueries q = new ParquetQueries(conn, path);
      ScanBudget budget = new ScanBudget(settings.memoryLimitBytes());
      ColumnScans scans = new ColumnScans(q, budget);
      List<ScannedColumn> cols = scans.columns(columns);
      long t0 = System.nanoTime();
      long rows = scans.statistics(cols);
      long t1 = System.nanoTime();
      new Histograms(q, budget).count(cols);
      long th = System.nanoTime();
      DistinctCounts distinct = new DistinctCounts(q, budget);
      distinct.count(cols);
      long t2 = System.nanoTime();
      long duplicates = distinct.duplicateRows(cols, rows);
      long t3 = System.nanoTime();
      new Quartiles(q, budget).outliers(cols);
      LOG.debug("Profile of {}: statistics {} ms, histograms {} ms, distinct counts {} ms, duplicates {} ms, quartiles and "
          + "outliers {} ms", path, (t1 - t0) / 1_000_000, (th - t1) / 1_000_000, (t2 - th) / 1_000_000, (t3 - t2) / 1_000_000, (System.nanoTime() - t3) / 1_000_000);
      List<QualityReport.Column> figures = new ArrayList<>();
      cols.forEach(c -> figures.add(c.figures()));
      return QualityReport.render(rows, duplicates, figures, false);
    } catch (SQLException e) {
      duck.failed();
      if (String.valueOf(e.getMessage()).contains("Out of Memory")) {
        throw new ProfileTooLargeException("The file could not be profiled within the profiler's memory limit "
            + "(profile.memory_limit = " + settings.memoryLimit() + "): raise TRIBUTARY_PROFILE_MEMORY_LIMIT, or upload "
            + "the data in smaller files", e);
      }
      throw e;
    }
  }

  /** Opens the shared DuckDB instance now (loading its native library), so the first profile does not wait. */
  public void warmUp() throws SQLException {
    duck.open().close();
  }

  /**
   * Opens the shared DuckDB instance, then profiles a generated file of {@code rows} rows three times (integers,
   * doubles, strings, booleans, timestamps and dates, with nulls, and more distinct values than a histogram holds
   * from 262,145 rows), so the first real profile runs on compiled code. The file lives in the temp directory and is
   * removed afterwards. Blocking.
   */
  public void warmUp(int rows) throws SQLException, IOException, ProfileTooLargeException {
    warmUp();
    if (rows <= 0) {
      return;
    }
    Path file = settings.tempDirectory().resolve("warm-up-" + UUID.randomUUID() + ".parquet");
    try {
      try (Connection conn = duck.open(); Statement s = conn.createStatement()) {
        s.execute("COPY (SELECT i AS id, ['north', 'south', 'east', 'west', 'centre'][i % 5 + 1] AS word, "
            + "((i * 7919 % 100003) / 100.0)::DOUBLE AS amount, (i * 0.6180339887 % 1000)::DOUBLE AS ratio, "
            + "CASE WHEN i % 5 = 0 THEN NULL ELSE i % 10000 END AS count, i % 3 = 0 AS flag, "
            + "TIMESTAMP '2024-01-01' + to_seconds(i * 7) AS at, DATE '2024-01-01' + (i % 400)::INTEGER AS day, "
            + "strftime(TIMESTAMP '2024-01-01' + to_seconds(i * 7), '%Y-%m-%dT%H:%M:%S') AS created_at "
            + "FROM range(" + rows + ") t(i)) TO '" + file.toString().replace("'", "''") + "' (FORMAT parquet)");
      }
      // the counts a converter's tallies give for some columns, as uploads bring them
      List<ProfileColumn> columns = List.of(new ProfileColumn("id", "BIGINT", (long) rows),
          new ProfileColumn("word", "VARCHAR", (long) Math.min(rows, 5)), new ProfileColumn("amount", "DOUBLE"),
          new ProfileColumn("ratio", "DOUBLE"), new ProfileColumn("count", "BIGINT"),
          new ProfileColumn("flag", "BOOLEAN"), new ProfileColumn("at", "TIMESTAMP"), new ProfileColumn("day", "DATE"),
          new ProfileColumn("created_at", "VARCHAR"));
      for (int pass = 0; pass < 3 && !Thread.currentThread().isInterrupted(); pass++) {
        profile(file, columns);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Closes the shared DuckDB instance; calls in flight keep their own connections until they end. */
  @Override
  public void close() {
    duck.close();
  }
}
