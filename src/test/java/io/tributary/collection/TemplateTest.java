package io.tributary.collection;

import io.tributary.support.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Collection templates")
class TemplateTest {

  private static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  private static JsonObject createFrom(Client owner, String name, String template) {
    HttpResponse<Buffer> r = owner.api.post(Client.BASE, new JsonObject().put("name", name).put("template", template));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  private static Map<String, JsonObject> members(JsonObject collection, String type) {
    return collection.getJsonArray("members").stream().map(JsonObject.class::cast)
      .filter(m -> type.equals(m.getString("type"))).collect(Collectors.toMap(m -> m.getString("name"), m -> m));
  }

  private static JsonObject ok(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static JsonArray templates(Api api) {
    return ok(api.get("/api/v1/templates")).getJsonArray("items");
  }

  private static List<String> names(JsonArray items) {
    return items.stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }

  @Test
  @DisplayName("a built-in template creates the collection with its empty datasets and its dashboard, whose queries run")
  void builtInTemplate() {
    Client owner = new Client(Api.newUser("analyst"));
    JsonArray listed = templates(owner.api);
    assertThat(names(listed)).contains("web_analytics", "sales");
    JsonObject web = listed.stream().map(JsonObject.class::cast).filter(t -> "web_analytics".equals(t.getString("name")))
      .findFirst().orElseThrow();
    assertThat(web.getString("source")).isEqualTo("builtin");
    assertThat(names(web.getJsonArray("datasets"))).containsExactly("events", "sessions");

    JsonObject c = createFrom(owner, unique("site_"), "web_analytics");
    assertThat(c.getInteger("version")).isEqualTo(1);
    Map<String, JsonObject> datasets = members(c, "dataset");
    assertThat(datasets.keySet()).containsExactlyInAnyOrder("events", "sessions");
    assertThat(datasets.get("events").getLong("row_count")).isZero();
    assertThat(datasets.get("events").getInteger("column_count")).isEqualTo(7);
    Map<String, JsonObject> dashboards = members(c, "dashboard");
    assertThat(dashboards.keySet()).containsExactly("Traffic");

    JsonObject events = ok(owner.api.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT * FROM events")));
    assertThat(events.getInteger("row_count")).isZero();
    assertThat(events.getJsonArray("columns")).hasSize(7);
    JsonObject dashboard = ok(owner.api.get("/api/v1/dashboards/" + dashboards.get("Traffic").getString("id")));
    JsonArray vizzes = dashboard.getJsonArray("visualizations");
    assertThat(vizzes).hasSize(4);
    for (Object o : vizzes) {
      JsonObject viz = (JsonObject) o;
      assertThat(viz.getString("dataset_id")).isIn(datasets.get("events").getString("id"),
        datasets.get("sessions").getString("id"));
      ok(owner.api.post("/api/v1/query/sql", new JsonObject().put("sql", viz.getString("query"))));
    }

    // the collection's events rebuild it, template members included
    JsonArray history = ok(owner.api.get(Client.BASE + "/" + c.getString("collection_id") + "/history"))
      .getJsonArray("items");
    List<JsonObject> events2 = new ArrayList<>();
    history.forEach(e -> events2.add((JsonObject) e));
    assertThat(CollectionEvents.replay(events2)).isEqualTo(CollectionEvents.state(owner.read(c.getString("collection_id"))));
  }

  @Test
  @DisplayName("an unknown template is 404 naming it; a dataset name already used is 409 naming it, and nothing is created")
  void refusals() {
    Client owner = new Client(Api.newUser("analyst"));
    String name = unique("site_");
    JsonObject error = Api.error(owner.api.post(Client.BASE, new JsonObject().put("name", name)
      .put("template", "no_such_template")), 404, "NOT_FOUND");
    assertThat(error.getString("message")).contains("no_such_template");

    HttpResponse<Buffer> taken = owner.api.post("/api/v1/data/datasets", new JsonObject().put("name", "sessions")
      .put("schema", new JsonArray().add(new JsonObject().put("name", "id").put("type", "BIGINT"))));
    assertThat(taken.statusCode()).as(taken.bodyAsString()).isEqualTo(201);
    error = Api.error(owner.api.post(Client.BASE, new JsonObject().put("name", name).put("template", "web_analytics")),
      409, "DATASET_EXISTS");
    assertThat(error.getString("message")).contains("sessions");

    assertThat(ok(owner.api.get(Client.BASE)).getJsonArray("items")).isEmpty();
    assertThat(names(ok(owner.api.get("/api/v1/data/datasets")).getJsonArray("items"))).containsExactly("sessions");
    assertThat(ok(owner.api.get("/api/v1/dashboards")).getJsonArray("items")).isEmpty();
  }

  @Test
  @DisplayName("a template saved from a collection recreates its schemas and dashboards, for its owner only")
  void saveAndReuse(@TempDir Path dir) throws Exception {
    Client owner = new Client(Api.newUser("analyst"));
    String visits = owner.dataset(dir, "visits", "day,page,views,share\n2026-01-01,/a,3,0.5\n2026-01-02,/b,4,0.25\n");
    HttpResponse<Buffer> clicks = owner.api.post("/api/v1/data/datasets", new JsonObject().put("name", "clicks")
      .put("schema", new JsonArray().add(new JsonObject().put("name", "at").put("type", "TIMESTAMP"))
        .add(new JsonObject().put("name", "amount").put("type", "decimal(10, 2)"))));
    assertThat(clicks.statusCode()).as(clicks.bodyAsString()).isEqualTo(201);
    HttpResponse<Buffer> dash = owner.api.post("/api/v1/dashboards", new JsonObject().put("name", "Visits")
      .put("visualizations", new JsonArray().add(new JsonObject().put("title", "Views").put("chart_type", "bar")
        .put("dataset_id", visits).put("query", "SELECT page, sum(views) AS views FROM visits GROUP BY page")
        .put("config", new JsonObject().put("x", "page").put("y", "views")))));
    assertThat(dash.statusCode()).as(dash.bodyAsString()).isEqualTo(201);
    JsonObject c = owner.create(unique("blue_"));
    String id = c.getString("collection_id");
    int version = owner.add(id, 1, "dataset", visits);
    version = owner.add(id, version, "dataset", clicks.bodyAsJsonObject().getString("dataset_id"));
    owner.add(id, version, "dashboard", dash.bodyAsJsonObject().getString("dashboard_id"));
    Map<String, JsonArray> schemas = new java.util.HashMap<>();
    for (String d : List.of(visits, clicks.bodyAsJsonObject().getString("dataset_id"))) {
      JsonObject dataset = ok(owner.api.get("/api/v1/data/datasets/" + d));
      schemas.put(dataset.getString("name"), dataset.getJsonArray("schema"));
    }

    String template = unique("mine_");
    Client stranger = new Client(Api.newUser("analyst"));
    Api.error(stranger.api.post(Client.BASE + "/" + id + "/template", new JsonObject().put("name", template)), 404,
      "NOT_FOUND");
    HttpResponse<Buffer> saved = owner.api.post(Client.BASE + "/" + id + "/template", new JsonObject().put("name", template));
    assertThat(saved.statusCode()).as(saved.bodyAsString()).isEqualTo(201);
    assertThat(saved.bodyAsJsonObject().getString("source")).isEqualTo("saved");
    Api.error(owner.api.post(Client.BASE + "/" + id + "/template", new JsonObject().put("name", template)), 409, "CONFLICT");
    Api.error(owner.api.post(Client.BASE + "/" + id + "/template", new JsonObject().put("name", "sales")), 409, "CONFLICT");
    assertThat(names(templates(owner.api))).contains(template, "web_analytics");
    assertThat(names(templates(stranger.api))).doesNotContain(template);
    Api.error(stranger.api.post(Client.BASE, new JsonObject().put("name", unique("copy_")).put("template", template)),
      404, "NOT_FOUND");

    // the datasets' names are free again once the originals are gone; the template kept their schemas, not their rows
    assertThat(owner.api.delete("/api/v1/data/datasets/" + visits).statusCode()).isEqualTo(204);
    assertThat(owner.api.delete("/api/v1/data/datasets/" + clicks.bodyAsJsonObject().getString("dataset_id"))
      .statusCode()).isEqualTo(204);
    JsonObject copy = createFrom(owner, unique("copy_"), template);
    Map<String, JsonObject> datasets = members(copy, "dataset");
    assertThat(datasets.keySet()).containsExactlyInAnyOrder("visits", "clicks");
    for (JsonObject d : datasets.values()) {
      JsonObject dataset = ok(owner.api.get("/api/v1/data/datasets/" + d.getString("id")));
      assertThat(dataset.getJsonArray("schema")).isEqualTo(schemas.get(d.getString("name")));
      assertThat(dataset.getLong("row_count")).isZero();
    }
    JsonObject dashboard = ok(owner.api.get("/api/v1/dashboards/" + members(copy, "dashboard").get("Visits").getString("id")));
    JsonObject viz = dashboard.getJsonArray("visualizations").getJsonObject(0);
    assertThat(viz.getString("dataset_id")).isEqualTo(datasets.get("visits").getString("id"));
    assertThat(viz.getString("query")).isEqualTo("SELECT page, sum(views) AS views FROM visits GROUP BY page");
  }
  @Test
  @DisplayName("one template's blueprint is readable by name; a saved one can be deleted by its owner, a built-in one not")
  void readAndDelete() {
    Client owner = new Client(Api.newUser("analyst"));
    JsonObject web = ok(owner.api.get("/api/v1/templates/web_analytics"));
    assertThat(web.getString("source")).isEqualTo("builtin");
    assertThat(names(web.getJsonArray("datasets"))).containsExactly("events", "sessions");
    JsonObject traffic = web.getJsonArray("dashboards").getJsonObject(0);
    assertThat(traffic.getString("name")).isEqualTo("Traffic");
    assertThat(traffic.getJsonArray("visualizations").getJsonObject(0).getString("dataset")).isIn("events", "sessions");
    JsonObject refused = Api.error(owner.api.delete("/api/v1/templates/web_analytics"), 409, "CONFLICT");
    assertThat(refused.getString("message")).contains("built in");
    Api.error(owner.api.get("/api/v1/templates/no_such_template"), 404, "NOT_FOUND");
    Api.error(owner.api.delete("/api/v1/templates/no_such_template"), 404, "NOT_FOUND");

    JsonObject c = createFrom(owner, unique("site_"), "web_analytics");
    String template = unique("mine_");
    HttpResponse<Buffer> saved = owner.api.post(Client.BASE + "/" + c.getString("collection_id") + "/template",
      new JsonObject().put("name", template).put("description", "my site"));
    assertThat(saved.statusCode()).as(saved.bodyAsString()).isEqualTo(201);
    JsonObject mine = ok(owner.api.get("/api/v1/templates/" + template));
    assertThat(mine.getString("source")).isEqualTo("saved");
    assertThat(mine.getString("description")).isEqualTo("my site");
    assertThat(names(mine.getJsonArray("datasets"))).containsExactlyInAnyOrder("events", "sessions");
    assertThat(mine.getJsonArray("dashboards").getJsonObject(0).getJsonArray("visualizations")).hasSize(4);

    Client stranger = new Client(Api.newUser("analyst"));
    Api.error(stranger.api.get("/api/v1/templates/" + template), 404, "NOT_FOUND");
    Api.error(stranger.api.delete("/api/v1/templates/" + template), 404, "NOT_FOUND");
    assertThat(owner.api.delete("/api/v1/templates/" + template).statusCode()).isEqualTo(204);
    Api.error(owner.api.get("/api/v1/templates/" + template), 404, "NOT_FOUND");
    assertThat(names(templates(owner.api))).doesNotContain(template).contains("web_analytics");
    JsonArray audit = Api.admin().get("/api/v1/audit?action=template.deleted").bodyAsJsonObject().getJsonArray("items");
    assertThat(audit.stream().map(JsonObject.class::cast).filter(e -> template.equals(e.getJsonObject("before")
      .getString("name")))).hasSize(1);
  }
}
