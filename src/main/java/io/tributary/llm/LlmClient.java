package io.tributary.llm;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A client of an OpenAI-compatible chat-completions endpoint ({@code POST <base_url>/chat/completions}),
 * configured by {@code llm.base_url}, {@code llm.model}, {@code llm.api_key}, {@code llm.timeout_ms}.
 */
public final class LlmClient {

  private final OpenAiEndpoint endpoint;

  public LlmClient(Vertx vertx, JsonObject config) {
    this.endpoint = new OpenAiEndpoint(vertx, config, "llm.base_url", config.getString("base_url"), "gpt-4o-mini");
  }

  /** Whether an endpoint is configured. */
  public boolean configured() {
    return endpoint.configured();
  }

  /** The assistant's answer to a system prompt and a user message. */
  public Future<String> complete(String system, String user) {
    if (!configured()) {
      return Future.failedFuture(new ApiException(ErrorCode.LLM_UNAVAILABLE,
        "No language model is configured (set TRIBUTARY_LLM_BASE_URL)"));
    }
    JsonObject body = new JsonObject().put("model", endpoint.model()).put("temperature", 0)
      .put("messages", new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", system))
        .add(new JsonObject().put("role", "user").put("content", user)));
    return endpoint.post("/chat/completions", body)
      .recover(err -> Future.failedFuture(unavailable(err.getMessage())))
      .compose(answer -> {
        try {
          String content = answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
          return content == null ? Future.failedFuture(unavailable("sent no content")) : Future.succeededFuture(content);
        } catch (RuntimeException e) {
          return Future.failedFuture(unavailable("sent an answer that is not a chat completion"));
        }
      });
  }

  private static ApiException unavailable(String what) {
    return new ApiException(ErrorCode.LLM_UNAVAILABLE, "The language model " + what);
  }
}
