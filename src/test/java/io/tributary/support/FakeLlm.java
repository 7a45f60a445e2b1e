package io.tributary.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local stand-in for an OpenAI-compatible LLM: {@code POST /v1/chat/completions} answers the queued replies
 * in order (the real wire format), records every request, and can fail on purpose. The only stand-in of the
 * test suite: a real model cannot exist on a closed machine.
 */
public final class FakeLlm {

  /** Replies to hand out; an entry {@code null} answers HTTP 500. */
  public final ConcurrentLinkedDeque<String> replies = new ConcurrentLinkedDeque<>();
  public final List<JsonObject> requests = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  public FakeLlm(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (!"/v1/chat/completions".equals(req.path()) || !"POST".equals(req.method().name())) {
        req.response().setStatusCode(404).end();
        return;
      }
      requests.add(body.toJsonObject().put("authorization", req.getHeader("Authorization")));
      String content = replies.isEmpty() ? "SELECT 1" : replies.poll();
      if (content == null || content.equals("<fail>")) {
        req.response().setStatusCode(500).end("{\"error\":{\"message\":\"boom\"}}");
        return;
      }
      req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
        .put("id", "chatcmpl-test").put("object", "chat.completion").put("model", body.toJsonObject().getString("model"))
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "stop")
          .put("message", new JsonObject().put("role", "assistant").put("content", content))))
        .put("usage", new JsonObject().put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15))
        .encode());
    }));
    Await.result(server.listen(0, "127.0.0.1"));
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }
}
