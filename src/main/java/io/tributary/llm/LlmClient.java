package io.tributary.llm;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * A client of an OpenAI-compatible chat-completions endpoint ({@code POST <base_url>/chat/completions}),
 * configured by {@code llm.base_url}, {@code llm.model}, {@code llm.api_key}, {@code llm.timeout_ms}.
 */
public final class LlmClient {

  private final WebClient client;
  private final String baseUrl;
  private final String model;
  private final String apiKey;
  private final long timeoutMs;

  public LlmClient(Vertx vertx, JsonObject config) {
    String url = config.getString("base_url");
    this.baseUrl = url == null || url.isBlank() ? null : url.replaceAll("/+$", "");
    this.model = config.getString("model", "gpt-4o-mini");
    this.apiKey = config.getString("api_key");
    this.timeoutMs = config.getLong("timeout_ms", 30_000L);
    this.client = baseUrl == null ? null : WebClient.create(vertx, new WebClientOptions().setUserAgent("tributary"));
  }

  /** Whether an endpoint is configured. */
  public boolean configured() {
    return baseUrl != null;
  }

  /** The assistant's answer to a system prompt and a user message. */
  public Future<String> complete(String system, String user) {
    if (!configured()) {
      return Future.failedFuture(new ApiException(ErrorCode.LLM_UNAVAILABLE,
        "No language model is configured (set TRIBUTARY_LLM_BASE_URL)"));
    }
    JsonObject body = new JsonObject().put("model", model).put("temperature", 0)
      .put("messages", new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", system))
        .add(new JsonObject().put("role", "user").put("content", user)));
    var request = client.postAbs(baseUrl + "/chat/completions").timeout(timeoutMs);
    if (apiKey != null && !apiKey.isBlank()) {
      request.bearerTokenAuthentication(apiKey);
    }
    return request.sendJsonObject(body)
      .recover(err -> Future.failedFuture(unavailable("did not answer (" + err.getMessage() + ")")))
      .compose(response -> {
        if (response.statusCode() != 200) {
          return Future.failedFuture(unavailable("answered HTTP " + response.statusCode()));
        }
        try {
          String content = response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0)
            .getJsonObject("message").getString("content");
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
