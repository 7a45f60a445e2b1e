package io.tributary.search;

import io.tributary.support.Api;
import io.tributary.support.FakeEmbeddings;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mode=hybrid} against the test application's embeddings stand-in ({@link FakeEmbeddings}: bags of words
 * where "sales" means "revenue").
 */
@DisplayName("Hybrid catalog search")
class HybridSearchTest {

  private static JsonObject search(Api api, String query) {
    HttpResponse<Buffer> r = api.get("/api/v1/search?" + query);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  /** The hybrid reply once it satisfies {@code until} (documents are embedded shortly after they change). */
  private static JsonObject hybridUntil(Api api, String query, Predicate<JsonObject> until) {
    long deadline = System.currentTimeMillis() + 20_000;
    JsonObject reply = search(api, query + "&mode=hybrid");
    while (!until.test(reply) && System.currentTimeMillis() < deadline) {
      Api.sleep(200);
      reply = search(api, query + "&mode=hybrid");
    }
    return reply;
  }

  private static List<String> ids(JsonObject reply) {
    return reply.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  private static JsonObject item(JsonObject reply, String id) {
    return reply.getJsonArray("items").stream().map(JsonObject.class::cast).filter(i -> id.equals(i.getString("id")))
      .findFirst().orElseThrow(() -> new AssertionError(id + " is not in " + reply.encodePrettily()));
  }

  private static String collection(Api api, String name, String description) {
    HttpResponse<Buffer> r = api.post("/api/v1/collections", new JsonObject().put("name", name).put("description", description));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getString("collection_id");
  }

  private static String tag() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  @Test
  @DisplayName("finds by meaning what keyword search misses: a search for sales finds a collection about revenue")
  void semanticMatchOfASynonym() {
    Api owner = Api.newUser("analyst");
    String tag = tag();
    String id = collection(owner, "ledger_" + tag, "Quarterly revenue by region");

    assertThat(ids(search(owner, "q=sales&type=collection"))).as("keywords alone").doesNotContain(id);
    JsonObject hybrid = hybridUntil(owner, "q=sales&type=collection", r -> ids(r).contains(id));
    assertThat(hybrid.getString("mode")).isEqualTo("hybrid");
    assertThat(hybrid.containsKey("fallback")).isFalse();
    JsonObject found = item(hybrid, id);
    assertThat(found.getJsonArray("matched_by")).containsExactly("semantic");
    assertThat(found.getInteger("semantic_rank")).isEqualTo(1);
    assertThat(found.getDouble("similarity")).isGreaterThan(0.25);
    assertThat(found.getString("name")).isEqualTo("ledger_" + tag);

    // what was sent: the document as a sentence, in the model's request, with the configured key (never echoed)
    List<JsonObject> sent = TestApp.get().embeddings.requests.stream()
      .filter(r -> r.getJsonArray("input").contains("ledger " + tag + ". Quarterly revenue by region")).toList();
    assertThat(sent).isNotEmpty();
    assertThat(sent.get(0).getString("model")).isEqualTo("fake-bag-of-words");
    assertThat(sent.get(0).getString("authorization")).isEqualTo("Bearer embed-key");
    assertThat(hybrid.encode()).doesNotContain("embed-key");
  }

  @Test
  @DisplayName("fuses the keyword and semantic rankings by reciprocal rank: found by both ranks above found by one")
  void reciprocalRankFusion() {
    Api owner = Api.newUser("analyst");
    String tag = tag();
    String both = collection(owner, "sales_" + tag, "Revenue by month");
    String meaning = collection(owner, "ledger_" + tag, "Revenue of the quarter");
    String words = collection(owner, "sales_notes_" + tag, "Minutes of the weekly planning meeting with all of the "
      + "team leads and their deputies from every office in every country of the company");

    JsonObject reply = hybridUntil(owner, "q=sales&type=collection",
      r -> ids(r).containsAll(List.of(both, meaning)) && item(r, both).containsKey("semantic_rank"));
    assertThat(reply.getString("mode")).isEqualTo("hybrid");
    JsonArray items = reply.getJsonArray("items");
    assertThat(items.getJsonObject(0).getString("id")).as(reply.encodePrettily()).isEqualTo(both);
    assertThat(item(reply, both).getJsonArray("matched_by")).containsExactly("keyword", "semantic");
    assertThat(item(reply, meaning).getJsonArray("matched_by")).containsExactly("semantic");
    assertThat(item(reply, words).getJsonArray("matched_by")).contains("keyword");
    double previous = Double.MAX_VALUE;
    for (Object o : items) {
      JsonObject i = (JsonObject) o;
      double expected = (i.containsKey("keyword_rank") ? 1.0 / (60 + i.getInteger("keyword_rank")) : 0)
        + (i.containsKey("semantic_rank") ? 1.0 / (60 + i.getInteger("semantic_rank")) : 0);
      assertThat(i.getDouble("score")).as(i.encode()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
      assertThat(i.getDouble("score")).as("best first").isLessThanOrEqualTo(previous);
      previous = i.getDouble("score");
    }
  }

  @Test
  @DisplayName("when the embeddings endpoint fails, writes still succeed, search says it fell back to keywords, and "
    + "the documents are embedded once it is back")
  void fallsBackWhenTheEndpointFails() {
    FakeEmbeddings fake = TestApp.get().embeddings;
    Api owner = Api.newUser("analyst");
    String tag = tag();
    String id;
    fake.failing = true;
    try {
      id = collection(owner, "budget_" + tag, "Turnover forecast");
      JsonObject reply = search(owner, "q=budget&mode=hybrid");
      assertThat(reply.getString("mode")).isEqualTo("keyword");
      assertThat(reply.getString("requested_mode")).isEqualTo("hybrid");
      assertThat(reply.getString("fallback")).contains("fell back to keywords", "embeddings endpoint answered HTTP 500");
      assertThat(ids(reply)).as("the keyword results still come").contains(id);
    } finally {
      fake.failing = false;
    }
    JsonObject later = hybridUntil(owner, "q=sales&type=collection", r -> ids(r).contains(id));
    assertThat(later.getString("mode")).isEqualTo("hybrid");
    assertThat(item(later, id).getJsonArray("matched_by")).containsExactly("semantic");
  }

  @Test
  @DisplayName("the semantic path never shows another user's collection")
  void semanticPathKeepsToWhatTheCallerCanSee() {
    Api owner = Api.newUser("analyst");
    Api other = Api.newUser("analyst");
    String tag = tag();
    String secret = collection(owner, "secret_" + tag, "Revenue secrets");
    String own = collection(other, "mine_" + tag, "Revenue plans");
    assertThat(ids(hybridUntil(owner, "q=sales", r -> ids(r).contains(secret)))).contains(secret);

    JsonObject seen = hybridUntil(other, "q=sales", r -> ids(r).contains(own));
    assertThat(seen.getString("mode")).isEqualTo("hybrid");
    assertThat(ids(seen)).contains(own).doesNotContain(secret);
    assertThat(ids(search(other, "q=" + "revenue%20secrets&mode=hybrid&type=collection"))).doesNotContain(secret);
    HttpResponse<Buffer> bad = other.get("/api/v1/search?q=sales&mode=semantic");
    Api.error(bad, 400, "VALIDATION_FAILED");
  }
}
