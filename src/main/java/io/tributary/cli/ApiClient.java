package io.tributary.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The REST API as the command line uses it: JSON in and out with the bearer token; an error reply becomes a
 * {@link CliError} with the server's message and code and the exit code for its status; a server that cannot be
 * reached becomes exit code 4.
 */
final class ApiClient {

  /** A reply: status, the {@code ETag} header (or null) and the body. */
  record Reply(int status, String etag, String body) {
    JsonObject json() {
      return body == null || body.isBlank() ? new JsonObject() : new JsonObject(body);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
    .version(HttpClient.Version.HTTP_1_1).build();
  private final String base;
  private final String token;

  ApiClient(String base, String token) {
    this.base = base;
    this.token = token;
  }

  String base() {
    return base;
  }

  JsonObject get(String path) {
    return send("GET", path, null, Map.of()).json();
  }

  JsonObject post(String path, JsonObject body) {
    return send("POST", path, body, Map.of()).json();
  }

  /** A JSON request with extra headers (such as {@code If-Match}); {@code body} may be null. */
  Reply send(String method, String path, JsonObject body, Map<String, String> headers) {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
      : HttpRequest.BodyPublishers.ofString(body.encode());
    HttpRequest.Builder request = request(path).method(method, publisher);
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach(request::header);
    return exchange(request.build());
  }

  /** A request with a raw body of a known length (an upload), with its content type. */
  Reply sendRaw(String method, String path, String contentType, Supplier<InputStream> body, long length) {
    HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.fromPublisher(
      HttpRequest.BodyPublishers.ofInputStream(body), length);
    return exchange(request(path).header("Content-Type", contentType).method(method, publisher).build());
  }

  /** A GET whose body is streamed to the caller (CSV results, backups); errors as in {@link #send}. */
  InputStream stream(String method, String path, JsonObject body, String accept) {
    HttpRequest.Builder request = request(path).header("Accept", accept);
    if (body != null) {
      request.header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<InputStream> response = call(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() >= 400) {
      try (InputStream in = response.body()) {
        throw error(response.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw error(response.statusCode(), "");
      }
    }
    return response.body();
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  private Reply exchange(HttpRequest request) {
    HttpResponse<String> response = call(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 400) {
      throw error(response.statusCode(), response.body());
    }
    return new Reply(response.statusCode(), response.headers().firstValue("ETag").orElse(null), response.body());
  }

  private <T> HttpResponse<T> call(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (ConnectException e) {
      throw new CliError(CliError.SERVER, "Cannot reach the server at " + base + " (connection refused); is it running? "
        + "Set TRIBUTARY_URL or run tributary login --url");
    } catch (HttpTimeoutException e) {
      throw new CliError(CliError.SERVER, "The server at " + base + " did not answer in time");
    } catch (IOException e) {
      throw new CliError(CliError.SERVER, "Cannot talk to the server at " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliError(CliError.SERVER, "Interrupted");
    }
  }

  /** The server's error envelope as a message: {@code message (CODE, HTTP status)}. */
  static CliError error(int status, String body) {
    String message = "HTTP " + status;
    int exit = CliError.forStatus(status);
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      if (error != null) {
        message = error.getString("message") + " (" + error.getString("code") + ", HTTP " + status + ")";
        // an append refused for its columns is refused whether the request or its job said so
        exit = "SCHEMA_MISMATCH".equals(error.getString("code")) ? CliError.REFUSED : exit;
        if (status == 401) {
          message += "; run tributary login";
        }
      }
    } catch (DecodeException | ClassCastException | NullPointerException notEnvelope) {
      // not our envelope (a proxy's page): the status says enough
    }
    return new CliError(exit, message);
  }
}
