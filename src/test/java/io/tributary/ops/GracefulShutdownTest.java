package io.tributary.ops;

import io.tributary.db.Database;
import io.tributary.support.Await;
import io.tributary.support.ChildServer;
import io.tributary.support.Kafka;
import io.tributary.support.TestApp;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("SIGTERM: a graceful stop within the grace period")
class GracefulShutdownTest {

  @Test
  @DisplayName("hands the running job back, writes the buffered stream records, closes sockets with 1001, exits 0 in time")
  void gracefulStop(@TempDir Path dir) throws Exception {
    String topic = "graceful-" + UUID.randomUUID();
    try (ChildServer server = new ChildServer(dir)) {
      server.env("TRIBUTARY_SHUTDOWN_GRACE_SECONDS", "20")
        .env("TRIBUTARY_STREAM_FLUSH_MS", "600000").env("TRIBUTARY_STREAM_FLUSH_RECORDS", "1000000").start();
      String token = server.login();
      assertThat(server.post("/api/v1/streams", token, new JsonObject().put("name", "buffered").put("topic", topic).encode())
        .statusCode()).isEqualTo(201);
      Child.awaitTrue("the stream is consumed", 30, () -> Child.json(server.get("/api/v1/streams/buffered", token))
        .getLong("lag") != null);
      Kafka.produce(topic, 0, 2_000, i -> "{\"id\":" + i + "}");
      Thread.sleep(5_000); // the consumer reads them into its buffer; nothing is written before 10 minutes or the stop
      assertThat(Child.json(server.get("/api/v1/streams/buffered", token)).getLong("records_ingested")).isZero();

      AtomicInteger closeCode = new AtomicInteger();
      WebSocket socket = Await.result(TestApp.get().sockets.connect(server.port, "127.0.0.1", "/ws/events?access_token=" + token));
      socket.closeHandler(v -> closeCode.set(socket.closeStatusCode() == null ? -1 : socket.closeStatusCode()));

      Path csv = dir.resolve("long.csv");
      try (BufferedWriter w = Files.newBufferedWriter(csv)) {
        w.write("id,word,value\n");
        for (int i = 0; i < 1_500_000; i++) {
          w.write(i + ",w" + (i % 97) + "," + (i * 0.5) + "\n");
        }
      }
      String jobId = Child.upload(server, token, csv).getString("job_id");
      Child.awaitTrue("the job is processing", 60, () -> "processing".equals(Child.json(
        server.get("/api/v1/data/job/" + jobId, token)).getString("status")));

      long t0 = System.nanoTime();
      int exit = server.terminate();
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertThat(exit).as("exit code").isZero();
      assertThat(seconds).as("stopped within the 20 s grace period").isLessThan(20);
      Child.awaitTrue("the socket was closed", 10, () -> closeCode.get() != 0);
      assertThat(closeCode.get()).as("WebSocket close code").isEqualTo(1001);

      try (Connection c = DriverManager.getConnection(Database.jdbcUrl(server.pgUrl)); Statement s = c.createStatement()) {
        ResultSet job = s.executeQuery("SELECT status, attempts FROM jobs WHERE id = '" + jobId + "'");
        job.next();
        assertThat(job.getString("status")).as("the job was handed back").isEqualTo("queued");
        assertThat(job.getInt("attempts")).as("a graceful stop does not count as an attempt").isZero();
        ResultSet announced = s.executeQuery("SELECT count(*) FILTER (WHERE published_at IS NULL), count(*) FROM outbox "
          + "WHERE aggregate_id = '" + jobId + "'");
        announced.next();
        assertThat(announced.getInt(2)).as("the hand-back queued a new data.ingestion event").isEqualTo(2);
        assertThat(announced.getInt(1)).as("the stop published it to Kafka before exiting").isZero();
        ResultSet stream = s.executeQuery("SELECT records_ingested FROM streams WHERE name = 'buffered'");
        stream.next();
        assertThat(stream.getLong(1)).as("buffered records were written at the stop").isEqualTo(2_000L);
      }

      server.start();
      String again = server.login();
      try {
        Child.awaitTrue("the handed-back job completes after the restart", 120, () -> "completed".equals(Child.json(
          server.get("/api/v1/data/job/" + jobId, again)).getString("status")));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; job: " + server.get("/api/v1/data/job/" + jobId, again).body()
          + "\nserver log:\n" + server.logExcerpt(60, jobId, "outbox", "Outbox", "ingestion", "Ingestion"), e);
      }
      assertThat(Child.json(server.get("/api/v1/data/job/" + jobId, again)).getLong("row_count")).isEqualTo(1_500_000L);
    }
  }

  /** Small helpers for talking to a child server. */
  static final class Child {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Child() {
    }

    static JsonObject json(HttpResponse<String> r) {
      return new JsonObject(r.body());
    }

    static JsonObject upload(ChildServer server, String token, Path file) throws Exception {
      String boundary = "b" + UUID.randomUUID();
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port
          + "/api/v1/data/upload")).timeout(Duration.ofMinutes(2))
        .header("Authorization", "Bearer " + token).header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString("--" + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file.getFileName() + "\"\r\n\r\n"),
          HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
        .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      return new JsonObject(r.body());
    }

    interface Check {
      boolean ok() throws Exception;
    }

    static void awaitTrue(String what, long seconds, Check check) throws Exception {
      long deadline = System.currentTimeMillis() + seconds * 1000;
      while (true) {
        try {
          if (check.ok()) {
            return;
          }
        } catch (java.io.IOException notNow) {
          // the server is not answering at this moment
        }
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("timed out waiting until " + what);
        }
        Thread.sleep(200);
      }
    }
  }
}
