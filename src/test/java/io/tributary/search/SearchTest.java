package io.tributary.search;

import io.tributary.support.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Catalog search")
class SearchTest {

  private static JsonArray search(Api api, String query) {
    HttpResponse<Buffer> r = api.get("/api/v1/search?" + query);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("items");
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String upload(Api api, Path dir, String name, String csv) throws Exception {
    Path file = dir.resolve(name + ".csv");
    Files.writeString(file, csv);
    JsonObject job = api.uploadAndWait(file, Map.of("name", name));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    return job.getString("dataset_id");
  }

  @Test
  @DisplayName("finds datasets, columns, collections and profile facts by words, typos and prefixes, only where visible")
  void findsWhatTheCallerCanSee(@TempDir Path dir) throws Exception {
    Api owner = Api.newUser("analyst");
    String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 6);
    String ds = "zephyrine_" + tag;
    StringBuilder csv = new StringBuilder("customer_email,amount\n");
    for (int i = 0; i < 10; i++) {
      csv.append(i < 8 ? "" : "a@b.c").append(',').append(i).append('\n');
    }
    String datasetId = upload(owner, dir, ds, csv.toString());
    HttpResponse<Buffer> coll = owner.post("/api/v1/collections", new JsonObject().put("name", "quarterly_" + tag)
      .put("description", "Marmalade revenue figures").put("tags", new JsonArray().add("finance")));
    assertThat(coll.statusCode()).isEqualTo(201);
    String collectionId = coll.bodyAsJsonObject().getString("collection_id");

    // a dataset by its name, a word of it, a typo and a prefix
    assertThat(search(owner, "q=" + ds)).extracting(o -> ((JsonObject) o).getString("id")).contains(datasetId);
    assertThat(search(owner, "q=zephyrine&type=dataset").getJsonObject(0).getString("id")).isEqualTo(datasetId);
    assertThat(search(owner, "q=zephyrin&type=dataset").getJsonObject(0).getString("id")).as("typo").isEqualTo(datasetId);
    assertThat(search(owner, "q=zephy&type=dataset").getJsonObject(0).getString("id")).as("prefix").isEqualTo(datasetId);
    // a column by its name, with its dataset
    JsonArray columns = search(owner, "q=" + enc("customer email") + "&type=column");
    assertThat(columns).isNotEmpty();
    JsonObject column = columns.stream().map(o -> (JsonObject) o)
      .filter(c -> datasetId.equals(c.getString("dataset_id"))).findFirst().orElseThrow();
    assertThat(column.getString("name")).isEqualTo("customer_email");
    assertThat(column.getString("dataset_name")).isEqualTo(ds);
    // a profile fact: 80% nulls is a high_nulls issue of that column
    JsonArray facts = search(owner, "q=" + enc("high nulls") + "&type=column");
    assertThat(facts).extracting(o -> ((JsonObject) o).getString("name")).contains("customer_email");
    assertThat(facts).extracting(o -> ((JsonObject) o).getString("name")).doesNotContain("amount");
    // a collection by a word of its description and by its tag
    assertThat(search(owner, "q=marmalade&type=collection").getJsonObject(0).getString("id")).isEqualTo(collectionId);
    assertThat(search(owner, "q=finance&type=collection")).extracting(o -> ((JsonObject) o).getString("id"))
      .contains(collectionId);

    // nobody else sees any of it until it is shared
    Api other = Api.newUser("viewer");
    assertThat(search(other, "q=zephyrine")).isEmpty();
    assertThat(search(other, "q=marmalade")).isEmpty();
    HttpResponse<Buffer> added = Api.send(owner.request(HttpMethod.POST, "/api/v1/collections/" + collectionId + "/items")
      .putHeader("If-Match", "\"1\"").sendJsonObject(new JsonObject().put("type", "dataset").put("id", datasetId)));
    assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
    String email = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(other.token().split("\\.")[1]),
      java.nio.charset.StandardCharsets.UTF_8)).getString("email");
    HttpResponse<Buffer> shared = Api.send(owner.request(HttpMethod.POST, "/api/v1/collections/" + collectionId + "/shares")
      .putHeader("If-Match", "\"2\"").sendJsonObject(new JsonObject().put("email", email).put("role", "viewer")));
    assertThat(shared.statusCode()).as(shared.bodyAsString()).isEqualTo(201);
    JsonArray seen = search(other, "q=zephyrine");
    assertThat(seen).extracting(o -> ((JsonObject) o).getString("id")).contains(datasetId);
    assertThat(seen.getJsonObject(0).getBoolean("shared")).isTrue();
    assertThat(search(other, "q=marmalade&type=collection")).hasSize(1);

    // the index follows changes in the same transaction: a renamed collection is found by its new name at once
    HttpResponse<Buffer> renamed = Api.send(owner.request(HttpMethod.PATCH, "/api/v1/collections/" + collectionId)
      .putHeader("If-Match", "\"3\"").sendJsonObject(new JsonObject().put("name", "nectarine_" + tag)));
    assertThat(renamed.statusCode()).as(renamed.bodyAsString()).isEqualTo(200);
    assertThat(search(owner, "q=nectarine&type=collection").getJsonObject(0).getString("id")).isEqualTo(collectionId);
    assertThat(search(owner, "q=quarterly_" + tag + "&type=collection")).isEmpty();
  }

  @Test
  @DisplayName("refuses a missing query, an unknown type and an unknown mode with 400")
  void refusesBadInput() {
    Api api = Api.newUser("analyst");
    Api.error(api.get("/api/v1/search"), 400, "VALIDATION_FAILED");
    Api.error(api.get("/api/v1/search?q=x&type=table"), 400, "VALIDATION_FAILED");
    Api.error(api.get("/api/v1/search?q=x&mode=fuzzy"), 400, "VALIDATION_FAILED");
  }
}
