package io.tributary.ingest;

import io.tributary.support.Api;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Tenant isolation")
class IsolationTest {

  @Test
  @DisplayName("another user's job, dataset, profile and download answer 404, and their list does not show it")
  void otherUsersSeeNothing(@TempDir Path dir) throws Exception {
    Api owner = Api.newUser("analyst");
    Api other = Api.newUser("analyst");
    Path f = dir.resolve("private.csv");
    Files.writeString(f, "secret\n42\n");
    JsonObject job = owner.uploadAndWait(f, Map.of());
    assertThat(job.getString("status")).isEqualTo("completed");
    String datasetId = job.getString("dataset_id");

    assertThat(owner.get("/api/v1/data/profile/" + datasetId).statusCode()).isEqualTo(200);
    Api.error(other.get("/api/v1/data/job/" + job.getString("job_id")), 404, "NOT_FOUND");
    Api.error(other.get("/api/v1/data/datasets/" + datasetId), 404, "NOT_FOUND");
    Api.error(other.get("/api/v1/data/datasets/" + datasetId + "/download"), 404, "NOT_FOUND");
    Api.error(other.get("/api/v1/data/profile/" + datasetId), 404, "NOT_FOUND");
    assertThat(other.get("/api/v1/data/datasets").bodyAsJsonObject().getJsonArray("items")).isEmpty();
    Api.error(other.get("/api/v1/data/datasets/not-a-uuid"), 404, "NOT_FOUND");
    // even an admin sees only their own data through these routes
    Api.error(Api.admin().get("/api/v1/data/datasets/" + datasetId), 404, "NOT_FOUND");
  }
}
