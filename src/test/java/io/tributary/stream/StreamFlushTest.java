package io.tributary.stream;

import io.tributary.support.ChildServer;
import io.tributary.support.Kafka;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("When a stream's buffer is written")
class StreamFlushTest {

  @Test
  @DisplayName("the tail of a burst is stored once the topic goes quiet, a trickle waits for flush_ms")
  void burstTailWithoutWaitingForTheAge(@TempDir Path dir) throws Exception {
    String topic = "flush-" + UUID.randomUUID();
    // batches of 50,000 records or a minute: the burst below fills neither
    try (ChildServer server = new ChildServer(dir).env("TRIBUTARY_STREAM_FLUSH_RECORDS", "50000")
      .env("TRIBUTARY_STREAM_FLUSH_MS", "60000").start()) {
      String token = server.login();
      HttpResponse<String> created = server.post("/api/v1/streams", token,
        new JsonObject().put("name", "bursty").put("topic", topic).put("start_from", "earliest").encode());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

      Kafka.produce(topic, 0, 8_000, StreamIngestTest::record);
      long started = System.currentTimeMillis();
      long ingested = 0;
      while (ingested < 8_000 && System.currentTimeMillis() - started < 20_000) {
        Thread.sleep(100);
        ingested = StreamKillTest.stream(server, token, "bursty").getLong("records_ingested");
      }
      assertThat(ingested).as("the burst is stored well before flush_ms (60 s)").isEqualTo(8_000);

      Kafka.produce(topic, 8_000, 50, StreamIngestTest::record);
      Thread.sleep(3_000);
      assertThat(StreamKillTest.stream(server, token, "bursty").getLong("records_ingested"))
        .as("a handful of records waits for the age, not written as a tiny part").isEqualTo(8_000);
    }
  }
}
