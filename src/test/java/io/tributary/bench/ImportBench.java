package io.tributary.bench;

import io.tributary.source.EveryType;
import io.tributary.support.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.postgresql.PGConnection;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Import benchmark: a table of every PostgreSQL type ({@link EveryType}, {@code bench.import.rows} rows, default
 * 1,000,000) in the machine's own PostgreSQL (127.0.0.1:5432, database test, user postgres, trust), imported through
 * HTTP by the test application in this JVM (embedded services, as {@code CollectionBench}), timed from the import's
 * 202 to the job completed (validation, extraction, publish and profile), next to
 * {@code COPY (SELECT * FROM table) TO STDOUT} of the same table through the JDBC driver's CopyManager in the same run
 * (best of 2, measured right before each import, so both sides share the load and the warm-up). The first import runs on a just-started application, the repeat on a warm one. Reports this JVM's heap
 * after GC (largest sum of the pools' usage after a collection) and its peak heap (sum of the pools' peaks; the JVM
 * also holds the embedded Kafka broker and the test client), and checks with DuckDB that the downloaded dataset holds
 * exactly the source's rows (EXCEPT ALL both ways). Results go to {@code target/bench/import.md}. Figures are only
 * comparable within one run: the machine is shared.
 */
public final class ImportBench {

  static final String SOURCE = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  static final String TABLE = "tributary_bench_every_type";

  record Result(String label, long rows, double copyS, double importS, double liveMb, double peakMb, String check) {
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Files.createDirectories(out);
    long rows = Long.getLong("bench.import.rows", 1_000_000L);
    try (Connection c = DriverManager.getConnection(SOURCE); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE);
      s.execute(EveryType.create(TABLE, rows));
      s.execute("ALTER TABLE " + TABLE + " ALTER COLUMN num TYPE numeric(12,3)");
      s.execute("VACUUM ANALYZE " + TABLE);
    }
    List<Result> results = new ArrayList<>();
    try {
      Api api = Api.newUser("analyst", "premium");
      HttpResponse<Buffer> conn = api.post("/api/v1/data/connections", new JsonObject().put("name", "bench")
        .put("type", "postgresql").put("host", "127.0.0.1").put("port", 5432).put("database", "test")
        .put("user", "postgres").put("password", ""));
      if (conn.statusCode() != 201) {
        throw new IllegalStateException("connection: " + conn.statusCode() + " " + conn.bodyAsString());
      }
      for (int run = 0; run < 2; run++) {
        // COPY measured right before each import: both under the same load and with the same warm-up
        double copy = copyToStdout();
        System.gc();
        resetPeaks();
        long t0 = System.nanoTime();
        HttpResponse<Buffer> reply = api.post("/api/v1/data/import", new JsonObject()
          .put("connection_id", conn.bodyAsJsonObject().getString("connection_id")).put("table", "public." + TABLE)
          .put("name", "bench_import").put("mode", "replace"));
        if (reply.statusCode() != 202) {
          throw new IllegalStateException("import: " + reply.statusCode() + " " + reply.bodyAsString());
        }
        // a loaded machine takes minutes over the first import, on a just-started application
        JsonObject job = api.awaitJob(reply.bodyAsJsonObject().getString("job_id"), java.time.Duration.ofMinutes(20));
        double seconds = (System.nanoTime() - t0) / 1e9;
        double live = heapAfterGc();
        double peak = peakHeap();
        String check = "completed".equals(job.getString("status")) ? identical(api, job, out, rows)
          : "failed: " + job.getString("error");
        results.add(new Result(run == 0 ? "1st import (application just started)" : "repeat (warm)", rows, copy,
          seconds, live / (1 << 20), peak / (1 << 20), check));
      }
    } finally {
      try (Connection c = DriverManager.getConnection(SOURCE); Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + TABLE);
      }
    }
    report(results, out, Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
    System.exit(0);
  }

  private static void resetPeaks() {
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  private static double peakHeap() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
      .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
  }

  private static double heapAfterGc() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
      .filter(p -> p.getCollectionUsage() != null).mapToLong(p -> p.getCollectionUsage().getUsed()).sum();
  }

  /** COPY of the table to STDOUT through the JDBC driver (the bytes counted, not kept), best of 2, in seconds. */
  static double copyToStdout() throws Exception {
    double best = Double.MAX_VALUE;
    try (Connection c = DriverManager.getConnection(SOURCE)) {
      for (int i = 0; i < 2; i++) {
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
        c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT * FROM " + TABLE + ") TO STDOUT", sink);
        best = Math.min(best, (System.nanoTime() - t) / 1e9);
      }
    }
    return best;
  }

  /** Downloads the dataset and compares it with the source's rows in DuckDB: "identical" or what differs. */
  static String identical(Api api, JsonObject job, Path out, long rows) throws Exception {
    Path parquet = out.resolve("import-download.parquet");
    HttpResponse<Buffer> download = api.get("/api/v1/data/datasets/" + job.getString("dataset_id") + "/download");
    Files.write(parquet, download.body().getBytes());
    String file = "SELECT * FROM read_parquet('" + parquet + "')";
    String expected = EveryType.expected(rows);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      long extra = count(s, "SELECT count(*) FROM (" + file + " EXCEPT ALL " + expected + ")");
      long missing = count(s, "SELECT count(*) FROM (" + expected + " EXCEPT ALL " + file + ")");
      return extra == 0 && missing == 0 ? "identical (EXCEPT ALL both ways empty)"
        : extra + " rows not in the source, " + missing + " source rows missing";
    } finally {
      Files.deleteIfExists(parquet);
    }
  }

  private static long count(Statement s, String sql) throws Exception {
    try (var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void report(List<Result> results, Path out, String heap) throws Exception {
    StringBuilder md = new StringBuilder("| run | rows | COPY TO STDOUT s | COPY rows/s | import s (202 → completed, "
      + "profile included) | import rows/s | import / COPY rate | heap after GC MB | peak heap MB (max " + heap
      + ") | values |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Result r : results) {
      md.append(String.format(Locale.ROOT, "| %s | %,d | %.3f | %,.0f | %.3f | %,.0f | %.0f%% | %.0f | %.0f | %s |%n",
        r.label(), r.rows(), r.copyS(), r.rows() / r.copyS(), r.importS(), r.rows() / r.importS(),
        100 * r.copyS() / r.importS(), r.liveMb(), r.peakMb(), r.check()));
    }
    System.out.println();
    System.out.println("Import benchmark (PostgreSQL table of every type, through HTTP vs COPY TO STDOUT, same run)");
    System.out.println(md);
    Files.writeString(out.resolve("import.md"), md.toString());
  }
}
