package io.tributary.ml;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands the predict requests of one event loop to the predict workers ({@link MlContract#PREDICT}): at most
 * {@code maxInFlight} messages at a time, each carrying every request that arrived meanwhile (up to
 * {@value #MAX_REQUESTS} requests or {@value #MAX_ROWS} rows). An idle server sends each request at once; a busy one
 * pays one hand-off to a worker and back per batch instead of per request. Each request keeps its own outcome.
 * Not thread-safe: one instance per event loop.
 */
final class PredictBatches {

  static final int MAX_REQUESTS = 64;
  static final int MAX_ROWS = 2_000;

  private final Vertx vertx;
  private final DeliveryOptions delivery;
  private final int maxInFlight;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;

  private record Pending(MlContract.PredictRequest request, Promise<JsonArray> promise) {
  }

  /** @param maxInFlight batches on their way at once (the predict workers of this process) */
  PredictBatches(Vertx vertx, long timeoutMs, int maxInFlight) {
    this.vertx = vertx;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
    this.maxInFlight = Math.max(1, maxInFlight);
    MlContract.registerCodecs(vertx.eventBus());
  }

  /** The predictions of {@code request}'s rows, in order; fails as {@link MlContract#PREDICT} says. */
  Future<JsonArray> predict(MlContract.PredictRequest request) {
    Promise<JsonArray> promise = Promise.promise();
    queue.add(new Pending(request, promise));
    if (inFlight < maxInFlight) {
      send();
    }
    return promise.future();
  }

  private void send() {
    List<Pending> batch = new ArrayList<>();
    int rows = 0;
    while (!queue.isEmpty() && batch.size() < MAX_REQUESTS
      && (batch.isEmpty() || rows + queue.peek().request().rows().size() <= MAX_ROWS)) {
      Pending next = queue.poll();
      rows += next.request().rows().size();
      batch.add(next);
    }
    List<MlContract.PredictRequest> requests = new ArrayList<>(batch.size());
    batch.forEach(p -> requests.add(p.request()));
    inFlight++;
    vertx.eventBus().<MlContract.Outcomes>request(MlContract.PREDICT, new MlContract.PredictBatch(requests), delivery)
      .onComplete(ar -> {
        inFlight--;
        for (int i = 0; i < batch.size(); i++) {
          Promise<JsonArray> promise = batch.get(i).promise();
          if (ar.failed()) {
            promise.fail(ar.cause());
          } else {
            MlContract.Outcome outcome = ar.result().body().outcomes().get(i);
            if (outcome.failure() != null) {
              promise.fail(outcome.failure());
            } else {
              promise.complete(outcome.rows());
            }
          }
        }
        if (!queue.isEmpty() && inFlight < maxInFlight) {
          send();
        }
      });
  }
}
