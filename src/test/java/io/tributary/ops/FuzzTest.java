package io.tributary.ops;

import io.tributary.support.Await;
import io.tributary.support.ChildServer;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Bad inputs at volume")
class FuzzTest {

  private static final int ROUNDS = 2_000;

  @Test
  @DisplayName("thousands of malformed uploads, bodies and socket frames each get a 4xx; the server stays healthy "
    + "and keeps neither descriptors nor memory")
  void malformedAtVolume(@TempDir Path dir) throws Exception {
    try (ChildServer server = new ChildServer(dir)) {
      server.env("TRIBUTARY_RATE_LIMIT_PREMIUM", "100000000").start();
      String token = server.login();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      Random random = new Random(42);
      fuzz(server, http, token, random, 200);
      long fdsBefore = openDescriptors(server.pid());
      double heapBefore = heapAfterGc(server);

      List<String> wrong = fuzz(server, http, token, random, ROUNDS);
      sockets(server, token, random);

      assertThat(wrong).as("requests that did not get a 4xx").isEmpty();
      assertThat(server.get("/health/ready", null).statusCode()).isEqualTo(200);
      Thread.sleep(2_000);
      long fdsAfter = openDescriptors(server.pid());
      double heapAfter = heapAfterGc(server);
      assertThat(fdsAfter).as("open descriptors (before: " + fdsBefore + ")").isLessThanOrEqualTo(fdsBefore + 16);
      assertThat(heapAfter).as("heap after GC, MB (before: " + heapBefore + ")").isLessThanOrEqualTo(heapBefore + 64);
    }
  }

  /** Sends malformed requests of every kind; returns a line for each answer that is not a 4xx error envelope. */
  private static List<String> fuzz(ChildServer server, HttpClient http, String token, Random random, int rounds)
    throws Exception {
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      HttpRequest request = request(server, token, random, i % 12);
      HttpResponse<String> r;
      try {
        r = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException closed) {
        continue; // the server may refuse an oversized or broken body by closing the connection after its 4xx
      }
      boolean envelope = r.body().contains("\"error\"") && r.body().contains("\"request_id\"");
      if (r.statusCode() < 400 || r.statusCode() >= 500 || !envelope || r.body().contains("Exception")) {
        wrong.add(request.method() + " " + request.uri().getPath() + " kind " + (i % 12) + " → " + r.statusCode() + " "
          + r.body().substring(0, Math.min(200, r.body().length())));
      }
    }
    return wrong;
  }

  private static HttpRequest request(ChildServer server, String token, Random random, int kind) {
    String base = "http://127.0.0.1:" + server.port;
    byte[] noise = new byte[1 + random.nextInt(4_000)];
    random.nextBytes(noise);
    noise[0] = 0;
    String boundary = "fuzz" + random.nextInt(1_000_000);
    HttpRequest.Builder b = HttpRequest.newBuilder().timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
    return switch (kind) {
      case 0 -> b.uri(URI.create(base + "/api/v1/data/upload")).header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(multipart(boundary, "garbage.csv", noise, null)).build();
      case 1 -> b.uri(URI.create(base + "/api/v1/data/upload")).header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(noise)).build();
      case 2 -> b.uri(URI.create(base + "/api/v1/data/upload")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"file\":\"x\"}")).build();
      case 3 -> b.uri(URI.create(base + "/api/v1/data/upload")).header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(multipart(boundary, "x.json", "not json at all".getBytes(StandardCharsets.UTF_8), "n".repeat(70_000))).build();
      case 4 -> b.uri(URI.create(base + "/api/v1/query/sql")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(noise)).build();
      case 5 -> b.uri(URI.create(base + "/api/v1/query/sql")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":" + "[".repeat(20_000 + random.nextInt(20_000)))).build();
      case 6 -> b.uri(URI.create(base + "/api/v1/query/sql")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("sql", "x".repeat(1_100_000)).encode())).build();
      case 7 -> b.uri(URI.create(base + "/api/v1/query/sql")).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("SELECT 1")).build();
      case 8 -> b.uri(URI.create(base + "/api/v1/query/sql")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("sql", randomText(random, 200)).encode())).build();
      case 9 -> b.uri(URI.create(base + "/api/v1/query/validate")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": 12, \"limit\": \"many\"}")).build();
      case 10 -> HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/login")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(noise)).build();
      default -> b.uri(URI.create(base + "/api/v1/streams")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", randomText(random, 30))
          .put("topic", "__consumer_offsets").encode())).build();
    };
  }

  /** WebSockets: random text and binary frames, oversized frames, bad handshakes; none may hurt the server. */
  private static void sockets(ChildServer server, String token, Random random) {
    WebSocketClient client = TestApp.get().sockets;
    for (int i = 0; i < 30; i++) {
      WebSocket ws = Await.result(client.connect(server.port, "127.0.0.1", "/ws/events?access_token=" + token));
      for (int f = 0; f < 20; f++) {
        byte[] noise = new byte[1 + random.nextInt(2_000)];
        random.nextBytes(noise);
        if (f % 2 == 0) {
          ws.writeTextMessage(randomText(random, 300));
        } else {
          ws.writeBinaryMessage(Buffer.buffer(noise));
        }
      }
      if (i % 10 == 0) {
        ws.writeTextMessage("x".repeat(300_000)); // beyond the frame limit: the server closes this socket
      }
      ws.close();
    }
    for (int i = 0; i < 30; i++) {
      try {
        Await.result(client.connect(server.port, "127.0.0.1", "/ws/streams/nothing?access_token=" + token), 10);
      } catch (RuntimeException refused) {
        // 404 at the handshake: expected
      }
    }
  }

  private static HttpRequest.BodyPublisher multipart(String boundary, String filename, byte[] content, String name) {
    String head = (name == null ? "" : "--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name
      + "\r\n") + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
      + "\"\r\n\r\n";
    return HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
      HttpRequest.BodyPublishers.ofByteArray(content), HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
  }

  private static String randomText(Random random, int max) {
    StringBuilder s = new StringBuilder();
    int n = 1 + random.nextInt(max);
    for (int i = 0; i < n; i++) {
      s.append((char) (33 + random.nextInt(90)));
    }
    return s.toString();
  }

  private static long openDescriptors(long pid) throws IOException {
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.count();
    }
  }

  /** The server's heap in use right after a full GC (jcmd GC.run), in MB. */
  private static double heapAfterGc(ChildServer server) throws Exception {
    Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
      Long.toString(server.pid()), "GC.run").redirectErrorStream(true).start();
    gc.getInputStream().readAllBytes();
    gc.waitFor();
    Matcher m = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+]+)$", Pattern.MULTILINE)
      .matcher(server.get("/metrics", null).body());
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum / (1024 * 1024);
  }
}
