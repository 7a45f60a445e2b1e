package io.tributary.dataset;

import io.tributary.support.Api;
import io.tributary.support.Duck;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Dataset versions and deletion")
class DatasetLifecycleTest {

  @TempDir
  static Path dir;

  @Test
  @DisplayName("replace=true makes a new version of the same dataset; a failed new version leaves the old one")
  void newVersion() throws Exception {
    Api user = Api.newUser("analyst");
    Path v1 = dir.resolve("v1.csv");
    Files.writeString(v1, "a,b\n1,x\n2,y\n");
    JsonObject first = user.uploadAndWait(v1, Map.of("name", "versioned"));
    assertThat(first.getString("status")).isEqualTo("completed");
    String id = first.getString("dataset_id");

    JsonObject taken = Api.error(user.upload(v1, Map.of("name", "versioned")), 409, "DATASET_EXISTS");
    assertThat(taken.getString("message")).contains("replace=true");

    Path v2 = dir.resolve("v2.json");
    Files.writeString(v2, "[{\"a\": 10, \"c\": true}, {\"a\": 20, \"c\": false}, {\"a\": 30, \"c\": null}]");
    HttpResponse<Buffer> accepted = user.upload(v2, Map.of("name", "versioned", "replace", "true"));
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(202);
    assertThat(accepted.bodyAsJsonObject().getString("dataset_id")).isEqualTo(id);
    assertThat(accepted.bodyAsJsonObject().getBoolean("replace")).isTrue();
    JsonObject job = user.awaitJob(accepted.bodyAsJsonObject().getString("job_id"));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");

    JsonObject dataset = user.get("/api/v1/data/datasets/" + id).bodyAsJsonObject();
    assertThat(dataset.getInteger("version")).isEqualTo(2);
    assertThat(dataset.getLong("row_count")).isEqualTo(3L);
    assertThat(dataset.getString("source_type")).isEqualTo("json");
    assertThat(dataset.getJsonArray("schema").stream().map(c -> ((JsonObject) c).getString("name"))).containsExactly("a", "c");
    assertThat(user.get("/api/v1/data/profile/" + id).bodyAsJsonObject().getLong("row_count")).isEqualTo(3L);
    Path downloaded = dir.resolve("versioned.parquet");
    Files.write(downloaded, user.get("/api/v1/data/datasets/" + id + "/download").body().getBytes());
    assertThat(Duck.value("SELECT sum(a)::BIGINT FROM read_parquet(" + Duck.lit(downloaded) + ")")).isEqualTo(60L);
    assertThat(user.get("/api/v1/data/datasets").bodyAsJsonObject().getJsonArray("items")).hasSize(1);

    Path broken = dir.resolve("broken.csv");
    Files.writeString(broken, "a,b\n1,2\n3\n");
    JsonObject failed = user.uploadAndWait(broken, Map.of("name", "versioned", "replace", "true"));
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getString("error")).contains("line 3");
    JsonObject still = user.get("/api/v1/data/datasets/" + id).bodyAsJsonObject();
    assertThat(still.getString("status")).isEqualTo("ready");
    assertThat(still.getInteger("version")).isEqualTo(2);
    HttpResponse<Buffer> query = user.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT sum(a) AS s FROM versioned"));
    assertThat(query.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getLong("s")).isEqualTo(60L);

    Api.error(user.upload(v1, Map.of("name", "versioned", "replace", "maybe")), 400, "VALIDATION_FAILED");
  }

  @Test
  @DisplayName("deleting a dataset removes it, its jobs and (after the grace period) its files, and frees its name")
  void delete() throws Exception {
    Api owner = Api.newUser("analyst");
    Api other = Api.newUser("analyst");
    Api viewer = Api.newUser("viewer");
    Path f = dir.resolve("doomed.csv");
    Files.writeString(f, "n\n1\n2\n");
    JsonObject job = owner.uploadAndWait(f, Map.of());
    String id = job.getString("dataset_id");
    Path folder = datasetFolder(id);
    assertThat(folder).isDirectory();

    Api.error(Api.send(other.request(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/data/datasets/" + id).send()), 404,
      "NOT_FOUND");
    Api.error(Api.send(viewer.request(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/data/datasets/" + id).send()), 403,
      "FORBIDDEN");
    HttpResponse<Buffer> deleted = Api.send(owner.request(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/data/datasets/" + id).send());
    assertThat(deleted.statusCode()).isEqualTo(204);

    Api.error(owner.get("/api/v1/data/datasets/" + id), 404, "NOT_FOUND");
    Api.error(owner.get("/api/v1/data/profile/" + id), 404, "NOT_FOUND");
    Api.error(owner.get("/api/v1/data/job/" + job.getString("job_id")), 404, "NOT_FOUND");
    Api.error(owner.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT * FROM doomed")), 400, "UNKNOWN_TABLE");
    Api.error(Api.send(owner.request(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/data/datasets/" + id).send()), 404,
      "NOT_FOUND");

    JsonObject again = owner.uploadAndWait(f, Map.of());
    assertThat(again.getString("status")).isEqualTo("completed");
    assertThat(again.getString("dataset_id")).isNotEqualTo(id);

    long deadline = System.currentTimeMillis() + 30_000;
    while (Files.exists(folder) && System.currentTimeMillis() < deadline) {
      Api.sleep(200);
    }
    assertThat(folder).as("the deleted dataset's files are removed").doesNotExist();
  }

  private static Path datasetFolder(String datasetId) throws Exception {
    try (Stream<Path> dirs = Files.walk(TestApp.get().dataDir.resolve("app/datasets"))) {
      return dirs.filter(p -> p.getFileName().toString().equals(datasetId)).findFirst().orElseThrow();
    }
  }
}
