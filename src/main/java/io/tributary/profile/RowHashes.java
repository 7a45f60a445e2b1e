package io.tributary.profile;

import static io.tributary.profile.ParquetQueries.FILE;

import java.sql.SQLException;
import java.util.Arrays;

/**
 * Exact duplicate rows of a file of up to {@value #MAX_ROWS} rows from a hash of each row, sorted in the JVM: equal
 * rows have equal hashes (DuckDB's {@code hash} treats NULLs, NaNs and signed zeros as {@code DISTINCT} does), so
 * rows whose hash no other row shares are distinct, and only the rows of shared hashes are compared in DuckDB. A
 * sorted array of 8-byte hashes replaces a hash table of every whole row.
 */
final class RowHashes {

  /** Rows whose hashes are sorted in the JVM (8 bytes each). */
  static final long MAX_ROWS = 4_000_000;
  /** Shared hashes whose rows are compared in one query. */
  static final int MAX_SHARED = 10_000;

  private RowHashes() {
  }

  /**
   * The rows that repeat an earlier row exactly, or -1 when the file has too many rows or too many shared hashes
   * (then the caller counts them over whole rows).
   *
   * @param list the columns as quoted identifiers, comma-separated
   */
  static long duplicates(ParquetQueries q, String list, long rows) throws SQLException {
    if (rows > MAX_ROWS) {
      return -1;
    }
    String hash = "(hash(" + list + ") & 9223372036854775807::UBIGINT)::BIGINT";
    long[] hashes = q.query("SELECT " + hash + " FROM read_parquet(?)", rs -> {
      long[] out = new long[(int) rows];
      int n = 0;
      while (rs.next()) {
        if (n == out.length) {
          return null;
        }
        out[n++] = rs.getLong(1);
      }
      return n == rows ? out : null;
    }, FILE);
    if (hashes == null) {
      return -1;
    }
    Arrays.parallelSort(hashes);
    StringBuilder shared = new StringBuilder();
    int sharedCount = 0;
    long sharedRows = 0;
    for (int i = 1; i < hashes.length; i++) {
      if (hashes[i] == hashes[i - 1]) {
        if (i == 1 || hashes[i - 2] != hashes[i]) {
          if (++sharedCount > MAX_SHARED) {
            return -1;
          }
          shared.append(sharedCount == 1 ? "" : ", ").append(hashes[i]);
          sharedRows++;
        }
        sharedRows++;
      }
    }
    if (sharedCount == 0) {
      return 0;
    }
    long distinct = q.single("SELECT count(*) FROM (SELECT DISTINCT " + list + " FROM read_parquet(?) WHERE " + hash
        + " IN (" + shared + "))", FILE);
    return sharedRows - distinct;
  }
}
