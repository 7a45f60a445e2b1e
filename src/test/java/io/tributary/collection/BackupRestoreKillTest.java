package io.tributary.collection;

import io.tributary.support.ChildServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A restore killed with SIGKILL")
class BackupRestoreKillTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  @DisplayName("leaves no half-restored collection or dataset visible after a restart, and no staged files")
  void killDuringRestore(@TempDir Path dir) throws Exception {
    try (ChildServer child = new ChildServer(dir)) {
      // the restore waits 4 s before its transaction: the kill lands after its files are in the lake
      start(child.env("TRIBUTARY_RESTORE_COMMIT_DELAY_MS", "4000"));
      String token = child.login();
      String owner = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]),
        StandardCharsets.UTF_8)).getString("sub");
      String a = upload(child, token, "kill_a", 2_000);
      String b = upload(child, token, "kill_b", 500);
      JsonObject created = call(child, token, "POST", "/api/v1/collections", null,
        new JsonObject().put("name", "kill_src"), 201);
      String collection = created.getString("collection_id");
      call(child, token, "POST", "/api/v1/collections/" + collection + "/items", "\"1\"",
        new JsonObject().put("type", "dataset").put("id", a), 201);
      call(child, token, "POST", "/api/v1/collections/" + collection + "/items", "\"2\"",
        new JsonObject().put("type", "dataset").put("id", b), 201);
      JsonObject backup = call(child, token, "POST", "/api/v1/collections/" + collection + "/backup", null,
        new JsonObject(), 202);
      assertThat(await(child, token, backup.getString("job_id")).getString("status")).isEqualTo("completed");

      JsonObject restore = call(child, token, "POST", "/api/v1/collections/restore", null,
        new JsonObject().put("backup_id", backup.getString("backup_id")).put("name", "kill_copy"), 202);
      String jobId = restore.getString("job_id");
      long deadline = System.currentTimeMillis() + 120_000;
      while (job(child, token, jobId).getInteger("progress") < 90) {
        assertThat(System.currentTimeMillis()).as("the restore reached its transaction in time").isLessThan(deadline);
        Thread.sleep(50);
      }
      assertThat(parquetFiles(child.dataDir, owner)).as("the restored files are in the lake, not yet registered")
        .hasSize(4);
      assertThat(names(child, token, "/api/v1/collections")).doesNotContain("kill_copy");
      child.kill();

      start(child.env("TRIBUTARY_RESTORE_COMMIT_DELAY_MS", "0"));
      assertThat(child.dataDir.resolve("restore")).as("staged files of the killed restore are removed at start")
        .isEmptyDirectory();
      // while the interrupted job runs again, the copy is either absent or whole
      JsonObject ended;
      deadline = System.currentTimeMillis() + 180_000;
      while (true) {
        whole(child, token);
        ended = job(child, token, jobId);
        if (List.of("completed", "failed").contains(ended.getString("status"))) {
          break;
        }
        assertThat(System.currentTimeMillis()).as("the interrupted restore ended in time").isLessThan(deadline);
        Thread.sleep(100);
      }
      whole(child, token);
      List<String> datasets = names(child, token, "/api/v1/data/datasets?limit=500");
      if ("completed".equals(ended.getString("status"))) {
        assertThat(names(child, token, "/api/v1/collections")).contains("kill_copy");
        assertThat(datasets).containsExactlyInAnyOrder("kill_a", "kill_b", "kill_copy_kill_a", "kill_copy_kill_b");
      } else {
        assertThat(names(child, token, "/api/v1/collections")).doesNotContain("kill_copy");
        assertThat(datasets).containsExactlyInAnyOrder("kill_a", "kill_b");
      }
      // every Parquet file in the lake belongs to a visible dataset: the rerun rewrote the killed run's paths
      // (the backup's own file is under backups/)
      assertThat(parquetFiles(child.dataDir, owner)).hasSize(datasets.size());
      assertThat(child.dataDir.resolve("restore")).isEmptyDirectory();
    }
  }

  /**
   * Starts the child (up to 240 s: the machine may be loaded), a second time when the first start gave up on a
   * service (on a loaded machine the shared broker can be slow to answer); a failed start shows the end of its log.
   */
  private static void start(ChildServer child) throws Exception {
    try {
      child.start(240);
    } catch (IllegalStateException first) {
      try {
        child.start(240);
      } catch (IllegalStateException e) {
        throw new AssertionError(e.getMessage() + "\n" + child.logExcerpt(60), e);
      }
    }
  }

  /** The copy, when visible, has both datasets with all their rows. */
  private void whole(ChildServer child, String token) throws Exception {
    JsonArray items = call(child, token, "GET", "/api/v1/collections?filter=kill_copy", null, null, 200)
      .getJsonArray("items");
    if (!items.isEmpty()) {
      JsonObject copy = call(child, token, "GET", "/api/v1/collections/" + items.getJsonObject(0)
        .getString("collection_id"), null, null, 200);
      assertThat(copy.getInteger("item_count")).isEqualTo(2);
      assertThat(copy.getLong("row_count")).isEqualTo(2_500);
    }
  }

  private static List<Path> parquetFiles(Path dataDir, String owner) throws IOException {
    try (Stream<Path> files = Files.walk(dataDir.resolve("datasets").resolve(owner))) {
      return files.filter(p -> p.toString().endsWith(".parquet")).toList();
    }
  }

  private List<String> names(ChildServer child, String token, String path) throws Exception {
    return call(child, token, "GET", path, null, null, 200).getJsonArray("items").stream()
      .map(o -> ((JsonObject) o).getString("name")).toList();
  }

  private JsonObject job(ChildServer child, String token, String jobId) throws Exception {
    return call(child, token, "GET", "/api/v1/data/job/" + jobId, null, null, 200);
  }

  private JsonObject await(ChildServer child, String token, String jobId) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject job = job(child, token, jobId);
      if (List.of("completed", "failed").contains(job.getString("status"))) {
        return job;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("job " + jobId + " did not end in time");
  }

  private JsonObject call(ChildServer child, String token, String method, String path, String ifMatch, JsonObject body,
                          int expected) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + child.port + path))
      .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (ifMatch != null) {
      b.header("If-Match", ifMatch);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(expected);
    return r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body());
  }

  /** Uploads a CSV of {@code rows} rows as dataset {@code name}; returns its id once ready. */
  private String upload(ChildServer child, String token, String name, int rows) throws Exception {
    StringBuilder csv = new StringBuilder("id,label,value\n");
    for (int i = 0; i < rows; i++) {
      csv.append(i).append(",l").append(i % 13).append(',').append(i * 0.25).append('\n');
    }
    String boundary = "----kill" + UUID.randomUUID();
    String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n--" + boundary
      + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + ".csv\"\r\n"
      + "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "--\r\n";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + child.port
        + "/api/v1/data/upload")).header("Authorization", "Bearer " + token)
      .header("Content-Type", "multipart/form-data; boundary=" + boundary)
      .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonObject accepted = new JsonObject(r.body());
    assertThat(await(child, token, accepted.getString("job_id")).getString("status")).isEqualTo("completed");
    return accepted.getString("dataset_id");
  }
}
