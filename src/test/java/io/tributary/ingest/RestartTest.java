package io.tributary.ingest;

import io.tributary.kafka.KafkaSettings;
import io.tributary.support.Api;
import io.tributary.support.Duck;
import io.tributary.support.TestApp;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Restart in the middle of a job")
class RestartTest {

  @Test
  @DisplayName("a job interrupted by a restart is resumed and completes once, with the complete dataset and one completion event")
  void resumesAfterRestart(@TempDir Path dir) throws Exception {
    Api analyst = Api.newUser("analyst");
    Path f = dir.resolve("long.csv");
    long rows = 0;
    try (BufferedWriter w = Files.newBufferedWriter(f)) {
      w.write("id,word,value,when\n");
      while (Files.size(f) < TestApp.MAX_UPLOAD_BYTES - 200_000 && rows < 2_000_000) {
        for (int i = 0; i < 10_000; i++, rows++) {
          w.write(rows + ",w" + (rows % 97) + "," + (rows * 0.25) + ",2024-05-0" + (1 + rows % 9) + "T10:11:12\n");
        }
        w.flush();
      }
    }
    var accepted = analyst.upload(f, Map.of());
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(202);
    String jobId = accepted.bodyAsJsonObject().getString("job_id");
    String status = "queued";
    for (int i = 0; i < 400 && !status.equals("processing"); i++) {
      status = analyst.get("/api/v1/data/job/" + jobId).bodyAsJsonObject().getString("status");
      Api.sleep(10);
    }
    assertThat(status).as("job was caught while processing").isEqualTo("processing");

    TestApp.get().restart();

    JsonObject job = analyst.awaitJob(jobId);
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getLong("row_count")).isEqualTo(rows);
    var download = analyst.get("/api/v1/data/datasets/" + job.getString("dataset_id") + "/download");
    Path parquet = dir.resolve("out.parquet");
    Files.write(parquet, download.body().getBytes());
    assertThat(Duck.value("SELECT count(*) FROM read_parquet(" + Duck.lit(parquet) + ")")).isEqualTo(rows);
    try (var files = Files.walk(TestApp.get().dataDir.resolve("app/datasets"))) {
      assertThat(files.filter(p -> p.getFileName().toString().contains(".tmp")).toList()).isEmpty();
    }
    Api.sleep(1500);
    assertThat(completionEvents(jobId)).hasSize(1);
  }

  /** Every {@code data.processing.complete} event of the job, read from the topic's beginning. */
  static List<String> completionEvents(String jobId) {
    JsonObject kafka = TestApp.get().config().getJsonObject("kafka");
    Properties props = new Properties();
    props.putAll(KafkaSettings.consumer(kafka, "test-" + System.nanoTime(), "earliest"));
    props.put("bootstrap.servers", TestApp.get().services.kafkaBootstrap());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(kafka.getJsonObject("topics").getString("processing_complete")));
      List<String> events = new java.util.ArrayList<>();
      long deadline = System.currentTimeMillis() + 8_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
          if (jobId.equals(r.key())) {
            events.add(r.value());
          }
        }
        if (!events.isEmpty() && consumer.assignment().stream()
          .allMatch(tp -> consumer.position(tp) >= consumer.endOffsets(List.of(tp)).get(tp))) {
          break;
        }
      }
      return events;
    }
  }
}
