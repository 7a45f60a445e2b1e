package io.tributary.admin;

import io.tributary.support.Api;
import io.tributary.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Exporting a user's data (GDPR)")
class UserExportTest {

  static Map<String, byte[]> unzip(byte[] archive) throws Exception {
    Map<String, byte[]> out = new HashMap<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        out.put(e.getName(), zip.readAllBytes());
      }
    }
    return out;
  }

  @Test
  @DisplayName("a user exports everything they own as one archive; others cannot; erasure removes the archive too")
  void export() throws Exception {
    String email = "export-" + UUID.randomUUID() + "@test.local";
    var created = Api.admin().post("/api/v1/users", new JsonObject().put("email", email).put("password", "Password-123")
      .put("role", "analyst"));
    String id = created.bodyAsJsonObject().getString("id");
    Api user = Api.anonymous().login(email, "Password-123");
    Path csv = Files.createTempFile("export", ".csv");
    Files.writeString(csv, "city,temp\nOslo,3\nLima,19\n");
    String datasetId = user.uploadAndWait(csv, Map.of("name", "exported_cities")).getString("dataset_id");
    assertThat(user.post("/api/v1/dashboards", new JsonObject().put("name", "Export board")).statusCode()).isEqualTo(201);

    Api.error(Api.newUser("analyst").post("/api/v1/users/" + id + "/export", new JsonObject()), 404, "NOT_FOUND");
    var started = user.post("/api/v1/users/" + id + "/export", new JsonObject());
    assertThat(started.statusCode()).as(started.bodyAsString()).isEqualTo(202);
    String jobId = started.bodyAsJsonObject().getString("job_id");
    JsonObject job = user.awaitJob(jobId);
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getString("job_type")).isEqualTo("user_export");

    var download = user.get("/api/v1/users/" + id + "/export/" + jobId);
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.getHeader("Content-Type")).isEqualTo("application/zip");
    Map<String, byte[]> files = unzip(download.bodyAsBuffer().getBytes());
    String userJson = new String(files.get("user.json"), StandardCharsets.UTF_8);
    assertThat(userJson).contains(email).doesNotContain("pbkdf2").doesNotContain("password");
    JsonArray datasets = new JsonArray(new String(files.get("tables/datasets.json"), StandardCharsets.UTF_8));
    assertThat(datasets.getJsonObject(0).getString("name")).isEqualTo("exported_cities");
    assertThat(new String(files.get("tables/dashboards.json"), StandardCharsets.UTF_8)).contains("Export board");
    assertThat(new String(files.get("profiles.json"), StandardCharsets.UTF_8)).contains(datasetId);
    assertThat(new String(files.get("audit.json"), StandardCharsets.UTF_8)).contains("user.export_requested");
    assertThat(files.keySet()).anyMatch(name -> name.startsWith("lake/" + datasetId + "/") && name.endsWith(".parquet"));
    Api.error(Api.admin().get("/api/v1/users/" + id + "/export/" + jobId), 404, "NOT_FOUND");

    Path archive = TestApp.get().dataDir.resolve("app").resolve(io.tributary.lake.LakePaths.userExportFile(id, jobId));
    assertThat(archive).exists();
    assertThat(Api.admin().delete("/api/v1/users/" + id + "?erase=true").statusCode()).isEqualTo(204);
    assertThat(archive).doesNotExist();
  }
}
