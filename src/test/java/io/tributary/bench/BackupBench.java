package io.tributary.bench;

import io.tributary.support.Api;
import io.tributary.support.Duck;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Backup and restore of a collection, in the test application's JVM (embedded services): for each size in
 * {@code bench.backup.rows} (default {@code 1000000,3000000}), generated datasets of at most 1M rows each (the test
 * application's upload limit is 40 MB) are put in one collection, backed up and restored through the REST API (from
 * the POST to the job's completion), and {@code tar} archives and extracts the same Parquet files in the same run.
 * Each of backup, tar -c, tar -x and restore runs {@code bench.backup.repeat} times (default 3), alternating, and
 * the medians are reported. The round trip's query equality is checked with SQL: counts through the API, EXCEPT ALL
 * both ways in DuckDB over the original and restored lake files.
 * Files are in the page cache for both. Results: {@code target/bench/backup.md}.
 */
public final class BackupBench {

  private static final long MAX_ROWS_PER_DATASET = 1_000_000;

  private BackupBench() {
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Files.createDirectories(out);
    StringBuilder md = new StringBuilder("# Backup and restore\n\nIn the test application's JVM (embedded services), "
      + "through the REST API, from the POST to the job's completion; `tar` of the same Parquet files in the same run. "
      + "The machine is shared, so compare the ratios, not the absolute figures.\n\n"
      + "Each step ran bench.backup.repeat times (alternating); figures are the medians. "
      + "Seconds are the job's own (claimed to finished) / end to end (POST to completion, through the job queue); "
      + "MB/s and the ratios to tar use the job's own time.\n\n"
      + "| rows | datasets | Parquet MB | archive MB | backup s | backup MB/s | tar -c MB/s | backup/tar | restore s "
      + "| restore MB/s | tar -x MB/s | restore/tar | equal rows |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    Api user = Api.newUser("analyst", "premium");
    Path work = Files.createTempDirectory("backup-bench-");
    for (String size : System.getProperty("bench.backup.rows", "1000000,3000000").split(",")) {
      long rows = Long.parseLong(size.trim());
      md.append(run(user, work, rows)).append('\n');
      Files.writeString(out.resolve("backup.md"), md);
    }
    System.out.println(md);
    System.exit(0);
  }

  private static String run(Api user, Path work, long rows) throws Exception {
    String tag = "b" + rows / 1000 + "k_" + UUID.randomUUID().toString().substring(0, 6);
    JsonObject collection = user.post("/api/v1/collections", new JsonObject().put("name", tag)).bodyAsJsonObject();
    String collectionId = collection.getString("collection_id");
    List<String> names = new ArrayList<>();
    List<String> datasetIds = new ArrayList<>();
    List<Path> lakeFiles = new ArrayList<>();
    int version = 1;
    for (long done = 0, n = 0; done < rows; done += MAX_ROWS_PER_DATASET, n++) {
      long part = Math.min(MAX_ROWS_PER_DATASET, rows - done);
      String name = tag + "_" + n;
      Path file = work.resolve(name + ".parquet");
      Duck.exec("COPY (SELECT i AS id, 'category_' || (i % 97) AS category, (i * 7919 % 100000) / 100.0 AS amount, "
        + "TIMESTAMP '2026-01-01' + to_seconds(i) AS at, i % 3 = 0 AS flag, CASE WHEN i % 11 = 0 THEN NULL "
        + "ELSE substr(md5(i::VARCHAR), 1, 8) END AS note FROM range(" + done + ", " + (done + part) + ") t(i)) TO "
        + Duck.lit(file) + " (FORMAT parquet)");
      HttpResponse<Buffer> up = user.upload(file, Map.of("name", name, "source_type", "parquet"));
      if (up.statusCode() != 202) {
        throw new IllegalStateException(up.bodyAsString());
      }
      JsonObject job = awaitJob(user, up.bodyAsJsonObject().getString("job_id"));
      String datasetId = job.getString("dataset_id");
      HttpResponse<Buffer> added = Api.send(user.request(HttpMethod.POST, "/api/v1/collections/" + collectionId
        + "/items").putHeader("If-Match", "\"" + version + "\"").sendJsonObject(new JsonObject()
        .put("type", "dataset").put("id", datasetId)));
      version = added.bodyAsJsonObject().getInteger("version");
      names.add(name);
      datasetIds.add(datasetId);
      Files.delete(file);
    }
    Path app = TestApp.get().dataDir.resolve("app");
    String owner = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(user.token().split("\\.")[1]),
      java.nio.charset.StandardCharsets.UTF_8)).getString("sub");
    for (String id : datasetIds) {
      try (var files = Files.list(app.resolve("datasets").resolve(owner).resolve(id))) {
        files.filter(p -> p.toString().endsWith(".parquet")).forEach(lakeFiles::add);
      }
    }
    long parquetBytes = 0;
    for (Object o : user.get("/api/v1/collections/" + collectionId).bodyAsJsonObject().getJsonArray("members")) {
      parquetBytes += ((JsonObject) o).getLong("size_bytes");
    }

    // each step runs bench.backup.repeat times and reports its median: one run of a sub-second job is mostly noise
    // on a shared machine
    int repeat = Integer.getInteger("bench.backup.repeat", 3);
    List<Double> backupJob = new ArrayList<>();
    List<Double> backupEnd = new ArrayList<>();
    List<Double> restoreJob = new ArrayList<>();
    List<Double> restoreEnd = new ArrayList<>();
    List<Double> tarC = new ArrayList<>();
    List<Double> tarX = new ArrayList<>();
    long archiveBytes = 0;
    JsonObject restored = null;
    for (int i = 0; i < repeat; i++) {
      long t0 = System.nanoTime();
      JsonObject accepted = user.post("/api/v1/collections/" + collectionId + "/backup", new JsonObject())
        .bodyAsJsonObject();
      JsonObject backup = awaitJob(user, accepted.getString("job_id"));
      backupEnd.add((System.nanoTime() - t0) / 1e9);
      backupJob.add(jobSeconds(backup));
      archiveBytes = backup.getJsonObject("result").getLong("size_bytes");

      Path tar = work.resolve("same-" + i + ".tar");
      List<String> tarArgs = new ArrayList<>(List.of("tar", "-cf", tar.toString()));
      lakeFiles.forEach(p -> tarArgs.add(p.toString()));
      tarC.add(time(tarArgs));
      Path untar = Files.createDirectories(work.resolve("untar-" + tag + "-" + i));
      tarX.add(time(List.of("tar", "-xf", tar.toString(), "-C", untar.toString())));

      long t1 = System.nanoTime();
      JsonObject restore = user.post("/api/v1/collections/restore", new JsonObject()
        .put("backup_id", accepted.getString("backup_id")).put("name", tag + "_copy" + i)).bodyAsJsonObject();
      restored = awaitJob(user, restore.getString("job_id"));
      restoreEnd.add((System.nanoTime() - t1) / 1e9);
      restoreJob.add(jobSeconds(restored));
    }
    double backupJobSeconds = median(backupJob);
    double backupSeconds = median(backupEnd);
    double tarSeconds = median(tarC);
    double untarSeconds = median(tarX);
    double restoreJobSeconds = median(restoreJob);
    double restoreSeconds = median(restoreEnd);

    // counts through the API; the row-by-row comparison in this process's DuckDB over the same lake files the
    // queries read: on a loaded machine EXCEPT ALL over 1M rows outlasts the test application's 4 s query limit
    boolean equal = true;
    for (Object o : restored.getJsonObject("result").getJsonArray("datasets")) {
      JsonObject d = (JsonObject) o;
      String a = d.getString("original_name");
      String b = d.getString("name");
      String filesA = parquet(app.resolve("datasets").resolve(owner).resolve(datasetIds.get(names.indexOf(a))));
      String filesB = parquet(app.resolve("datasets").resolve(owner).resolve(d.getString("dataset_id")));
      equal &= count(user, "SELECT count(*) AS n FROM " + a) == count(user, "SELECT count(*) AS n FROM " + b)
        && ((Number) Duck.value("SELECT count(*) FROM (SELECT * FROM " + filesA + " EXCEPT ALL SELECT * FROM "
        + filesB + ")")).longValue() == 0
        && ((Number) Duck.value("SELECT count(*) FROM (SELECT * FROM " + filesB + " EXCEPT ALL SELECT * FROM "
        + filesA + ")")).longValue() == 0;
    }
    double mb = parquetBytes / 1e6;
    return String.format(Locale.ROOT, "| %,d | %d | %.1f | %.1f | %.2f / %.2f | %.1f | %.1f | %.0f%% | %.2f / %.2f "
        + "| %.1f | %.1f | %.0f%% | %s |", rows, names.size(), mb, archiveBytes / 1e6, backupJobSeconds, backupSeconds,
      mb / backupJobSeconds, mb / tarSeconds, 100 * tarSeconds / backupJobSeconds, restoreJobSeconds, restoreSeconds,
      mb / restoreJobSeconds, mb / untarSeconds, 100 * untarSeconds / restoreJobSeconds,
      equal ? "yes (count, EXCEPT ALL both ways)" : "NO");
  }

  /** {@code read_parquet([...])} of a dataset folder's Parquet files. */
  private static String parquet(Path dir) throws java.io.IOException {
    try (var files = Files.list(dir)) {
      return "read_parquet([" + String.join(", ", files.filter(p -> p.toString().endsWith(".parquet")).sorted()
        .map(Duck::lit).toList()) + "])";
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double time(List<String> command) throws Exception {
    long t = System.nanoTime();
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
    return (System.nanoTime() - t) / 1e9;
  }

  private static double jobSeconds(JsonObject job) {
    return java.time.Duration.between(java.time.Instant.parse(job.getString("started_at")),
      java.time.Instant.parse(job.getString("finished_at"))).toNanos() / 1e9;
  }

  private static long count(Api user, String sql) {
    HttpResponse<Buffer> r = user.post("/api/v1/query/sql", new JsonObject().put("sql", sql));
    if (r.statusCode() != 200) {
      throw new IllegalStateException(sql + ": " + r.bodyAsString());
    }
    return r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getLong("n");
  }

  private static JsonObject awaitJob(Api user, String jobId) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 1_800_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject job = user.get("/api/v1/data/job/" + jobId).bodyAsJsonObject();
      if ("completed".equals(job.getString("status"))) {
        return job;
      }
      if ("failed".equals(job.getString("status"))) {
        throw new IllegalStateException("job failed: " + job.encode());
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("job " + jobId + " did not end in time");
  }
}
