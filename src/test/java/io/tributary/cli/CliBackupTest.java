package io.tributary.cli;

import io.tributary.support.Api;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("tributary collection backup and restore, run against the test application")
class CliBackupTest {

  @TempDir
  Path dir;

  private CliTest.Run cli(Api user, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    env.put("TRIBUTARY_URL", "http://127.0.0.1:" + TestApp.get().port);
    env.put("TRIBUTARY_TOKEN", user.token());
    env.put("COLUMNS", "120");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Cli.run(args, env, new ByteArrayInputStream(new byte[0]), out, err);
    return new CliTest.Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static long count(Api user, String sql) {
    HttpResponse<Buffer> r = user.post("/api/v1/query/sql", new JsonObject().put("sql", sql));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getLong("n");
  }

  @Test
  @DisplayName("backup -o saves the archive with progress; restore --name brings back datasets that query the same")
  void backupAndRestore() throws Exception {
    Api user = Api.newUser("analyst", "premium");
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String dataset = "readings_" + suffix;
    Path csv = dir.resolve(dataset + ".csv");
    StringBuilder text = new StringBuilder("id,city,reading\n");
    for (int i = 0; i < 1_500; i++) {
      text.append(i).append(',').append(i % 3 == 0 ? "Oslo" : "Lima").append(',').append(i * 0.5).append('\n');
    }
    Files.writeString(csv, text);
    String datasetId = user.uploadAndWait(csv, Map.of("name", dataset)).getString("dataset_id");
    String name = "cli_col_" + suffix;
    String collectionId = user.post("/api/v1/collections", new JsonObject().put("name", name)).bodyAsJsonObject()
      .getString("collection_id");
    HttpResponse<Buffer> added = Api.send(user.request(HttpMethod.POST, "/api/v1/collections/" + collectionId + "/items")
      .putHeader("If-Match", "\"1\"").sendJsonObject(new JsonObject().put("type", "dataset").put("id", datasetId)));
    assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);

    Path archive = dir.resolve("backup.zip");
    CliTest.Run backup = cli(user, "col", "backup", name, "-o", archive.toString());
    assertThat(backup.code()).as(backup.err()).isZero();
    assertThat(backup.out()).contains("of " + name + " saved to " + archive);
    assertThat(backup.err()).contains("backup", "100%", "completed");
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      assertThat(zip.getEntry("manifest.json")).isNotNull();
      assertThat(zip.size()).isEqualTo(2);
    }
    assertThat(user.get("/api/v1/backups").bodyAsJsonObject().getJsonArray("items")).hasSize(1);

    String copy = "cli_copy_" + suffix;
    CliTest.Run restore = cli(user, "collection", "restore", archive.toString(), "--name", copy);
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(restore.out()).contains("Restored collection " + copy, "with 1 datasets", copy + "_" + dataset, "1500");
    assertThat(restore.err()).contains("upload", "restore", "100%");
    String restored = copy + "_" + dataset;
    assertThat(count(user, "SELECT count(*) AS n FROM " + restored)).isEqualTo(1_500);
    assertThat(count(user, "SELECT count(*) AS n FROM (SELECT * FROM " + dataset + " EXCEPT ALL SELECT * FROM "
      + restored + ")")).isZero();
    assertThat(count(user, "SELECT count(*) AS n FROM (SELECT * FROM " + restored + " EXCEPT ALL SELECT * FROM "
      + dataset + ")")).isZero();

    // the same name again: refused (exit 3) unless --overwrite; --dry-run says what would be replaced
    CliTest.Run again = cli(user, "col", "restore", archive.toString(), "--name", copy);
    assertThat(again.code()).isEqualTo(3);
    assertThat(again.err()).contains("COLLECTION_EXISTS", "HTTP 409");
    CliTest.Run dry = cli(user, "col", "restore", archive.toString(), "--name", copy, "--overwrite", "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("Would restore", "action: replace");
    JsonArray mine = user.get("/api/v1/collections").bodyAsJsonObject().getJsonArray("items");
    assertThat(mine).hasSize(2);
  }

  @Test
  @DisplayName("a tampered archive is exit 3 naming the entry; a missing collection exit 2; a missing file exit 1")
  void failures() throws Exception {
    Api user = Api.newUser("analyst", "premium");
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    Path csv = dir.resolve("t.csv");
    Files.writeString(csv, "a,b\n1,x\n2,y\n3,z\n");
    String datasetId = user.uploadAndWait(csv, Map.of("name", "t_" + suffix)).getString("dataset_id");
    String name = "cli_t_" + suffix;
    String collectionId = user.post("/api/v1/collections", new JsonObject().put("name", name)).bodyAsJsonObject()
      .getString("collection_id");
    Api.send(user.request(HttpMethod.POST, "/api/v1/collections/" + collectionId + "/items")
      .putHeader("If-Match", "\"1\"").sendJsonObject(new JsonObject().put("type", "dataset").put("id", datasetId)));
    Path archive = dir.resolve("good.zip");
    assertThat(cli(user, "col", "backup", name, "-o", archive.toString()).code()).isZero();

    Path tampered = dir.resolve("tampered.zip");
    String entry = null;
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(archive));
         ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tampered))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        byte[] bytes = in.readAllBytes();
        if (e.getName().endsWith(".parquet")) {
          entry = e.getName();
          bytes[bytes.length / 2] ^= 1;
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(bytes);
        out.closeEntry();
      }
    }
    CliTest.Run refused = cli(user, "col", "restore", tampered.toString(), "--name", "cli_bad_" + suffix);
    assertThat(refused.code()).isEqualTo(3);
    assertThat(refused.err()).contains("failed", "Checksum mismatch", entry);
    assertThat(user.get("/api/v1/collections?filter=cli_bad_*").bodyAsJsonObject().getJsonArray("items")).isEmpty();

    CliTest.Run missing = cli(user, "col", "backup", "no_such_" + suffix);
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("No collection named no_such_" + suffix);
    assertThat(cli(user, "col", "restore", dir.resolve("nope.zip").toString()).code()).isEqualTo(1);
  }
}
