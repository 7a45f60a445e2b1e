package io.tributary.cli;

import io.tributary.support.Api;
import io.tributary.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The tributary command line, run against the test application")
class CliTest {

  @TempDir
  static Path dir;

  static Api user;
  static String url;

  /** What a command printed and its exit code. */
  record Run(int code, String out, String err) {
  }

  @BeforeAll
  static void user() {
    user = Api.newUser("analyst", "premium");
    url = "http://127.0.0.1:" + TestApp.get().port;
  }

  /** The environment of a user who set TRIBUTARY_URL and TRIBUTARY_TOKEN, with a config dir of their own. */
  static Map<String, String> env(String token) {
    Map<String, String> env = new HashMap<>();
    env.put("XDG_CONFIG_HOME", dir.resolve("config-" + UUID.randomUUID()).toString());
    env.put("TRIBUTARY_URL", url);
    if (token != null) {
      env.put("TRIBUTARY_TOKEN", token);
    }
    env.put("COLUMNS", "100");
    return env;
  }

  static Run cli(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Cli.run(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, err);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Run cli(String... args) {
    return cli(env(user.token()), "", args);
  }

  @Test
  @DisplayName("login stores the token readable by the user only, and later commands use it; a wrong password is exit 3")
  void login() throws IOException {
    String email = "cli-" + UUID.randomUUID() + "@test.local";
    assertThat(Api.admin().post("/api/v1/users", new JsonObject().put("email", email).put("password", "Password-123")
      .put("role", "analyst").put("tier", "premium")).statusCode()).isEqualTo(201);
    Map<String, String> env = env(null);
    env.remove("TRIBUTARY_URL");

    Run wrong = cli(env, "not-the-password\n", "login", "--url", url, "--email", email, "--password-stdin");
    assertThat(wrong.code()).as(wrong.err()).isEqualTo(3);
    assertThat(wrong.err()).contains("INVALID_CREDENTIALS", "HTTP 401");

    Run login = cli(env, "Password-123\n", "login", "--url", url, "--email", email, "--password-stdin");
    assertThat(login.code()).as(login.err()).isZero();
    Path file = Path.of(env.get("XDG_CONFIG_HOME"), "tributary", "config.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    JsonObject stored = new JsonObject(Files.readString(file));
    assertThat(stored.getString("url")).isEqualTo(url);
    assertThat(stored.getString("token")).isNotBlank();

    Run query = cli(env, "", "query", "SELECT 6 * 7 AS answer", "--format", "json");
    assertThat(query.code()).as(query.err()).isZero();
    assertThat(new JsonArray(query.out()).getJsonObject(0).getInteger("answer")).isEqualTo(42);

    env.put("TRIBUTARY_TOKEN", "not-a-token");
    Run overridden = cli(env, "", "query", "SELECT 1 AS one");
    assertThat(overridden.code()).as("TRIBUTARY_TOKEN wins over the stored token").isEqualTo(3);
    assertThat(overridden.err()).contains("UNAUTHORIZED", "tributary login");
  }

  @Test
  @DisplayName("upload shows progress and waits for the job; query prints a table that fits, JSON or CSV")
  void uploadAndQuery() throws IOException {
    Path csv = dir.resolve("readings.csv");
    StringBuilder text = new StringBuilder("id,city,reading\n");
    long sum = 0;
    for (int i = 0; i < 2_000; i++) {
      text.append(i).append(',').append(i % 2 == 0 ? "Oslo" : "Lima").append(',').append(i * 3).append('\n');
      sum += i * 3L;
    }
    Files.writeString(csv, text);
    String name = "cli_" + UUID.randomUUID().toString().substring(0, 8);

    Run upload = cli("upload", csv.toString(), "--name", name);
    assertThat(upload.code()).as(upload.err()).isZero();
    assertThat(upload.out()).contains("Uploaded " + name + ": 2000 rows");
    assertThat(upload.err()).contains("upload", "100%", "completed");

    Run json = cli("query", "SELECT count(*) AS n, sum(reading) AS total FROM " + name, "--format", "json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonObject figures = new JsonArray(json.out()).getJsonObject(0);
    assertThat(figures.getLong("n")).isEqualTo(2_000);
    assertThat(figures.getLong("total")).isEqualTo(sum);

    Run csvOut = cli("query", "SELECT city, count(*) AS n FROM " + name + " GROUP BY city ORDER BY city", "--format", "csv");
    assertThat(csvOut.code()).as(csvOut.err()).isZero();
    assertThat(csvOut.out().strip().lines().toList()).containsExactly("city,n", "Lima,1000", "Oslo,1000");

    Map<String, String> narrow = env(user.token());
    narrow.put("COLUMNS", "40");
    Run table = cli(narrow, "", "query", "SELECT id, city || ' is a city with a rather long description' AS about, "
      + "reading FROM " + name + " ORDER BY id LIMIT 3");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out().lines().toList()).hasSize(6)
      .allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(40));
    assertThat(table.out()).contains("Oslo is a", "…", "(3 rows");
  }

  @Test
  @DisplayName("stream send delivers every record once and names the lines that are not JSON objects (exit 3)")
  void streamSend() throws IOException {
    String stream = "cli_s_" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(user.post("/api/v1/streams", new JsonObject().put("name", stream).put("topic", "cli-" + UUID.randomUUID()))
      .statusCode()).isEqualTo(201);
    Path ndjson = dir.resolve(stream + ".ndjson");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 3_000; i++) {
      text.append("{\"id\":").append(i).append(",\"v\":").append(i % 10).append("}\n");
      if (i == 1_499) {
        text.append("oops\n"); // line 1501
      }
    }
    Files.writeString(ndjson, text);
    Run send = cli(env(user.token()), "", "stream", "send", stream, ndjson.toString(), "--batch-bytes", "20000");
    assertThat(send.code()).as(send.err()).isEqualTo(3);
    assertThat(send.out()).contains("Sent 3000 records to " + stream + "; 1 rejected");
    assertThat(send.err()).contains("line 1501: not valid JSON");

    long deadline = System.currentTimeMillis() + 120_000;
    while (user.get("/api/v1/streams/" + stream).bodyAsJsonObject().getLong("records_ingested", 0L) < 3_000) {
      assertThat(System.currentTimeMillis()).as("the stream stored every record in time").isLessThan(deadline);
      Api.sleep(250);
    }
    Run count = cli("query", "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM " + stream, "--format", "json");
    JsonObject figures = new JsonArray(count.out()).getJsonObject(0);
    assertThat(figures.getLong("n")).isEqualTo(3_000);
    assertThat(figures.getLong("ids")).isEqualTo(3_000);
  }

  @Test
  @DisplayName("usage errors are exit 1 with a hint; --help is exit 0")
  void usage() {
    Run missing = cli("query");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("Missing required parameter", "--help");
    assertThat(cli("frobnicate").code()).isEqualTo(1);
    assertThat(cli("query", "SELECT 1", "--format", "xml").err()).contains("xml");
    assertThat(cli("query", "SELECT 1", "--format", "xml").code()).isEqualTo(1);
    assertThat(cli("upload", dir.resolve("no-such-file.csv").toString()).code()).isEqualTo(1);
    Run help = cli("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("collection", "upload", "query", "search", "stream", "Exit codes");
    assertThat(cli("col", "--help").out()).contains("ls", "show", "create", "rm", "backup", "restore", "clear", "stats");
  }

  @Test
  @DisplayName("what does not exist is exit 2, a bad query exit 1, both with the server's message and code")
  void notFound() throws IOException {
    Path one = dir.resolve("one.ndjson");
    Files.writeString(one, "{\"id\":1}\n");
    Run stream = cli("stream", "send", "no_such_stream", one.toString());
    assertThat(stream.code()).as(stream.err()).isEqualTo(2);
    assertThat(stream.err()).contains("NOT_FOUND", "HTTP 404");

    Run table = cli("query", "SELECT * FROM no_such_table");
    assertThat(table.code()).isEqualTo(1);
    assertThat(table.err()).contains("UNKNOWN_TABLE", "no_such_table");

    Run collection = cli("col", "show", "no_such_collection");
    assertThat(collection.code()).as(collection.err()).isEqualTo(2);
  }

  @Test
  @DisplayName("a server that cannot be reached is exit 4")
  void serverDown() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Map<String, String> env = env(user.token());
    env.put("TRIBUTARY_URL", "http://127.0.0.1:" + port);
    Run down = cli(env, "", "query", "SELECT 1");
    assertThat(down.code()).isEqualTo(4);
    assertThat(down.err()).contains("Cannot reach the server at http://127.0.0.1:" + port);
  }
}
