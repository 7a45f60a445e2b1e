package io.tributary.source;

import io.tributary.profile.DatasetProfiler;
import io.tributary.profile.ProfileColumn;
import io.tributary.profile.ProfilerSettings;
import io.vertx.core.json.JsonArray;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Whether PostgreSQL's rows should skip the JVM: {@code COPY (SELECT ...) TO STDOUT (FORMAT csv)} streamed byte for
 * byte into a staging file, then DuckDB's parallel {@code read_csv} with the declared types writing the Parquet file,
 * measured against the current extraction ({@link Extractor}) in the same repetition, on the table of
 * {@link ImportPhases} (made by it: run that first with {@code -Dkeep=true}). Per repetition ({@code -Dreps}, 2), wall
 * and this process's CPU seconds (DuckDB's threads included; PostgreSQL's backend not): the staging COPY; DuckDB's
 * CSV to Parquet; the same CSV loaded into a table and every column's {@code count(DISTINCT)} there (what the
 * profile's counting would cost without the extraction's tallies); staging in chunks of {@code -Dchunk} (131,072)
 * rows that DuckDB loads while the next is written, then the table to Parquet; the current extraction; the profile
 * of its file with its tallies and of the CSV path's file without. Same-run figures only: the machine is shared. Run
 * as the benchmarks are, with {@code io.tributary.source.ImportCsvPhases}.
 */
public final class ImportCsvPhases {

  private static final com.sun.management.OperatingSystemMXBean OS =
    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  /** The table's columns as DuckDB reads them from the CSV (bytea as its hex text, decoded in the SELECT). */
  private static final String[][] COLUMNS = {{"id", "INTEGER"}, {"small", "INTEGER"}, {"big", "BIGINT"},
    {"num", "DECIMAL(12,3)"}, {"loose_num", "VARCHAR"}, {"r", "FLOAT"}, {"d", "DOUBLE"}, {"b", "BOOLEAN"},
    {"dt", "DATE"}, {"ts", "TIMESTAMP"}, {"tstz", "TIMESTAMPTZ"}, {"t", "VARCHAR"}, {"vc", "VARCHAR"},
    {"j", "VARCHAR"}, {"u", "VARCHAR"}, {"by", "VARCHAR"}};
  private static final String FROM_CSV = "SELECT * REPLACE (unhex(substr(\"by\", 3)) AS \"by\") FROM ";

  private ImportCsvPhases() {
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of("target/phases").toAbsolutePath();
    Files.createDirectories(dir);
    String table = "public." + ImportPhases.TABLE;
    DatasetProfiler profiler = new DatasetProfiler(new ProfilerSettings("1GB", 2, dir.resolve("ptmp")));
    profiler.warmUp();
    for (int r = 0; r < Integer.getInteger("reps", 2); r++) {
      try (Connection c = DriverManager.getConnection(ImportPhases.SOURCE)) {
        c.setAutoCommit(false);
        String copySql = "COPY (SELECT * FROM " + table + ") TO STDOUT";
        double copy = ImportPhases.copy(c, copySql);
        Path csv = dir.resolve("stage.csv");
        Timer t = new Timer();
        long rows = stage(c, copySql + " (FORMAT csv)", csv);
        String stage = t.lap();
        long csvBytes = Files.size(csv);
        Path viaCsv = dir.resolve("csv.parquet");
        Files.deleteIfExists(viaCsv);
        String toParquet;
        String load;
        String distinct;
        try (Connection d = duck(); Statement s = d.createStatement()) {
          t = new Timer();
          s.execute("COPY (" + FROM_CSV + readCsv(csv) + ") TO '" + viaCsv + "' (FORMAT parquet, COMPRESSION snappy, "
            + "ROW_GROUP_SIZE 122880)");
          toParquet = t.lap();
          s.execute("CREATE TABLE x AS " + FROM_CSV + readCsv(csv));
          load = t.lap();
          StringBuilder q = new StringBuilder("SELECT ");
          for (int i = 0; i < COLUMNS.length; i++) {
            q.append(i == 0 ? "" : ", ").append("count(DISTINCT \"").append(COLUMNS[i][0]).append("\")");
          }
          try (ResultSet rs = s.executeQuery(q + " FROM x")) {
            rs.next();
          }
          distinct = t.lap();
        }
        Files.delete(csv);
        t = new Timer();
        chunked(c, copySql + " (FORMAT csv)", dir, dir.resolve("chunked.parquet"));
        String chunked = t.lap();
        Path current = dir.resolve("current.parquet");
        Files.deleteIfExists(current);
        Extractor.Extracted e = new Extractor(10_000, "256MB", 2, dir.resolve("tmp")).withoutCsv()
          .extract(c, "SELECT * FROM " + table, null, null, current, () -> false, x -> { });
        String extract = t.lap();
        ImportFiles.Version v = ImportFiles.describe(current, "256MB");
        t = new Timer();
        profiler.profile(current, profileColumns(v.columns(), e.distinctCounts()));
        String withTallies = t.lap();
        profiler.profile(viaCsv, profileColumns(v.columns(), null));
        String without = t.lap();
        System.out.printf("rep %d (%d rows; load %s): COPY text to stdout %.3f s; wall s/CPU s: CSV staged %s (%d MB);"
            + " DuckDB CSV to Parquet %s; CSV into a table %s; count(DISTINCT) of every column there %s; chunked %s;"
            + " current extraction %s; profile with the tallies %s, without %s%n", r, rows,
          Files.readString(Path.of("/proc/loadavg")).trim(), copy, stage, csvBytes >> 20, toParquet, load, distinct,
          chunked, extract, withTallies, without);
        c.rollback();
      }
    }
    profiler.close();
    System.exit(0);
  }

  /** Writes the COPY's bytes to {@code file} as they come (one row a message); returns the rows. */
  static long stage(Connection c, String copySql, Path file) throws Exception {
    CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI().copyOut(copySql);
    long rows = 0;
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      for (byte[] row = copy.readFromCopy(); row != null; row = copy.readFromCopy()) {
        o.write(row);
        rows++;
      }
    }
    return rows;
  }

  /** Stages chunk files that a second thread loads into DuckDB while the next is written; then the table to Parquet. */
  private static void chunked(Connection c, String copySql, Path dir, Path parquet) throws Exception {
    Files.deleteIfExists(parquet);
    int chunkRows = Integer.getInteger("chunk", 131_072);
    try (Connection d = duck(); Statement s = d.createStatement()) {
      StringBuilder create = new StringBuilder("CREATE TABLE rows (");
      for (int i = 0; i < COLUMNS.length; i++) {
        create.append(i == 0 ? "" : ", ").append('"').append(COLUMNS[i][0]).append("\" ")
          .append(i == COLUMNS.length - 1 ? "BLOB" : COLUMNS[i][1]);
      }
      s.execute(create.append(')').toString());
      BlockingQueue<Path> chunks = new ArrayBlockingQueue<>(2);
      Path end = dir.resolve("end");
      Exception[] failed = {null};
      Thread loader = new Thread(() -> {
        try (Statement ls = d.createStatement()) {
          for (Path f = chunks.take(); !f.equals(end); f = chunks.take()) {
            ls.execute("INSERT INTO rows " + FROM_CSV + readCsv(f));
            Files.delete(f);
          }
        } catch (Exception ex) {
          failed[0] = ex;
        }
      });
      loader.start();
      CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI().copyOut(copySql);
      long n = 0;
      int k = 0;
      Path f = dir.resolve("chunk-0.csv");
      OutputStream o = new BufferedOutputStream(Files.newOutputStream(f), 1 << 20);
      for (byte[] row = copy.readFromCopy(); row != null; row = copy.readFromCopy()) {
        o.write(row);
        if (++n % chunkRows == 0) {
          o.close();
          chunks.put(f);
          f = dir.resolve("chunk-" + ++k + ".csv");
          o = new BufferedOutputStream(Files.newOutputStream(f), 1 << 20);
        }
      }
      o.close();
      chunks.put(f);
      chunks.put(end);
      loader.join();
      if (failed[0] != null) {
        throw failed[0];
      }
      s.execute("COPY rows TO '" + parquet + "' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880)");
    }
  }

  /** DuckDB's read_csv of PostgreSQL's CSV: no sniffing, the declared types, "" an empty string and empty NULL. */
  static String readCsv(Path file) {
    StringBuilder struct = new StringBuilder("{");
    for (String[] column : COLUMNS) {
      struct.append(struct.length() > 1 ? ", " : "").append('\'').append(column[0]).append("': '").append(column[1])
        .append('\'');
    }
    return "read_csv('" + file + "', columns=" + struct.append('}') + ", header=false, auto_detect=false, delim=',', "
      + "quote='\"', escape='\"', allow_quoted_nulls=false)";
  }

  private static Connection duck() throws SQLException {
    Properties props = new Properties();
    props.setProperty("memory_limit", "256MB");
    props.setProperty("threads", "2");
    return DriverManager.getConnection("jdbc:duckdb:", props);
  }

  private static List<ProfileColumn> profileColumns(JsonArray columns, List<Long> distinct) {
    List<ProfileColumn> out = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      out.add(new ProfileColumn(columns.getJsonObject(i).getString("name"), columns.getJsonObject(i).getString("type"),
        distinct == null ? null : distinct.get(i)));
    }
    return out;
  }

  /** Wall and process CPU seconds since the last lap. */
  private static final class Timer {
    private long wall = System.nanoTime();
    private long cpu = OS.getProcessCpuTime();

    String lap() {
      long w = System.nanoTime();
      long c = OS.getProcessCpuTime();
      String s = String.format("%.2f/%.2f", (w - wall) / 1e9, (c - cpu) / 1e9);
      wall = w;
      cpu = c;
      return s;
    }
  }
}
