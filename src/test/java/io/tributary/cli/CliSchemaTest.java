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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The tributary command line with templates, schema files and appends, against the test application")
class CliSchemaTest {

  @TempDir
  static Path dir;

  static Api user;

  @BeforeAll
  static void user() {
    user = Api.newUser("analyst", "premium");
  }

  private static CliTest.Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env = Map.of("XDG_CONFIG_HOME", dir.resolve("config").toString(),
      "TRIBUTARY_URL", "http://127.0.0.1:" + TestApp.get().port, "TRIBUTARY_TOKEN", user.token(), "COLUMNS", "100");
    int code = Cli.run(args, env, new ByteArrayInputStream(new byte[0]), out, err);
    return new CliTest.Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  private static JsonObject collection(String name) {
    JsonObject found = user.get("/api/v1/collections?filter=" + name).bodyAsJsonObject().getJsonArray("items")
      .getJsonObject(0);
    return user.get("/api/v1/collections/" + found.getString("collection_id")).bodyAsJsonObject();
  }

  @Test
  @DisplayName("collection create --from-template and --schema-file make the datasets; an unknown template is exit 2")
  void createFromTemplateAndSchemaFile() throws Exception {
    String site = unique("site_");
    CliTest.Run fromTemplate = cli("collection", "create", site, "--from-template", "web_analytics");
    assertThat(fromTemplate.code()).as(fromTemplate.err()).isZero();
    assertThat(fromTemplate.out()).contains("Created collection " + site);
    assertThat(collection(site).getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("name")))
      .containsExactlyInAnyOrder("events", "sessions", "Traffic");

    CliTest.Run unknown = cli("col", "create", unique("none_"), "--from-template", "no_such_template");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("no_such_template", "NOT_FOUND");

    Path schemaFile = dir.resolve("schema.json");
    Files.writeString(schemaFile, new JsonObject().put("datasets", new JsonArray()
      .add(new JsonObject().put("name", "readings").put("schema", new JsonArray()
        .add(new JsonObject().put("name", "sensor").put("type", "VARCHAR"))
        .add(new JsonObject().put("name", "value").put("type", "DOUBLE"))))).encode());
    String lab = unique("lab_");
    CliTest.Run fromFile = cli("collection", "create", lab, "--schema-file", schemaFile.toString());
    assertThat(fromFile.code()).as(fromFile.err()).isZero();
    assertThat(fromFile.out()).contains("with 1 empty datasets");
    JsonObject readings = collection(lab).getJsonArray("members").getJsonObject(0);
    assertThat(readings.getString("name")).isEqualTo("readings");
    assertThat(readings.getInteger("column_count")).isEqualTo(2);

    Path rows = dir.resolve("rows.csv");
    Files.writeString(rows, "sensor,value\na,1.5\nb,2\n");
    CliTest.Run append = cli("upload", rows.toString(), "--append", "readings");
    assertThat(append.code()).as(append.err()).isZero();
    assertThat(append.out()).contains("Appended 2 rows to readings: now 2 rows, version 2");
    CliTest.Run again = cli("upload", rows.toString(), "--mode", "append", "--name", "readings");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("now 4 rows, version 3");

    Path wrong = dir.resolve("wrong.csv");
    Files.writeString(wrong, "sensor,reading\na,1\n");
    CliTest.Run refused = cli("upload", wrong.toString(), "--append", "readings");
    assertThat(refused.code()).isEqualTo(3);
    assertThat(refused.err()).contains("missing column value", "extra column reading");
    assertThat(cli("upload", rows.toString(), "--mode", "append").code()).isEqualTo(1);
  }
}
