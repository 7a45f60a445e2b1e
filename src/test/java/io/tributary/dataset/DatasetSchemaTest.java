package io.tributary.dataset;

import io.tributary.support.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Datasets created from a schema, and uploads that append to them")
class DatasetSchemaTest {

  static final String BASE = "/api/v1/data/datasets";

  private static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  private static JsonArray schema() {
    return new JsonArray()
      .add(new JsonObject().put("name", "user_id").put("type", "BIGINT"))
      .add(new JsonObject().put("name", "page").put("type", "varchar"))
      .add(new JsonObject().put("name", "seconds").put("type", "DOUBLE"));
  }

  private static JsonObject create(Api api, String name) {
    HttpResponse<Buffer> r = api.post(BASE, new JsonObject().put("name", name).put("schema", schema())
      .put("description", "page views"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  private static JsonObject query(Api api, String sql) {
    HttpResponse<Buffer> r = api.post("/api/v1/query/sql", new JsonObject().put("sql", sql));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static JsonObject profile(Api api, String id) {
    HttpResponse<Buffer> r = api.get("/api/v1/data/profile/" + id);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static JsonObject column(JsonObject profile, String name) {
    return profile.getJsonArray("columns").stream().map(JsonObject.class::cast)
      .filter(c -> name.equals(c.getString("name"))).findFirst().orElseThrow();
  }

  private static Path csv(Path dir, String body) throws Exception {
    Path file = dir.resolve(UUID.randomUUID() + ".csv");
    Files.writeString(file, body);
    return file;
  }

  @Test
  @DisplayName("an empty dataset is ready at version 1, queryable with its columns and no rows, and its creation audited")
  void emptyDatasetIsQueryable() {
    Api api = Api.newUser("analyst");
    String name = unique("views_");
    JsonObject created = create(api, name);
    assertThat(created.getInteger("version")).isEqualTo(1);
    assertThat(created.getLong("row_count")).isZero();
    assertThat(created.getString("status")).isEqualTo("ready");
    assertThat(created.getString("description")).isEqualTo("page views");
    assertThat(created.getJsonArray("schema")).isEqualTo(new JsonArray()
      .add(new JsonObject().put("name", "user_id").put("type", "BIGINT"))
      .add(new JsonObject().put("name", "page").put("type", "VARCHAR"))
      .add(new JsonObject().put("name", "seconds").put("type", "DOUBLE")));

    JsonObject result = query(api, "SELECT * FROM " + name);
    assertThat(result.getInteger("row_count")).isZero();
    assertThat(result.getJsonArray("columns").stream().map(c -> ((JsonObject) c).getString("name")).toList())
      .containsExactly("user_id", "page", "seconds");
    assertThat(result.getJsonArray("columns").getJsonObject(0).getString("type")).isEqualTo("BIGINT");
    assertThat(profile(api, created.getString("dataset_id")).getLong("row_count")).isZero();

    JsonArray audit = Api.admin().get("/api/v1/audit?action=dataset.created&resource_id=" + created.getString("dataset_id"))
      .bodyAsJsonObject().getJsonArray("items");
    assertThat(audit).hasSize(1);
    assertThat(audit.getJsonObject(0).getJsonObject("after").getString("name")).isEqualTo(name);
  }

  @Test
  @DisplayName("bad names, unknown types and duplicate columns are 400 naming them, a taken name 409, and nothing is created")
  void badSchemasAreRefused() {
    Api api = Api.newUser("analyst");
    String name = unique("bad_");
    JsonObject error = Api.error(api.post(BASE, new JsonObject().put("name", name).put("schema", new JsonArray()
      .add(new JsonObject().put("name", "a").put("type", "MONEY")))), 400, "VALIDATION_FAILED");
    assertThat(error.getString("message")).contains("a", "MONEY", "BIGINT");
    error = Api.error(api.post(BASE, new JsonObject().put("name", name).put("schema", new JsonArray()
      .add(new JsonObject().put("name", "a").put("type", "BIGINT"))
      .add(new JsonObject().put("name", "A").put("type", "VARCHAR")))), 400, "VALIDATION_FAILED");
    assertThat(error.getJsonObject("details").getString("column")).isEqualTo("A");
    error = Api.error(api.post(BASE, new JsonObject().put("name", name).put("schema", new JsonArray()
      .add(new JsonObject().put("name", " padded").put("type", "BIGINT")))), 400, "VALIDATION_FAILED");
    assertThat(error.getString("message")).contains("' padded'");
    Api.error(api.post(BASE, new JsonObject().put("name", name).put("schema", new JsonArray())), 400, "VALIDATION_FAILED");
    Api.error(api.post(BASE, new JsonObject().put("name", "Bad-Name").put("schema", schema())), 400, "INVALID_NAME");
    assertThat(api.get(BASE).bodyAsJsonObject().getJsonArray("items")).isEmpty();

    create(api, name);
    error = Api.error(api.post(BASE, new JsonObject().put("name", name).put("schema", schema())), 409, "DATASET_EXISTS");
    assertThat(error.getString("message")).contains(name);
    assertThat(api.get(BASE).bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    Api.error(Api.newUser("viewer").post(BASE, new JsonObject().put("name", name).put("schema", schema())), 403,
      "FORBIDDEN");
  }

  @Test
  @DisplayName("an append makes a new version with the old and the new rows and an exact profile")
  void appendAddsRows(@TempDir Path dir) throws Exception {
    Api api = Api.newUser("analyst");
    String name = unique("views_");
    String id = create(api, name).getString("dataset_id");

    JsonObject first = api.uploadAndWait(csv(dir, "user_id,page,seconds\n1,/home,2.5\n2,/home,1\n"),
      Map.of("mode", "append", "name", name));
    assertThat(first.getString("status")).as(first.encode()).isEqualTo("completed");
    assertThat(first.getString("dataset_id")).isEqualTo(id);
    // by id, with the columns in another order and integers where the dataset has DOUBLE
    JsonObject second = api.uploadAndWait(csv(dir, "seconds,user_id,page\n4,3,/about\n7,1,/pricing\n"),
      Map.of("mode", "append", "dataset_id", id));
    assertThat(second.getString("status")).as(second.encode()).isEqualTo("completed");
    assertThat(second.getLong("row_count")).isEqualTo(2);

    JsonObject dataset = api.get(BASE + "/" + id).bodyAsJsonObject();
    assertThat(dataset.getInteger("version")).isEqualTo(3);
    assertThat(dataset.getLong("row_count")).isEqualTo(4);
    JsonObject p = profile(api, id);
    assertThat(p.getLong("row_count")).isEqualTo(4);
    assertThat(column(p, "user_id").getLong("unique_count")).isEqualTo(3);
    assertThat(column(p, "page").getLong("unique_count")).isEqualTo(3);
    assertThat(column(p, "seconds").getDouble("max")).isEqualTo(7.0);
    JsonObject sum = query(api, "SELECT count(*) AS n, sum(seconds) AS s FROM " + name);
    assertThat(sum.getJsonArray("results").getJsonObject(0).getLong("n")).isEqualTo(4);
    assertThat(sum.getJsonArray("results").getJsonObject(0).getDouble("s")).isEqualTo(14.5);

    // each append is audited with the rows it added and the version it made, newest first
    JsonArray audit = Api.admin().get("/api/v1/audit?action=dataset.appended&resource_id=" + id).bodyAsJsonObject()
      .getJsonArray("items");
    assertThat(audit).hasSize(2);
    JsonObject latest = audit.getJsonObject(0);
    assertThat(latest.getJsonObject("after").getLong("rows_added")).isEqualTo(2);
    assertThat(latest.getJsonObject("after").getLong("row_count")).isEqualTo(4);
    assertThat(latest.getJsonObject("after").getInteger("version")).isEqualTo(3);
    assertThat(latest.getJsonObject("after").getString("job_id")).isEqualTo(second.getString("job_id"));
    assertThat(latest.getString("actor_role")).isEqualTo("analyst");
    assertThat(audit.getJsonObject(1).getJsonObject("after").getInteger("version")).isEqualTo(2);
  }

  @Test
  @DisplayName("an append whose columns do not match is refused naming them, and the dataset does not change")
  void mismatchedAppendChangesNothing(@TempDir Path dir) throws Exception {
    Api api = Api.newUser("analyst");
    String name = unique("views_");
    String id = create(api, name).getString("dataset_id");
    api.uploadAndWait(csv(dir, "user_id,page,seconds\n1,/home,2.5\n"), Map.of("mode", "append", "name", name));

    // a CSV header is checked at once: 422 naming the column, no job
    JsonObject extra = Api.error(api.upload(csv(dir, "user_id,page,seconds,referrer\n2,/a,1,x\n"),
      Map.of("mode", "append", "name", name)), 422, "SCHEMA_MISMATCH");
    assertThat(extra.getString("message")).contains("extra column referrer");
    assertThat(extra.getJsonObject("details").getJsonArray("extra")).containsExactly("referrer");
    JsonObject missing = Api.error(api.upload(csv(dir, "user_id,page\n2,/a\n"), Map.of("mode", "append", "name", name)),
      422, "SCHEMA_MISMATCH");
    assertThat(missing.getString("message")).contains("missing column seconds");
    assertThat(missing.getJsonObject("details").getJsonArray("missing")).containsExactly("seconds");
    // the job stays the authority for what the first bytes cannot tell: JSON records, types
    Path json = dir.resolve(UUID.randomUUID() + ".json");
    Files.writeString(json, "[{\"user_id\":2,\"page\":\"/a\",\"seconds\":1,\"referrer\":\"x\"}]");
    JsonObject extraJson = api.uploadAndWait(json, Map.of("mode", "append", "name", name));
    assertThat(extraJson.getString("status")).isEqualTo("failed");
    assertThat(extraJson.getString("error")).contains("extra column referrer");
    JsonObject mistyped = api.uploadAndWait(csv(dir, "user_id,page,seconds\nabc,/a,1\n"),
      Map.of("mode", "append", "name", name));
    assertThat(mistyped.getString("error")).contains("user_id is VARCHAR", "BIGINT");

    JsonObject dataset = api.get(BASE + "/" + id).bodyAsJsonObject();
    assertThat(dataset.getInteger("version")).isEqualTo(2);
    assertThat(dataset.getLong("row_count")).isEqualTo(1);
    assertThat(profile(api, id).getLong("row_count")).isEqualTo(1);

    Api.error(api.upload(csv(dir, "user_id,page,seconds\n1,/a,1\n"), Map.of("mode", "append", "name", unique("none_"))),
      404, "NOT_FOUND");
    Api.error(Api.newUser("analyst").upload(csv(dir, "user_id,page,seconds\n1,/a,1\n"),
      Map.of("mode", "append", "dataset_id", id)), 404, "NOT_FOUND");
    Api.error(api.upload(csv(dir, "a\n1\n"), Map.of("mode", "merge", "name", name)), 400, "VALIDATION_FAILED");
    assertThat(api.get(BASE + "/" + id).bodyAsJsonObject().getInteger("version")).isEqualTo(2);
  }

  private static String email(Api api) {
    String payload = api.token().split("\\.")[1];
    return new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(payload), java.nio.charset.StandardCharsets.UTF_8))
      .getString("email");
  }

  private static void change(Api api, String path, int version, JsonObject body) {
    HttpResponse<Buffer> r = Api.send(api.request(io.vertx.core.http.HttpMethod.POST, path)
      .putHeader("If-Match", "\"" + version + "\"").sendJsonObject(body));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
  }

  @Test
  @DisplayName("an editor of a collection holding the dataset may append to it by id; a viewer of it may not")
  void editorsAppend(@TempDir Path dir) throws Exception {
    Api owner = Api.newUser("analyst");
    Api editor = Api.newUser("analyst");
    Api viewer = Api.newUser("analyst");
    String name = unique("shared_");
    String id = create(owner, name).getString("dataset_id");
    HttpResponse<Buffer> c = owner.post("/api/v1/collections", new JsonObject().put("name", unique("team_")));
    assertThat(c.statusCode()).as(c.bodyAsString()).isEqualTo(201);
    String collection = "/api/v1/collections/" + c.bodyAsJsonObject().getString("collection_id");
    change(owner, collection + "/items", 1, new JsonObject().put("type", "dataset").put("id", id));
    change(owner, collection + "/shares", 2, new JsonObject().put("email", email(editor)).put("role", "editor"));
    change(owner, collection + "/shares", 3, new JsonObject().put("email", email(viewer)).put("role", "viewer"));

    Path rows = csv(dir, "user_id,page,seconds\n9,/team,3\n");
    JsonObject job = editor.uploadAndWait(rows, Map.of("mode", "append", "dataset_id", id));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    Api.error(viewer.upload(rows, Map.of("mode", "append", "dataset_id", id)), 404, "NOT_FOUND");
    Api.error(editor.upload(rows, Map.of("mode", "append", "name", name)), 404, "NOT_FOUND");
    JsonObject dataset = owner.get(BASE + "/" + id).bodyAsJsonObject();
    assertThat(dataset.getLong("row_count")).isEqualTo(1);
    assertThat(dataset.getInteger("version")).isEqualTo(2);
  }

  @Test
  @DisplayName("appends sent at the same time all land: no rows are lost")
  void concurrentAppendsAllLand(@TempDir Path dir) throws Exception {
    Api api = Api.newUser("analyst");
    String name = unique("views_");
    String id = create(api, name).getString("dataset_id");
    int uploads = 4;
    int rowsEach = 500;
    List<CompletableFuture<JsonObject>> jobs = new java.util.ArrayList<>();
    for (int u = 0; u < uploads; u++) {
      StringBuilder body = new StringBuilder("user_id,page,seconds\n");
      for (int i = 0; i < rowsEach; i++) {
        body.append(u * rowsEach + i).append(",/p").append(u).append(',').append(i).append(".5\n");
      }
      Path file = csv(dir, body.toString());
      jobs.add(CompletableFuture.supplyAsync(() -> api.uploadAndWait(file, Map.of("mode", "append", "name", name))));
    }
    for (CompletableFuture<JsonObject> job : jobs) {
      assertThat(job.get().getString("status")).as(job.get().encode()).isEqualTo("completed");
    }
    JsonObject dataset = api.get(BASE + "/" + id).bodyAsJsonObject();
    assertThat(dataset.getLong("row_count")).isEqualTo((long) uploads * rowsEach);
    assertThat(dataset.getInteger("version")).isEqualTo(1 + uploads);
    JsonObject p = profile(api, id);
    assertThat(p.getLong("row_count")).isEqualTo((long) uploads * rowsEach);
    assertThat(column(p, "user_id").getLong("unique_count")).isEqualTo((long) uploads * rowsEach);
    assertThat(column(p, "page").getLong("unique_count")).isEqualTo(uploads);
  }
}
