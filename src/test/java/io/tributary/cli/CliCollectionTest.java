package io.tributary.cli;

import io.tributary.support.Api;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tributary collection} and {@code tributary search}, run in-process against the test application. */
@DisplayName("tributary collection and search against the real API: formats, confirmation, dry runs and exit codes")
class CliCollectionTest {

  @TempDir
  static Path dir;

  static Api user;

  @BeforeAll
  static void user() {
    user = Api.newUser("analyst", "premium");
  }

  private static CliTest.Run cli(String stdin, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    env.put("TRIBUTARY_URL", "http://127.0.0.1:" + TestApp.get().port);
    env.put("TRIBUTARY_TOKEN", user.token());
    env.put("COLUMNS", "160");
    return CliTest.cli(env, stdin, args);
  }

  private static CliTest.Run ok(String... args) {
    CliTest.Run run = cli("", args);
    assertThat(run.code()).as(String.join(" ", args) + ": " + run.err()).isZero();
    return run;
  }

  private static String tag() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  /** A collection made with the command line, holding one uploaded dataset of 3 rows (added over the API). */
  private static String collectionWithDataset(String name, String dataset) throws Exception {
    Path csv = dir.resolve(dataset + ".csv");
    Files.writeString(csv, "city,reading\nOslo,1\nLima,2\nPune,3\n");
    JsonObject job = user.uploadAndWait(csv, Map.of("name", dataset));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(ok("col", "create", name).out()).contains("Created collection " + name);
    JsonObject found = user.get("/api/v1/collections?filter=" + name).bodyAsJsonObject().getJsonArray("items")
      .getJsonObject(0);
    String id = found.getString("collection_id");
    HttpResponse<Buffer> added = Api.send(user.request(HttpMethod.POST, "/api/v1/collections/" + id + "/items")
      .putHeader("If-Match", "\"" + found.getInteger("version") + "\"")
      .sendJsonObject(new JsonObject().put("type", "dataset").put("id", job.getString("dataset_id"))));
    assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
    return id;
  }

  @Test
  @DisplayName("col ls prints a table, JSON or YAML of the real collections; show --schema --stats adds columns, rows "
    + "and bytes; stats sums them")
  void listShowAndStats() throws Exception {
    String tag = tag();
    String name = "cli_col_" + tag;
    String dataset = "cli_readings_" + tag;
    collectionWithDataset(name, dataset);

    JsonArray json = new JsonArray(ok("col", "ls", "--filter", "cli_col_" + tag + "*", "--format", "json").out());
    assertThat(json).hasSize(1);
    assertThat(json.getJsonObject(0).getString("name")).isEqualTo(name);
    assertThat(json.getJsonObject(0).getLong("item_count")).isEqualTo(1);
    assertThat(ok("col", "ls", "--format", "yaml").out()).contains("name: " + name, "item_count: 1");
    String table = ok("col", "ls").out();
    assertThat(table.lines().findFirst().orElseThrow()).contains("name", "items", "version");
    assertThat(table).contains(name);
    assertThat(ok("col", "ls", "--filter", "nothing_like_" + tag + "*").out()).contains("No collections.");

    String plain = ok("col", "show", name).out();
    assertThat(plain).contains("Collection " + name, "version: 2", "Items (1):", dataset).doesNotContain("row_count");
    String full = ok("col", "show", name, "--schema", "--stats").out();
    assertThat(full).contains("row_count", "size_bytes", "Schema of " + dataset + ":", "city", "reading");
    assertThat(full.lines().filter(l -> l.contains(dataset)).findFirst().orElseThrow()).contains("3");

    String stats = ok("col", "stats").out();
    assertThat(stats.lines().findFirst().orElseThrow()).contains("name", "items", "rows", "size");
    assertThat(stats.lines().filter(l -> l.startsWith(name)).findFirst().orElseThrow()).contains(" 1 ", " 3 ");
  }

  @Test
  @DisplayName("col rm asks for a typed yes showing items, size and creation date; --dry-run and any other answer "
    + "change nothing; exit 0, 1, 2 and 3")
  void removeWithConfirmation() throws Exception {
    String tag = tag();
    String name = "cli_rm_" + tag;
    collectionWithDataset(name, "cli_rm_data_" + tag);

    CliTest.Run dry = cli("", "col", "rm", name, "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("Would delete:", "dry_run: true", "items: 1", "rows: 3");
    CliTest.Run no = cli("no\n", "col", "rm", name);
    assertThat(no.code()).as("refused: exit 3").isEqualTo(3);
    assertThat(no.err()).contains("Delete collection " + name + ": 1 items", "created 20", "Type yes", "Not deleted");
    assertThat(ok("col", "show", name).out()).as("still there").contains("Collection " + name);

    CliTest.Run yes = cli("yes\n", "col", "rm", name);
    assertThat(yes.code()).as(yes.err()).isZero();
    assertThat(yes.out()).contains("Deleted collection " + name);
    CliTest.Run gone = cli("", "col", "show", name);
    assertThat(gone.code()).as("not found: exit 2").isEqualTo(2);
    assertThat(gone.err()).contains("No collection named " + name);
    assertThat(cli("", "col", "rm").code()).as("usage: exit 1").isEqualTo(1);

    String guarded = "tributary_" + tag;
    ok("col", "create", guarded);
    CliTest.Run refused = cli("", "col", "rm", guarded, "--force");
    assertThat(refused.code()).as("a protected name: exit 3").isEqualTo(3);
    assertThat(refused.err()).contains("PROTECTED_NAME", "protected");
    assertThat(ok("col", "show", guarded).out()).contains("Collection " + guarded);
  }

  @Test
  @DisplayName("col clear --dry-run reports rows and bytes and keeps them; clear empties the datasets")
  void clear() throws Exception {
    String tag = tag();
    String name = "cli_clear_" + tag;
    String dataset = "cli_clear_data_" + tag;
    collectionWithDataset(name, dataset);
    CliTest.Run dry = ok("col", "clear", name, "--dry-run");
    assertThat(dry.out()).contains("Would clear:", "rows: 3");
    assertThat(ok("query", "SELECT count(*) AS n FROM " + dataset, "--format", "json").out()).contains("3");
    assertThat(ok("col", "clear", name).out()).contains("Cleared:");
    assertThat(new JsonArray(ok("query", "SELECT count(*) AS n FROM " + dataset, "--format", "json").out())
      .getJsonObject(0).getLong("n")).isZero();
  }

  @Test
  @DisplayName("search QUERY prints what the catalog search finds, as a table or JSON, and --mode hybrid says what ran")
  void search() throws Exception {
    String tag = tag();
    String dataset = "cli_zanzibar_" + tag;
    collectionWithDataset("cli_search_" + tag, dataset);
    String table = ok("search", "zanzibar", "--type", "dataset").out();
    assertThat(table.lines().findFirst().orElseThrow()).contains("type", "name", "score");
    assertThat(table).contains(dataset);
    JsonObject json = new JsonObject(ok("search", "zanzibar", "--format", "json").out());
    assertThat(json.getString("mode")).isEqualTo("keyword");
    assertThat(json.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("name"))).contains(dataset);
    assertThat(ok("search", "nothing", "like", tag).out()).contains("Nothing found.");
    CliTest.Run hybrid = ok("search", "zanzibar", "--mode", "hybrid");
    assertThat(hybrid.err()).doesNotContain("fell back");
    CliTest.Run bad = cli("", "search", "x", "--type", "table");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("VALIDATION_FAILED");
  }
}
