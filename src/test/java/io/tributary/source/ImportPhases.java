package io.tributary.source;

import io.tributary.profile.DatasetProfiler;
import io.tributary.profile.ProfileColumn;
import io.tributary.profile.ProfilerSettings;
import io.vertx.core.json.JsonArray;
import org.postgresql.PGConnection;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an import's time goes, without the application: against the machine's PostgreSQL (as {@code ImportBench}),
 * a {@code -Drows} (1,000,000) row table of every type ({@link EveryType}, dropped at the end unless
 * {@code -Dkeep=true}, made again when {@code -Drecreate=true}), then per repetition ({@code -Dreps}, 3):
 * {@code COPY ... TO STDOUT} in the text format (bytes counted), the extraction into a Parquet file through the text and the binary format (alternating which goes
 * first, so both see the same load), and the publish's describe and the profile of the file. Same-run ratios only:
 * the machine is shared. Run as the benchmarks are, with {@code io.tributary.source.ImportPhases}.
 */
public final class ImportPhases {
  static final String SOURCE = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  static final String TABLE = "tributary_phases_every_type";

  public static void main(String[] args) throws Exception {
    long rows = Long.getLong("rows", 1_000_000L);
    int reps = Integer.getInteger("reps", 3);
    Path dir = Path.of("target/phases");
    Files.createDirectories(dir);
    try (Connection c = DriverManager.getConnection(SOURCE); Statement s = c.createStatement()) {
      boolean exists;
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class WHERE relname = '" + TABLE + "'")) {
        rs.next();
        exists = rs.getLong(1) > 0;
      }
      if (!exists || Boolean.getBoolean("recreate")) {
        s.execute("DROP TABLE IF EXISTS " + TABLE);
        s.execute(EveryType.create(TABLE, rows));
        s.execute("ALTER TABLE " + TABLE + " ALTER COLUMN num TYPE numeric(12,3)");
        s.execute("VACUUM ANALYZE " + TABLE);
      }
    }
    DatasetProfiler profiler = new DatasetProfiler(new ProfilerSettings("1GB", 2, dir.resolve("ptmp")));
    profiler.warmUp();
    for (int r = 0; r < reps; r++) {
      try (Connection c = DriverManager.getConnection(SOURCE)) {
        c.setAutoCommit(false);
        String sql = "SELECT * FROM public." + TABLE;
        double textCopy = copy(c, "COPY (" + sql + ") TO STDOUT");
        double[] ext = new double[2];
        Extractor.Extracted e = null;
        Path out = dir.resolve("out.parquet");
        for (int k = 0; k < 2; k++) {
          boolean textFirst = r % 2 == 0;
          boolean asText = k == 0 ? textFirst : !textFirst;
          Files.deleteIfExists(out);
          Extractor ex = new Extractor(10_000, "256MB", 2, dir.resolve("tmp")).withoutCsv();
          if (asText) {
            ex.textOnly();
          }
          long t0 = System.nanoTime();
          e = ex.extract(c, sql, null, null, out, () -> false, x -> { });
          ext[asText ? 0 : 1] = (System.nanoTime() - t0) / 1e9;
        }
        long t0 = System.nanoTime();
        ImportFiles.Version v = ImportFiles.describe(out, "256MB");
        double describe = (System.nanoTime() - t0) / 1e9;
        List<ProfileColumn> pc = new ArrayList<>();
        JsonArray cols = v.columns();
        for (int i = 0; i < cols.size(); i++) {
          pc.add(new ProfileColumn(cols.getJsonObject(i).getString("name"), cols.getJsonObject(i).getString("type"),
            e.distinctCounts().get(i)));
        }
        t0 = System.nanoTime();
        profiler.profile(out, pc);
        double profile = (System.nanoTime() - t0) / 1e9;
        System.out.printf("rep %d: COPY text to stdout %.3f s; extract to Parquet: text %.3f s, binary %.3f s"
          + " (binary/text %.0f%%); describe %.3f s, profile %.3f s; distinct %s%n", r, textCopy, ext[0], ext[1],
          100 * ext[1] / ext[0], describe, profile, e.distinctCounts());
        c.rollback();
      }
    }
    profiler.close();
    if (!Boolean.getBoolean("keep")) {
      try (Connection c = DriverManager.getConnection(SOURCE); Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + TABLE);
      }
    }
    System.exit(0);
  }

  static double copy(Connection c, String sql) throws Exception {
    long[] bytes = {0};
    OutputStream sink = new OutputStream() {
      @Override
      public void write(int b) {
        bytes[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        bytes[0] += len;
      }
    };
    long t = System.nanoTime();
    c.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, sink);
    return (System.nanoTime() - t) / 1e9;
  }
}
