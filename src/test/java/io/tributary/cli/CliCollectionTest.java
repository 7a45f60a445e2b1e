package io.tributary.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The collection commands against a stand-in of the issue-14 collections API (a JDK HTTP server that answers as the
 * issue specifies): confirmation, If-Match from the GET's ETag, dry runs, and the exit codes of 404 and 412. They
 * run against the real API in the tests of the merged collections feature.
 */
@DisplayName("tributary collection: confirmation, versions and exit codes")
class CliCollectionTest {

  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile String version = "\"7\"";

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/collections", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String uri = ex.getRequestURI().toString();
    requests.add(method + " " + uri + " If-Match=" + ex.getRequestHeaders().getFirst("If-Match"));
    if ("GET".equals(method) && uri.startsWith("/api/v1/collections?")) {
      JsonArray items = new JsonArray().add(new JsonObject().put("collection_id", "c1").put("name", "demo")
        .put("version", 7).put("item_count", 2));
      reply(ex, 200, new JsonObject().put("items", uri.contains("filter=missing") ? new JsonArray() : items)
        .putNull("next_offset"));
    } else if ("GET".equals(method) && uri.equals("/api/v1/collections/c1")) {
      ex.getResponseHeaders().add("ETag", version);
      reply(ex, 200, new JsonObject().put("collection_id", "c1").put("name", "demo").put("version", 7)
        .put("created_at", "2026-12-01T10:00:00Z").put("items", new JsonArray()
          .add(new JsonObject().put("type", "dataset").put("id", "d1").put("name", "sales").put("size_bytes", 1024)
            .put("row_count", 10))
          .add(new JsonObject().put("type", "dataset").put("id", "d2").put("name", "weather").put("size_bytes", 2048)
            .put("row_count", 20))));
    } else if ("DELETE".equals(method) && uri.startsWith("/api/v1/collections/c1")) {
      String ifMatch = ex.getRequestHeaders().getFirst("If-Match");
      if (ifMatch == null) {
        reply(ex, 428, error("PRECONDITION_REQUIRED", "If-Match is required"));
      } else if (!ifMatch.equals("\"7\"")) {
        reply(ex, 412, error("PRECONDITION_FAILED", "The collection changed; current version 8"));
      } else if (uri.contains("dry_run=true")) {
        reply(ex, 200, new JsonObject().put("dry_run", true).put("items", 2).put("rows", 30).put("bytes", 3072));
      } else {
        ex.sendResponseHeaders(204, -1);
        ex.close();
      }
    } else {
      reply(ex, 404, error("NOT_FOUND", "No such resource"));
    }
  }

  private static JsonObject error(String code, String message) {
    return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
  }

  private static void reply(HttpExchange ex, int status, JsonObject body) throws IOException {
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private CliTest.Run cli(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env = Map.of("TRIBUTARY_URL", "http://127.0.0.1:" + server.getAddress().getPort(),
      "TRIBUTARY_TOKEN", "t", "XDG_CONFIG_HOME", "/nonexistent", "COLUMNS", "80");
    int code = Cli.run(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, err);
    return new CliTest.Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private long deletes() {
    return requests.stream().filter(r -> r.startsWith("DELETE")).count();
  }

  @Test
  @DisplayName("rm asks with item count, size and creation date; anything but yes deletes nothing (exit 3)")
  void rmAsksFirst() {
    CliTest.Run declined = cli("no\n", "col", "rm", "demo");
    assertThat(declined.code()).isEqualTo(3);
    assertThat(declined.err()).contains("2 items", "3.0 KB", "created 2026-12-01T10:00:00Z", "Type yes");
    assertThat(deletes()).isZero();

    CliTest.Run confirmed = cli("yes\n", "collection", "rm", "demo");
    assertThat(confirmed.code()).as(confirmed.err()).isZero();
    assertThat(requests).contains("DELETE /api/v1/collections/c1 If-Match=\"7\"");

    CliTest.Run forced = cli("", "col", "rm", "demo", "--force");
    assertThat(forced.code()).isZero();
    assertThat(requests).contains("DELETE /api/v1/collections/c1?force=true If-Match=\"7\"");
  }

  @Test
  @DisplayName("rm --dry-run shows what would go and deletes nothing")
  void dryRun() {
    CliTest.Run dry = cli("", "col", "rm", "demo", "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("Would delete", "rows: 30", "bytes: 3072");
    assertThat(requests).filteredOn(r -> r.startsWith("DELETE")).containsExactly(
      "DELETE /api/v1/collections/c1?dry_run=true If-Match=\"7\"");
  }

  @Test
  @DisplayName("a version changed since the GET is exit 3 with the server's message; a missing collection exit 2")
  void conflictsAndMissing() {
    version = "\"8\""; // another client changed it: the GET shows 8, the server stand-in still expects 7
    CliTest.Run stale = cli("", "col", "rm", "demo", "--force");
    assertThat(stale.code()).isEqualTo(3);
    assertThat(stale.err()).contains("current version 8", "PRECONDITION_FAILED", "HTTP 412");

    CliTest.Run missing = cli("", "col", "show", "missing");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("No collection named missing");
  }

  @Test
  @DisplayName("ls prints a table, JSON or YAML; show lists the items")
  void lsAndShow() {
    CliTest.Run table = cli("", "col", "ls");
    assertThat(table.out().lines().toList()).hasSize(3);
    assertThat(table.out()).contains("collection_id", "demo");
    assertThat(new JsonArray(cli("", "col", "ls", "--format", "json").out()).getJsonObject(0).getString("name"))
      .isEqualTo("demo");
    assertThat(cli("", "col", "ls", "--format", "yaml").out()).contains("- collection_id: c1\n  name: demo\n");
    CliTest.Run show = cli("", "col", "show", "demo", "--stats");
    assertThat(show.code()).as(show.err()).isZero();
    assertThat(show.out()).contains("Items (2)", "sales", "weather", "2048");
  }
}
