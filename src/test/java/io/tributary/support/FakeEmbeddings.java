package io.tributary.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local stand-in for an OpenAI-compatible embeddings endpoint: {@code POST /v1/embeddings} {model, input} answers
 * {data:[{object, embedding, index}], model, usage} (the real wire format). Vectors are deterministic: each word is
 * hashed into one of {@value #DIMENSIONS} dimensions, after the planted synonyms of {@link #SYNONYMS} are mapped to
 * one word, so "sales" is near "revenue" and nothing else is near either. Records every request and fails with HTTP 500
 * while {@link #failing} is set.
 */
public final class FakeEmbeddings {

  public static final int DIMENSIONS = 1024;
  /** Words that mean the same to this model. */
  public static final Map<String, String> SYNONYMS = Map.of("sales", "revenue", "turnover", "revenue",
    "earnings", "revenue", "clients", "customers", "patrons", "customers");

  public final List<JsonObject> requests = new CopyOnWriteArrayList<>();
  public volatile boolean failing;
  private final HttpServer server;

  public FakeEmbeddings(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (!"/v1/embeddings".equals(req.path()) || !"POST".equals(req.method().name())) {
        req.response().setStatusCode(404).end();
        return;
      }
      JsonObject request = body.toJsonObject();
      requests.add(request.copy().put("authorization", req.getHeader("Authorization")));
      if (failing) {
        req.response().setStatusCode(500).end("{\"error\":{\"message\":\"boom\"}}");
        return;
      }
      Object input = request.getValue("input");
      JsonArray inputs = input instanceof JsonArray a ? a : new JsonArray().add(input);
      JsonArray data = new JsonArray();
      for (int i = 0; i < inputs.size(); i++) {
        data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", vector(inputs.getString(i))));
      }
      req.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("object", "list")
        .put("data", data).put("model", request.getString("model"))
        .put("usage", new JsonObject().put("prompt_tokens", inputs.size()).put("total_tokens", inputs.size())).encode());
    }));
    Await.result(server.listen(0, "127.0.0.1"));
  }

  /** The bag of words of a text, synonyms merged, as a unit vector. */
  public static JsonArray vector(String text) {
    double[] v = new double[DIMENSIONS];
    for (String word : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (!word.isEmpty()) {
        v[Math.floorMod(SYNONYMS.getOrDefault(word, word).hashCode(), DIMENSIONS)] += 1;
      }
    }
    double norm = Math.sqrt(java.util.Arrays.stream(v).map(x -> x * x).sum());
    JsonArray out = new JsonArray();
    for (double x : v) {
      out.add(norm == 0 ? 0 : x / norm);
    }
    return out;
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }
}
