package io.tributary.llm;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.net.URI;

/**
 * An OpenAI-compatible HTTP endpoint named by the administrator's configuration: a base URL (e.g.
 * {@code https://api.openai.com/v1}), a model, a bearer key and a timeout. Nothing else decides where it connects.
 * {@link #post} answers the JSON body of an HTTP 200, or fails with an {@link EndpointFailure} saying what the
 * endpoint did; the key never appears in a message.
 */
public final class OpenAiEndpoint {

  /** What went wrong talking to the endpoint, in words for a user ("answered HTTP 500"). */
  public static final class EndpointFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EndpointFailure(String message) {
      super(message, null, false, false);
    }
  }

  /** Replies larger than this are parsed on a worker (an embeddings batch is megabytes of numbers). */
  private static final int PARSE_INLINE_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final WebClient client;
  private final String baseUrl;
  private final String model;
  private final String apiKey;
  private final long timeoutMs;

  /**
   * @param url          the configured base URL, or null/blank for none
   * @param defaultModel the model when the section names none
   * @param urlKey       the configuration key of the URL, for the message of a malformed one
   */
  OpenAiEndpoint(Vertx vertx, JsonObject section, String urlKey, String url, String defaultModel) {
    this.vertx = vertx;
    this.baseUrl = url == null || url.isBlank() ? null : checked(urlKey, url.trim().replaceAll("/+$", ""));
    this.model = section.getString("model", defaultModel);
    this.apiKey = section.getString("api_key");
    this.timeoutMs = section.getLong("timeout_ms", 30_000L);
    this.client = baseUrl == null ? null : WebClient.create(vertx, new WebClientOptions().setUserAgent("tributary"));
  }

  private static String checked(String key, String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " is not a URL: " + e.getMessage());
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new IllegalArgumentException(key + " must be an http(s) URL with a host, e.g. https://api.openai.com/v1");
    }
    return url;
  }

  boolean configured() {
    return baseUrl != null;
  }

  String model() {
    return model;
  }

  /** POSTs {@code body} to the base URL plus {@code path}; the JSON answer of an HTTP 200. */
  private static Future<JsonObject> parseInline(io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> response) {
    try {
      return Future.succeededFuture(response.bodyAsJsonObject());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  Future<JsonObject> post(String path, JsonObject body) {
    var request = client.postAbs(baseUrl + path).timeout(timeoutMs);
    if (apiKey != null && !apiKey.isBlank()) {
      request.bearerTokenAuthentication(apiKey);
    }
    return request.sendJsonObject(body)
      .recover(err -> Future.failedFuture(new EndpointFailure("did not answer (" + err.getMessage() + ")")))
      .compose(response -> {
        if (response.statusCode() != 200) {
          return Future.failedFuture(new EndpointFailure("answered HTTP " + response.statusCode()));
        }
        Future<JsonObject> parsed = response.body() != null && response.body().length() > PARSE_INLINE_BYTES
          ? vertx.executeBlocking(response::bodyAsJsonObject, false)
          : parseInline(response);
        return parsed.recover(err -> Future.failedFuture(new EndpointFailure("answered with a body that is not JSON")));
      });
  }
}
