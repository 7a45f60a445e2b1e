package io.tributary.collection;

import io.tributary.support.Api;
import io.tributary.support.Kafka;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Backup of a collection holding a stream's dataset")
class BackupStreamTest {

  private static void await(String what, BooleanSupplier done) {
    long deadline = System.currentTimeMillis() + 90_000;
    while (!done.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as("waiting until " + what).isLessThan(deadline);
      Api.sleep(200);
    }
  }

  private static long ingested(Api api, String stream) {
    return api.get("/api/v1/streams/" + stream).bodyAsJsonObject().getLong("records_ingested", 0L);
  }

  @Test
  @DisplayName("the stream's rows are backed up as a plain dataset that restores and queries the same")
  void streamDatasetIsBackedUpWithItsData() throws Exception {
    Client owner = new Client(Api.newUser("analyst", "premium"));
    String stream = "live_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String topic = "t-" + UUID.randomUUID();
    HttpResponse<Buffer> registered = owner.api.post("/api/v1/streams", new JsonObject().put("name", stream)
      .put("topic", topic));
    assertThat(registered.statusCode()).as(registered.bodyAsString()).isEqualTo(201);
    JsonObject s = registered.bodyAsJsonObject();
    // two batches, so the dataset is several part files
    Kafka.produce(topic, 0, 300, i -> "{\"id\":" + i + ",\"device\":\"d" + (i % 7) + "\",\"reading\":" + i % 50 + ".5}");
    await("the first batch is stored", () -> ingested(owner.api, stream) == 300);
    Kafka.produce(topic, 300, 200, i -> "{\"id\":" + i + ",\"device\":\"d" + (i % 7) + "\",\"reading\":" + i % 50 + ".5}");
    await("every record is stored", () -> ingested(owner.api, stream) == 500);

    String name = "col_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String collectionId = owner.create(name).getString("collection_id");
    int v = owner.add(collectionId, 1, "dataset", s.getString("dataset_id"));
    owner.add(collectionId, v, "stream", s.getString("stream_id"));

    String backupId = BackupRestoreTest.backup(owner, collectionId, false);
    Path archive = Files.createTempFile("stream-backup-", ".zip");
    Files.write(archive, BackupRestoreTest.download(owner.api, backupId));
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      JsonObject manifest = new JsonObject(new String(zip.getInputStream(zip.getEntry("manifest.json")).readAllBytes(),
        StandardCharsets.UTF_8));
      JsonObject d = manifest.getJsonArray("datasets").getJsonObject(0);
      assertThat(d.getString("name")).isEqualTo(stream);
      assertThat(d.getString("backed_up_from")).isEqualTo("stream");
      assertThat(d.getLong("row_count")).isEqualTo(500);
      JsonArray skipped = manifest.getJsonArray("skipped");
      assertThat(skipped).hasSize(1);
      assertThat(skipped.getJsonObject(0).getString("type")).isEqualTo("stream");
      assertThat(skipped.getJsonObject(0).getString("reason")).contains("plain dataset");
    }
    assertThat(owner.api.get("/api/v1/backups/" + backupId).bodyAsJsonObject().getLong("row_count")).isEqualTo(500);

    String copy = "copy_" + name.substring(4);
    JsonObject job = BackupRestoreTest.restore(owner, new JsonObject().put("backup_id", backupId).put("name", copy));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    JsonObject restored = job.getJsonObject("result").getJsonArray("datasets").getJsonObject(0);
    assertThat(restored.getString("name")).isEqualTo(copy + "_" + stream);
    assertThat(restored.getLong("row_count")).isEqualTo(500);
    BackupRestoreTest.sameRows(owner.api, stream, restored.getString("name"));
    JsonObject plain = owner.api.get("/api/v1/data/datasets/" + restored.getString("dataset_id")).bodyAsJsonObject();
    assertThat(plain.getString("status")).isEqualTo("ready");
  }
}
