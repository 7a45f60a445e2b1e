package io.tributary.profile;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Profiles one Parquet file with DuckDB: exact per-column statistics ({@link ColumnScans}), duplicate rows, and
 * the issues and quality score of {@link QualityReport}. Blocking; call it from worker threads. Thread-safe: all
 * calls share one in-memory DuckDB instance ({@link ProfilerConnection}) and each works on its own connection.
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
   * @throws SQLException             when DuckDB fails (unreadable file, out of memory, ...)
   */
  public JsonObject profile(Path parquetFile, List<ProfileColumn> columns) throws SQLException {
    String path = parquetFile.toAbsolutePath().normalize().toString();
    if (path.indexOf('*') >= 0 || path.indexOf('?') >= 0 || path.indexOf('[') >= 0) {
      throw new IllegalArgumentException("glob characters are not allowed in the Parquet path: " + path);
    }
    if (!Files.isRegularFile(parquetFile)) {
      throw new IllegalArgumentException("no such Parquet file: " + path);
    }
    try (Connection conn = duck.open()) {
      ColumnScans scans = new ColumnScans(conn, path, settings.memoryLimitBytes());
      List<ScannedColumn> cols = scans.columns(columns);
      long rows = scans.statistics(cols);
      long duplicates = scans.duplicateRows(cols, rows);
      scans.outliers(cols, rows);
      List<QualityReport.Column> figures = new ArrayList<>();
      cols.forEach(c -> figures.add(c.figures()));
      return QualityReport.render(rows, duplicates, figures, false);
    } catch (SQLException e) {
      duck.failed(e);
      throw e;
    }
  }

  /** Opens the shared DuckDB instance now (loading its native library), so the first profile does not wait. */
  public void warmUp() throws SQLException {
    duck.open().close();
  }

  /** Closes the shared DuckDB instance; calls in flight keep their own connections until they end. */
  @Override
  public void close() {
    duck.close();
  }
}
