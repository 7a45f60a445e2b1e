package io.tributary.fanout;

import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.Kafka;
import io.tributary.support.TestApp;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A closed Kafka consumer stays closed")
class StreamRelayCloseTest {

  private static final String POLL_THREAD = "vert.x-kafka-consumer-thread-";

  @Test
  @DisplayName("a reload of the live relay after its close (the 5 s timer of a stopping verticle) starts no new Kafka client")
  void reloadAfterClose() {
    TestApp app = TestApp.get();
    JsonObject config = app.config();
    Api owner = Api.newUser("analyst", "premium");
    String topic = "relayed-" + UUID.randomUUID();
    HttpResponse<Buffer> r = owner.post("/api/v1/streams", new JsonObject().put("name", "relayed").put("topic", topic));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201); // a running stream: the relay has a topic to follow
    Kafka.produce(topic, 0, 1, i -> "{\"i\":1}");
    long deadline = System.currentTimeMillis() + 60_000;
    while (owner.get("/api/v1/streams/relayed").bodyAsJsonObject().getLong("records_ingested", 0L) < 1) {
      // the application's own consumer of the stream is running (its poll thread is not one that starts below)
      assertThat(System.currentTimeMillis()).as("the stream is consumed within 60 s").isLessThan(deadline);
      Api.sleep(100);
    }

    Context ctx = app.vertx.getOrCreateContext();
    StreamRelay relay = on(ctx, () -> new StreamRelay(app.vertx, config.getJsonObject("kafka"),
      "close-test-" + UUID.randomUUID()));
    Await.result(on(ctx, relay::reload));
    Await.result(on(ctx, relay::close));
    Api.sleep(500); // the closed client's poll thread ends
    Set<String> before = pollThreads();

    Await.result(on(ctx, relay::reload));
    Api.sleep(1_000);

    Set<String> started = pollThreads();
    started.removeAll(before);
    assertThat(started).as("Kafka poll threads started by calls after the close").isEmpty();
  }

  private static Set<String> pollThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
      .filter(n -> n.startsWith(POLL_THREAD)).collect(Collectors.toSet());
  }

  /** Runs {@code action} on an event loop (the relay is not thread safe) and returns its value. */
  private static <T> T on(Context ctx, Callable<T> action) {
    Promise<T> result = Promise.promise();
    ctx.runOnContext(v -> {
      try {
        result.complete(action.call());
      } catch (Exception e) {
        result.fail(e);
      }
    });
    return Await.result(result.future());
  }
}
