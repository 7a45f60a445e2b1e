package io.tributary.llm;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A client of an OpenAI-compatible embeddings endpoint ({@code POST <url>/embeddings} {model, input:[...]} answering
 * {data:[{embedding:[...], index}]}), configured by {@code search.embeddings.url}, {@code .model}, {@code .api_key},
 * {@code .dimensions} and {@code .timeout_ms}. A failure is an {@link OpenAiEndpoint.EndpointFailure} whose message
 * completes "the embeddings endpoint ...".
 */
public final class EmbeddingsClient {

  private final OpenAiEndpoint endpoint;
  private final Integer dimensions;

  public EmbeddingsClient(Vertx vertx, JsonObject config) {
    String url = config.getString("url");
    this.endpoint = new OpenAiEndpoint(vertx, config, "search.embeddings.url",
      url == null ? null : url.replaceAll("/+$", "").replaceAll("/embeddings$", ""), "text-embedding-3-small");
    this.dimensions = config.getInteger("dimensions");
  }

  /** Whether an endpoint is configured. */
  public boolean configured() {
    return endpoint.configured();
  }

  /** The model whose vectors these are. */
  public String model() {
    return endpoint.model();
  }

  /** One unit-length vector per input, in the order of the inputs. */
  public Future<float[][]> embed(List<String> inputs) {
    if (!configured()) {
      return Future.failedFuture(new OpenAiEndpoint.EndpointFailure("is not configured (search.embeddings.url)"));
    }
    JsonObject body = new JsonObject().put("model", endpoint.model()).put("input", new JsonArray(List.copyOf(inputs)));
    if (dimensions != null) {
      body.put("dimensions", dimensions);
    }
    return endpoint.post("/embeddings", body).compose(answer -> {
      try {
        return Future.succeededFuture(vectors(answer.getJsonArray("data"), inputs.size()));
      } catch (RuntimeException e) {
        return Future.failedFuture(new OpenAiEndpoint.EndpointFailure("answered with something that is not one "
          + "embedding per input (" + e.getMessage() + ")"));
      }
    });
  }

  private static float[][] vectors(JsonArray data, int count) {
    if (data == null || data.size() != count) {
      throw new IllegalArgumentException((data == null ? 0 : data.size()) + " embeddings for " + count + " inputs");
    }
    float[][] out = new float[count][];
    for (int i = 0; i < count; i++) {
      JsonObject item = data.getJsonObject(i);
      int index = item.getInteger("index", i);
      JsonArray values = item.getJsonArray("embedding");
      float[] v = new float[values.size()];
      double norm = 0;
      for (int j = 0; j < v.length; j++) {
        v[j] = values.getNumber(j).floatValue();
        norm += v[j] * (double) v[j];
      }
      if (norm > 0) {
        float scale = (float) (1 / Math.sqrt(norm));
        for (int j = 0; j < v.length; j++) {
          v[j] *= scale;
        }
      }
      out[index] = v;
    }
    for (float[] v : out) {
      if (v == null || v.length != out[0].length) {
        throw new IllegalArgumentException("missing or uneven embeddings");
      }
    }
    return out;
  }
}
