package io.tributary.web;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A WebDriver BiDi connection (https://w3c.github.io/webdriver-bidi/): JSON commands over one WebSocket, each
 * answered by its id, and events handed to a listener.
 */
final class BiDi implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final Consumer<JsonObject> events;
  private final WebSocket socket;

  private BiDi(URI uri, Consumer<JsonObject> events) throws Exception {
    this.events = events;
    socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
      .buildAsync(uri, new Reader()).get(30, TimeUnit.SECONDS);
  }

  /** Connects to a browser's BiDi endpoint ({@code ws://host:port/session}); events go to the listener. */
  static BiDi connect(URI uri, Consumer<JsonObject> events) throws Exception {
    return new BiDi(uri, events);
  }

  /** Sends a command and answers its result; an error reply throws with the browser's error and message. */
  JsonObject send(String method, JsonObject params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> reply = new CompletableFuture<>();
    pending.put(id, reply);
    String text = new JsonObject().put("id", id).put("method", method).put("params", params).encode();
    try {
      synchronized (socket) {
        socket.sendText(text, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
      return reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Failure f ? new Failure(f.getMessage()) : new IllegalStateException(method, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(method + " had no reply in " + TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(method, e);
    } finally {
      pending.remove(id);
    }
  }

  @Override
  public void close() {
    socket.abort();
    pending.values().forEach(f -> f.completeExceptionally(new Failure("connection closed")));
  }

  /** An error reply: the browser's error code and message. */
  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message);
    }
  }

  private final class Reader implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonObject message = new JsonObject(partial.toString());
        partial.setLength(0);
        dispatch(message);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      pending.values().forEach(f -> f.completeExceptionally(error));
    }

    private void dispatch(JsonObject message) {
      Integer id = message.getInteger("id");
      CompletableFuture<JsonObject> reply = id == null ? null : pending.get(id);
      if (reply != null && "error".equals(message.getString("type"))) {
        reply.completeExceptionally(new Failure(message.getString("error") + ": " + message.getString("message")));
      } else if (reply != null) {
        reply.complete(message.getJsonObject("result", new JsonObject()));
      } else if ("event".equals(message.getString("type"))) {
        events.accept(message);
      }
    }
  }
}
