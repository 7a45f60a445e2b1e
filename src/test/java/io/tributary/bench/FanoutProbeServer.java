package io.tributary.bench;

import io.tributary.fanout.FanoutContract;
import io.tributary.fanout.FanoutSettings;
import io.tributary.fanout.LiveBatch;
import io.tributary.fanout.LiveRecord;
import io.tributary.fanout.StreamSockets;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Tributary's live fan-out alone, as its own JVM, for {@link FanoutProbe}: one {@link StreamSockets} per verticle
 * instance (one per core, like HttpServerVerticle), fed {@link LiveBatch}es on the event bus the way
 * FanoutVerticle's relay publishes a Kafka poll, but from a timer instead of Kafka (no broker, no auth, no
 * PostgreSQL: what is measured is the fan-out). {@code GET /start?rate=r&n=n} publishes records seq 0..n-1 at r a
 * second, a batch every 10 ms (a poll's worth); {@code GET /stop} stops. With {@code -Dprobe.routed=true} the
 * sockets are upgraded from a Vert.x Web route, as the server's are. Arguments: port instances padding.
 */
public final class FanoutProbeServer extends VerticleBase {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static Context firstInstance;
  private final int port;

  private FanoutProbeServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int instances = Integer.parseInt(args[1]);
    String padding = "x".repeat(Integer.parseInt(args[2]));
    // -Dprobe.tributary=true: with Tributary's Vert.x metrics (the registry its fan-out meters then record to)
    Vertx vertx = Boolean.getBoolean("probe.tributary")
      ? io.tributary.Tributary.vertxBuilder(new io.vertx.core.VertxOptions()).build() : Vertx.vertx();
    LiveBatch.registerCodec(vertx.eventBus());
    vertx.deployVerticle(() -> new FanoutProbeServer(port), new DeploymentOptions().setInstances(instances))
      .toCompletionStage().toCompletableFuture().get();
    Context feeder = feeder(vertx, System.getProperty("probe.feeder", "loop"));
    long[] timer = {-1};
    vertx.createHttpServer().requestHandler(req -> {
      vertx.cancelTimer(timer[0]);
      if ("/start".equals(req.path())) {
        int rate = Integer.parseInt(req.getParam("rate"));
        long n = Long.parseLong(req.getParam("n"));
        feeder.runOnContext(v -> timer[0] = feed(vertx, rate, n));
      }
      req.response().end("ok");
    }).listen(port + 1).toCompletionStage().toCompletableFuture().get();
    System.out.println("LISTENING " + port);
    System.out.flush();
  }

  /**
   * Publishes records seq 0..n-1 at {@code rate} a second, a batch every 10 ms; each is stamped with the time it was
   * due (as a producer stamps its send), so a feeder that runs late counts in the latency. Returns the timer.
   */
  private static long feed(Vertx vertx, int rate, long n) {
    long t0 = System.nanoTime();
    long t0Micros = StreamLoadClient.micros();
    long[] seq = {0};
    return vertx.setPeriodic(10, id -> {
      long due = Math.min(n, (System.nanoTime() - t0) * rate / 1_000_000_000L + 1);
      List<LiveRecord> records = new ArrayList<>();
      StringBuilder b = new StringBuilder();
      for (; seq[0] < due; seq[0]++) {
        String value = BenchRecords.record(seq[0], t0Micros + seq[0] * 1_000_000L / rate, b);
        LiveRecord r = LiveRecord.update(value.getBytes(StandardCharsets.UTF_8), null, System.currentTimeMillis());
        r.valid(); // as the relay does, off the sockets' event loops
        records.add(r);
      }
      if (!records.isEmpty()) {
        vertx.eventBus().publish(FanoutContract.streamAddress("probe"), new LiveBatch(List.copyOf(records)), LOCAL);
      }
      if (seq[0] >= n) {
        vertx.cancelTimer(id);
      }
    });
  }

  /**
   * Where the records come from, as the relay's context in the server: {@code loop} an event loop of its own,
   * {@code shared} the event loop of the first socket instance, {@code worker} a worker context.
   */
  private static Context feeder(Vertx vertx, String where) throws Exception {
    return switch (where) {
      case "shared" -> firstInstance;
      case "worker" -> {
        Context[] ctx = new Context[1];
        vertx.deployVerticle(new VerticleBase() {
          @Override
          public Future<?> start() {
            ctx[0] = context;
            return Future.succeededFuture();
          }
        }, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).toCompletionStage().toCompletableFuture()
          .get();
        yield ctx[0];
      }
      default -> vertx.getOrCreateContext();
    };
  }

  @Override
  public Future<?> start() {
    synchronized (FanoutProbeServer.class) {
      if (firstInstance == null) {
        firstInstance = context;
      }
    }
    StreamSockets sockets = new StreamSockets(vertx, FanoutSettings.from(new JsonObject()));
    if (Boolean.getBoolean("probe.routed")) {
      // as the server accepts them: upgraded from a Vert.x Web route, so each socket comes wrapped by Vert.x Web
      io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(vertx);
      router.route().handler(ctx -> ctx.request().toWebSocket().onSuccess(ws -> sockets.add("probe", "probe", ws)));
      return vertx.createHttpServer(new HttpServerOptions()).requestHandler(router).listen(port);
    }
    return vertx.createHttpServer(new HttpServerOptions()).webSocketHandler(ws -> sockets.add("probe", "probe", ws))
      .listen(port);
  }
}
