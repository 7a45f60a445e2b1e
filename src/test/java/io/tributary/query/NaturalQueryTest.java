package io.tributary.query;

import io.tributary.support.Api;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Questions in plain language")
class NaturalQueryTest {

  @TempDir
  static Path dir;
  static Api user;
  static String datasetId;

  @BeforeAll
  static void dataset() throws Exception {
    user = QueryFlowTest.premiumAnalyst();
    Path f = dir.resolve("weather.csv");
    Files.writeString(f, "city,temp c\nOslo,3.5\nRome,18.5\nLima,21\n");
    JsonObject job = user.uploadAndWait(f, Map.of());
    assertThat(job.getString("status")).isEqualTo("completed");
    datasetId = job.getString("dataset_id");
  }

  @BeforeEach
  void reset() {
    TestApp.get().llm.replies.clear();
    TestApp.get().llm.requests.clear();
  }

  private HttpResponse<Buffer> ask(String question) {
    return user.post("/api/v1/query/natural", new JsonObject().put("question", question).put("dataset_id", datasetId));
  }

  @Test
  @DisplayName("the model's SQL is validated, run and explained; the prompt carries the schema and profile")
  void answered() {
    TestApp.get().llm.replies.add("```sql\nSELECT city FROM weather WHERE \"temp c\" > 10 ORDER BY city;\n```");
    TestApp.get().llm.replies.add("It lists the warm cities: Lima and Rome.");
    HttpResponse<Buffer> r = ask("Which cities are warmer than 10 degrees?");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getString("sql")).isEqualTo("SELECT city FROM weather WHERE \"temp c\" > 10 ORDER BY city");
    assertThat(body.getJsonArray("results").stream().map(JsonObject.class::cast).map(o -> o.getString("city")))
      .containsExactly("Lima", "Rome");
    assertThat(body.getString("explanation")).isEqualTo("It lists the warm cities: Lima and Rome.");
    assertThat(body.getLong("execution_time_ms")).isNotNegative();
    JsonObject prompt = TestApp.get().llm.requests.get(0);
    assertThat(prompt.getString("model")).isEqualTo("test-model");
    assertThat(prompt.getString("authorization")).isEqualTo("Bearer test-key");
    String system = prompt.getJsonArray("messages").getJsonObject(0).getString("content");
    assertThat(system).contains("\"weather\"").contains("\"temp c\" DOUBLE").contains("Rows: 3");
    assertThat(prompt.getJsonArray("messages").getJsonObject(1).getString("content"))
      .isEqualTo("Which cities are warmer than 10 degrees?");
  }

  @Test
  @DisplayName("invalid generated SQL answers 422 with the SQL and the errors, and nothing runs")
  void invalidSql() {
    TestApp.get().llm.replies.add("DROP VIEW weather");
    HttpResponse<Buffer> r = ask("Delete everything");
    JsonObject error = Api.error(r, 422, "LLM_INVALID_SQL");
    assertThat(error.getJsonObject("details").getString("sql")).isEqualTo("DROP VIEW weather");
    assertThat(error.getJsonObject("details").getJsonArray("errors")).isNotEmpty();
    assertThat(TestApp.get().llm.requests).hasSize(1);
    assertThat(user.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT count(*) AS n FROM weather"))
      .bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getInteger("n")).isEqualTo(3);
  }

  @Test
  @DisplayName("a failing explanation call still returns the results, without explanation")
  void explanationFails() {
    TestApp.get().llm.replies.add("SELECT count(*) AS n FROM weather");
    TestApp.get().llm.replies.add("<fail>");
    HttpResponse<Buffer> r = ask("How many cities?");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getInteger("n")).isEqualTo(3);
    assertThat(r.bodyAsJsonObject().getValue("explanation")).isNull();
  }

  @Test
  @DisplayName("a model that fails answers 503 LLM_UNAVAILABLE; another user's dataset answers 404")
  void failures() {
    TestApp.get().llm.replies.add("<fail>");
    Api.error(ask("Anything?"), 503, "LLM_UNAVAILABLE");
    Api stranger = QueryFlowTest.premiumAnalyst();
    Api.error(stranger.post("/api/v1/query/natural", new JsonObject().put("question", "x").put("dataset_id", datasetId)),
      404, "NOT_FOUND");
  }

  @Test
  @DisplayName("without a configured model the answer is 503 LLM_UNAVAILABLE")
  void notConfigured() {
    var llm = new io.tributary.llm.LlmClient(TestApp.get().vertx, new JsonObject());
    assertThat(llm.configured()).isFalse();
    var failure = io.tributary.support.Await.result(llm.complete("s", "u").map(x -> (Throwable) null).otherwise(e -> e));
    assertThat(failure).isInstanceOf(io.tributary.bus.ApiException.class);
    assertThat(((io.tributary.bus.ApiException) failure).code()).isEqualTo(io.tributary.bus.ErrorCode.LLM_UNAVAILABLE);
  }
}
