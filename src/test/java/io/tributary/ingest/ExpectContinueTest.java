package io.tributary.ingest;

import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * curl (and other clients) send {@code Expect: 100-continue} before a large body and wait for the server's
 * {@code 100 Continue} (curl: 1 s) before sending it. The upload answers at once when the caller may upload,
 * and refuses without reading the body when it may not.
 */
@DisplayName("Uploads honour Expect: 100-continue")
class ExpectContinueTest {

  static Api analyst;
  static HttpClient client;

  @BeforeAll
  static void setUp() {
    analyst = Api.newUser("analyst");
    // one connection per request: a refused upload's connection still has a request whose body was never sent
    client = TestApp.get().vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  @AfterAll
  static void tearDown() {
    Await.result(client.close());
  }

  @Test
  @DisplayName("an authorised upload gets 100 Continue before it sends the body, then 202")
  void continues() {
    String boundary = "b" + UUID.randomUUID();
    Buffer body = Buffer.buffer("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\n"
      + "Content-Type: text/csv\r\n\r\na,b\n1,x\n2,y\n\r\n--" + boundary + "--\r\n");
    AtomicBoolean bodySent = new AtomicBoolean();
    Promise<Void> continued = Promise.promise();
    Future<Reply> response = request(analyst.token(), boundary, body.length()).compose(req -> {
      req.continueHandler(v -> {
        continued.tryComplete();
        bodySent.set(true);
        req.end(body);
      });
      return req.sendHead().compose(v -> req.response()).compose(Reply::of);
    });
    // the body is only sent once the server asked for it: without the 100 the reply never comes
    Reply reply = Await.result(response, 10);
    assertThat(continued.future().succeeded()).isTrue();
    assertThat(bodySent).isTrue();
    assertThat(reply.status()).as(reply.body().encode()).isEqualTo(202);
    JsonObject accepted = reply.body();
    JsonObject job = analyst.awaitJob(accepted.getString("job_id"));
    assertThat(job.getString("status")).isEqualTo("completed");
    assertThat(job.getLong("row_count")).isEqualTo(2L);
  }

  @Test
  @DisplayName("an upload declaring more than the maximum gets 413 without 100 Continue (its body is never sent)")
  void refusesOversizeBeforeTheBody() {
    assertRefusedBeforeBody(analyst.token(), TestApp.MAX_UPLOAD_BYTES * 2, 413, "PAYLOAD_TOO_LARGE");
  }

  @Test
  @DisplayName("a viewer's upload gets 403 without 100 Continue, and no token gets 401")
  void refusesUnauthorisedBeforeTheBody() {
    assertRefusedBeforeBody(Api.newUser("viewer").token(), 1000, 403, "FORBIDDEN");
    assertRefusedBeforeBody(null, 1000, 401, "UNAUTHORIZED");
  }

  private static void assertRefusedBeforeBody(String token, long declaredLength, int status, String code) {
    AtomicBoolean continued = new AtomicBoolean();
    Reply reply = Await.result(request(token, "x", declaredLength).compose(req -> {
      req.continueHandler(v -> continued.set(true));
      return req.sendHead().compose(v -> req.response()).compose(Reply::of);
    }), 10);
    assertThat(reply.status()).isEqualTo(status);
    JsonObject error = reply.body().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(continued).as("100 Continue sent to a refused upload").isFalse();
  }

  record Reply(int status, JsonObject body) {
    static Future<Reply> of(HttpClientResponse response) {
      return response.body().map(b -> new Reply(response.statusCode(), b.toJsonObject()));
    }
  }

  private static Future<HttpClientRequest> request(String token, String boundary, long length) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
      .setPort(TestApp.get().port).setURI(UploadRoutes.UPLOAD_PATH)
      .putHeader("Content-Type", "multipart/form-data; boundary=" + boundary)
      .putHeader("Content-Length", Long.toString(length))
      .putHeader("Expect", "100-continue");
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return client.request(options);
  }
}
