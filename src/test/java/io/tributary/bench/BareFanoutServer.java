package io.tributary.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The fan-out ceiling of {@link StreamBench}, run as its own JVM: a minimal Vert.x WebSocket server (no auth, no
 * Kafka, no filters), one verticle instance per core like Tributary's HttpServerVerticle, that pushes
 * update messages of the benchmark's size to its subscribed sockets as fast as it can once {@code GET /start} is
 * called (until {@code GET /stop}): each round builds one message (fresh {@code sent} time and {@code seq}) and
 * writes it to every socket whose write queue is not full; when none was writable it waits for a drain. With
 * {@code GET /start?rate=n} it writes one round n times a second instead.
 * Arguments: port instances padding.
 */
public final class BareFanoutServer extends VerticleBase {

  private final int port;
  private final String padding;
  private final List<ServerWebSocket> sockets = new ArrayList<>();
  private static volatile boolean running;
  private static boolean compression;
  private long seq;
  private boolean waiting;
  private long timer = -1;

  private BareFanoutServer(int port, String padding) {
    this.port = port;
    this.padding = padding;
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int instances = Integer.parseInt(args[1]);
    String padding = "x".repeat(Integer.parseInt(args[2]));
    // -Dbare.tributary=true: with Tributary's Vert.x metrics and HTTP compression (to see what they cost)
    boolean likeTributary = Boolean.getBoolean("bare.tributary");
    Vertx vertx = likeTributary ? io.tributary.Tributary.vertxBuilder(new io.vertx.core.VertxOptions()).build()
      : Vertx.vertx();
    compression = likeTributary;
    vertx.deployVerticle(() -> new BareFanoutServer(port, padding), new DeploymentOptions().setInstances(instances))
      .toCompletionStage().toCompletableFuture().get();
    System.out.println("LISTENING " + port);
    System.out.flush();
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setCompressionSupported(compression))
      .webSocketHandler(this::accept).requestHandler(req -> {
      running = "/start".equals(req.path());
      String rate = req.getParam("rate", "0");
      req.response().end("ok");
      // every instance must notice: the request reached only one of them
      vertx.eventBus().publish("bare.pump", Integer.parseInt(rate));
    }).listen(port).compose(s -> {
      vertx.eventBus().<Integer>consumer("bare.pump", msg -> {
        vertx.cancelTimer(timer);
        timer = -1;
        if (msg.body() > 0 && running) {
          timer = vertx.setPeriodic(1000 / msg.body(), id -> round());
        } else {
          pump();
        }
      });
      return Future.succeededFuture();
    });
  }

  private void accept(ServerWebSocket ws) {
    ws.textMessageHandler(text -> {
      if (text.contains("\"subscribe\"")) {
        sockets.add(ws);
        ws.drainHandler(v -> wake());
        ws.writeTextMessage("{\"type\":\"subscribed\",\"data\":{},\"timestamp\":\"" + Instant.now() + "\"}");
      }
    });
    ws.closeHandler(v -> sockets.remove(ws));
  }

  private void wake() {
    if (waiting && timer == -1) {
      waiting = false;
      pump();
    }
  }

  private void pump() {
    if (!running || sockets.isEmpty()) {
      return;
    }
    if (round() == 0) {
      waiting = true;
    } else {
      Context ctx = context;
      ctx.runOnContext(v -> pump());
    }
  }

  /** Writes one message to every socket that can take it; returns how many could. */
  private int round() {
    String message = "{\"type\":\"update\",\"data\":{\"seq\":" + seq++ + ",\"sent\":" + StreamLoadClient.micros()
      + ",\"sensor\":\"s-042\",\"value\":12.345,\"pad\":\"" + padding + "\"},\"timestamp\":\"" + Instant.now() + "\"}";
    int written = 0;
    for (ServerWebSocket ws : sockets) {
      if (!ws.writeQueueFull()) {
        ws.writeTextMessage(message);
        written++;
      }
    }
    return written;
  }
}
