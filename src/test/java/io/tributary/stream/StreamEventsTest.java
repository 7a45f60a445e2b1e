package io.tributary.stream;

import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.tributary.stream.StreamIngestTest.await;
import static io.tributary.stream.StreamIngestTest.query;
import static io.tributary.stream.StreamIngestTest.register;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Events over HTTP: records posted as NDJSON or JSON arrays go into the stream's topic")
class StreamEventsTest {

  static HttpResponse<Buffer> send(Api api, String stream, String body) {
    return api.postRaw("/api/v1/streams/" + stream + "/events", "text/plain", Buffer.buffer(body));
  }

  /** Posts marker records ({@code id} -1) until the socket receives one: later records then reach it. */
  static void awaitLive(Api owner, String stream, StreamSocketTest.Feed feed) {
    await("the live feed started", 30, () -> {
      assertThat(send(owner, stream, "{\"id\":-1,\"v\":\"marker\"}").statusCode()).isEqualTo(200);
      Api.sleep(200);
      return feed.updates().stream().anyMatch(m -> m.getJsonObject("data").getInteger("id") == -1);
    });
    Api.sleep(300);
    feed.messages().removeIf(m -> "update".equals(m.getString("type")) && m.getJsonObject("data").getInteger("id") < 0);
  }

  @Test
  @DisplayName("every accepted record lands in the dataset exactly once and reaches a live subscriber; bad lines are named")
  void recordsArriveOnceAndLive() {
    Api owner = Api.newUser("analyst", "premium");
    String stream = "events_" + UUID.randomUUID().toString().substring(0, 8);
    register(owner, stream, "ev-" + UUID.randomUUID());
    StreamSocketTest.Feed feed = StreamSocketTest.open(owner, "/ws/streams/" + stream);
    StreamSocketTest.subscribe(feed, new JsonObject());
    awaitLive(owner, stream, feed);

    // 3 NDJSON requests of 1,000 records with four bad lines and a blank one, then a JSON array of 500
    int n = 0;
    for (int request = 0; request < 3; request++) {
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < 1000; i++) {
        body.append("{\"id\":").append(n++).append(",\"v\":\"r").append(i % 7).append("\"}\n");
        if (request == 1 && i == 9) {
          body.append("[1,2]\n").append("\n").append("{\"id\": broken\n").append("42\n").append("{\"a\":1}{\"b\":2}\n");
        }
      }
      HttpResponse<Buffer> r = send(owner, stream, body.toString());
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      JsonObject reply = r.bodyAsJsonObject();
      assertThat(reply.getInteger("accepted")).isEqualTo(1000);
      if (request == 1) {
        JsonArray rejected = reply.getJsonArray("rejected");
        assertThat(rejected).hasSize(4);
        assertThat(rejected.stream().map(o -> ((JsonObject) o).getInteger("line")).toList()).containsExactly(11, 13, 14, 15);
        assertThat(rejected.getJsonObject(0).getString("error")).contains("not a JSON object", "array");
        assertThat(rejected.getJsonObject(1).getString("error")).startsWith("not valid JSON");
        assertThat(rejected.getJsonObject(2).getString("error")).contains("a number");
        assertThat(rejected.getJsonObject(3).getString("error")).contains("more than one");
      } else {
        assertThat(reply.getJsonArray("rejected")).isEmpty();
      }
    }
    JsonArray array = new JsonArray();
    for (int i = 0; i < 500; i++) {
      array.add(new JsonObject().put("id", n++).put("v", "a"));
    }
    array.add("not an object");
    HttpResponse<Buffer> r = owner.postRaw("/api/v1/streams/" + stream + "/events", "application/json", array.toBuffer());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getInteger("accepted")).isEqualTo(500);
    assertThat(r.bodyAsJsonObject().getJsonArray("rejected").getJsonObject(0).getInteger("line")).isEqualTo(501);

    int total = n;
    await("every record reached the live subscriber", 60, () -> feed.updates().size() >= total);
    Set<Integer> live = new HashSet<>();
    feed.updates().forEach(m -> assertThat(live.add(m.getJsonObject("data").getInteger("id"))).as("delivered once").isTrue());
    assertThat(live).hasSize(total);
    await("the stream stored every record", 120, () -> StreamIngestTest.count(owner, stream) >= total);
    await("every record is in the dataset", 60,
      () -> query(owner, "SELECT count(*) AS n FROM " + stream + " WHERE id >= 0").getLong("n") >= total);
    Api.sleep(1_000);
    JsonObject figures = query(owner, "SELECT count(*) AS n, count(DISTINCT id) AS ids, max(id) AS top FROM " + stream
      + " WHERE id >= 0");
    assertThat(figures.getLong("n")).isEqualTo(total);
    assertThat(figures.getLong("ids")).isEqualTo(total);
    assertThat(figures.getLong("top")).isEqualTo(total - 1);
    Await.result(feed.socket().close());
  }

  @Test
  @DisplayName("a body above the size cap gets 413, another user's stream 404, an empty body 400, no token 401")
  void refusals() {
    Api owner = Api.newUser("analyst", "premium");
    String stream = "events_" + UUID.randomUUID().toString().substring(0, 8);
    register(owner, stream, "ev-" + UUID.randomUUID());

    assertThat(declared(owner, stream, 10L * 1024 * 1024 + 1)).as("over the cap: refused before the body")
      .isEqualTo(413);
    String line = "{\"id\":1,\"pad\":\"" + "x".repeat(1000) + "\"}\n";
    String nearlyBig = line.repeat(9 * 1024 * 1024 / line.length());
    HttpResponse<Buffer> ok = send(owner, stream, nearlyBig);
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject().getInteger("accepted")).isEqualTo(9 * 1024 * 1024 / line.length());

    Api other = Api.newUser("analyst", "premium");
    Api.error(send(other, stream, "{\"id\":2}\n"), 404, "NOT_FOUND");
    Api.error(send(owner, "no_such_stream", "{\"id\":2}\n"), 404, "NOT_FOUND");
    Api.error(send(owner, stream, ""), 400, "BAD_REQUEST");
    Api.error(send(Api.anonymous(), stream, "{\"id\":2}\n"), 401, "UNAUTHORIZED");
  }

  /** The status of a request that declares {@code length} bytes and waits for 100 Continue before sending them. */
  static int declared(Api api, String stream, long length) {
    HttpClient client = TestApp.get().vertx.createHttpClient();
    try {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(TestApp.get().port).setURI("/api/v1/streams/" + stream + "/events")
        .putHeader("Content-Length", Long.toString(length)).putHeader("Expect", "100-continue")
        .putHeader("Authorization", "Bearer " + api.token());
      AtomicBoolean continued = new AtomicBoolean();
      JsonObject reply = Await.result(client.request(options).compose(req -> {
        req.continueHandler(v -> continued.set(true));
        return req.sendHead().compose(v -> req.response())
          .compose(response -> response.body().map(b -> b.toJsonObject().put("status", response.statusCode())));
      }));
      assertThat(reply.getJsonObject("error").getString("code")).isEqualTo("PAYLOAD_TOO_LARGE");
      assertThat(continued).as("100 Continue sent to a refused request").isFalse();
      return reply.getInteger("status");
    } finally {
      client.close();
    }
  }

  @Test
  @DisplayName("events count against the hourly request limit like queries do")
  void rateLimited() {
    Api owner = Api.newUser("analyst"); // free tier
    String stream = "events_" + UUID.randomUUID().toString().substring(0, 8);
    register(owner, stream, "ev-" + UUID.randomUUID());
    HttpResponse<Buffer> first = send(owner, stream, "{\"id\":1}\n");
    assertThat(first.statusCode()).isEqualTo(200);
    long limit = Long.parseLong(first.getHeader("X-RateLimit-Limit"));
    for (long i = 1; i < limit; i++) {
      assertThat(send(owner, stream, "{\"id\":1}\n").statusCode()).isEqualTo(200);
    }
    Api.error(send(owner, stream, "{\"id\":1}\n"), 429, "RATE_LIMITED");
  }
}
