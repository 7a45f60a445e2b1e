package io.tributary.bench;

import io.tributary.lake.S3Lake;
import io.tributary.support.S3Proxy;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The S3 lake's costs against s3proxy 4.1.0 (its own JVM, filesystem store) on this machine: publish (multipart),
 * the store's raw GET rate, a cache fill (GET + SHA-256 + write) and a DuckDB aggregate over a dataset cold
 * (fetched through the cache first, as the first query on a node) and warm (already cached). Writes {@code lake.md}.
 * Run with {@code java -cp <test classpath> io.tributary.bench.LakeBench target/bench}; system properties
 * {@code bench.lake.rows} (default 3,000,000) and {@code bench.lake.runs} (default 3).
 */
public final class LakeBench {

  private static final double MB = 1024.0 * 1024.0;
  private static final String SQL = "SELECT grp, count(*), avg(amount) FROM read_parquet(?) GROUP BY grp";

  public static void main(String[] args) throws Exception {
    Path out = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/bench").toAbsolutePath());
    int rows = Integer.getInteger("bench.lake.rows", 3_000_000);
    int runs = Integer.getInteger("bench.lake.runs", 3);
    Path root = Files.createDirectories(out.resolve("lake-" + UUID.randomUUID()));
    try (S3Proxy s3 = new S3Proxy(root.resolve("s3"), "bench").start()) {
      JsonObject cfg = new JsonObject().put("url", "s3://bench/lake").put("endpoint", s3.endpoint())
        .put("access_key", "bench").put("secret_key", "bench").put("multipart_threshold_bytes", 16L << 20)
        .put("part_size_bytes", 16L << 20).put("cache_max_bytes", 1L << 34);
      Path writer = Files.createDirectories(root.resolve("writer"));
      String rel = "datasets/owner/dataset/job.parquet";
      Path file = writer.resolve(rel);
      Files.createDirectories(file.getParent());
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
        s.execute("COPY (SELECT i AS id, 'g' || (i % 13) AS grp, (i * 7919 % 100000) / 100.0 AS amount, "
          + "md5(i::VARCHAR) AS note FROM range(" + rows + ") t(i)) TO '" + file + "' (FORMAT parquet)");
      }
      double mb = Files.size(file) / MB;
      S3Lake source = S3Lake.open(cfg, writer, 0);
      List<Double> publish = new ArrayList<>();
      List<Double> raw = new ArrayList<>();
      List<Double> fill = new ArrayList<>();
      List<Double> cold = new ArrayList<>();
      List<Double> warm = new ArrayList<>();
      for (int r = 0; r < runs; r++) {
        long t0 = System.nanoTime();
        source.publish(rel);
        publish.add(ms(t0));
      }
      for (int r = 0; r < runs; r++) {
        long t0 = System.nanoTime();
        source.readRaw(rel);
        raw.add(ms(t0));
        S3Lake node = S3Lake.open(cfg, Files.createDirectories(root.resolve("node-" + r)), 0);
        t0 = System.nanoTime();
        node.fetch(rel);
        fill.add(ms(t0));
        S3Lake coldNode = S3Lake.open(cfg, Files.createDirectories(root.resolve("cold-" + r)), 0);
        t0 = System.nanoTime();
        query(coldNode.fetch(rel));
        cold.add(ms(t0));
        t0 = System.nanoTime();
        if (!coldNode.cached(rel)) {
          throw new IllegalStateException("the file should be cached");
        }
        query(coldNode.dataDir().resolve(rel));
        warm.add(ms(t0));
        node.close();
        coldNode.close();
      }
      source.close();
      String report = String.format(Locale.ROOT, """
        # Lake benchmark

        s3proxy 4.1.0 (filesystem store, own JVM) on this machine; a Parquet file of %,d rows (%.1f MB); median of %d
        runs (ms, and MB/s where it is a transfer). Cold: fetch through the cache (GET, SHA-256, write) then the query;
        warm: the query on the cached copy. Query: `%s`.

        | step | median ms | MB/s |
        |---|---|---|
        | publish (multipart, 16 MiB parts) | %.0f | %.0f |
        | raw GET (read and discard) | %.0f | %.0f |
        | cache fill (GET + SHA-256 + write) | %.0f | %.0f |
        | query, cold (fill + DuckDB) | %.0f | |
        | query, warm (DuckDB on the cached copy) | %.0f | |
        """, rows, mb, runs, SQL, median(publish), mb / (median(publish) / 1000), median(raw),
        mb / (median(raw) / 1000), median(fill), mb / (median(fill) / 1000), median(cold), median(warm));
      Files.writeString(out.resolve("lake.md"), report);
      System.out.println(report);
    }
  }

  private static void query(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
         PreparedStatement p = c.prepareStatement(SQL)) {
      p.setString(1, file.toString());
      try (ResultSet rs = p.executeQuery()) {
        int groups = 0;
        while (rs.next()) {
          groups++;
        }
        if (groups != 13) {
          throw new IllegalStateException("expected 13 groups, got " + groups);
        }
      }
    }
  }

  private static double ms(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

  private static double median(List<Double> xs) {
    List<Double> sorted = new ArrayList<>(xs);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
