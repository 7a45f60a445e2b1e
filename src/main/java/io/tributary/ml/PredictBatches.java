package io.tributary.ml;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.lake.Lake;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scores the predict requests of one event loop on the predict threads of this process ({@value #THREAD_PREFIX}N,
 * {@code ml.predict_instances} of them, shared by every HTTP instance), never on the event loop: at most
 * {@code maxInFlight} batches at a time, each carrying every request that arrived meanwhile (up to
 * {@value #MAX_REQUESTS} requests or {@value #MAX_ROWS} rows). An idle server hands each request over at once; a busy
 * one pays one hand-off to a predict thread and back, and one call of the library per model, per batch instead of per
 * request. The hand-off is a plain queue and a task back on the event loop (no event-bus message, reply address or
 * per-message metrics), and the thread writes each reply's JSON itself ({@link PredictionJson}), so the event loop
 * only sends the bytes. Each request keeps its own outcome; a batch not scored within {@code ml.predict_timeout_ms}
 * fails with 504. Not thread-safe: one instance per event loop, used on it.
 */
final class PredictBatches {

  static final int MAX_REQUESTS = 64;
  static final int MAX_ROWS = 2_000;
  static final String THREAD_PREFIX = "tributary-predict-";

  private static final Logger LOG = LoggerFactory.getLogger(PredictBatches.class);
  private static ExecutorService threads;

  private final Vertx vertx;
  private final ExecutorService workers;
  private final Scorers scorers;
  private final Lake lake;
  private final long timeoutMs;
  private final int maxInFlight;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;

  /**
   * Rows to score ({@code [{feature: value}]}, or one row when {@code single}) with the model file at lake path
   * {@code path}, of {@code kind}, whose feature schema is {@code schema}; the reply names {@code modelId} and
   * {@code version}. Read-only once handed over.
   */
  record Request(String path, String kind, io.vertx.core.json.JsonObject schema, io.vertx.core.json.JsonArray rows,
                 boolean single, String modelId, int version) {
  }

  private record Pending(Request request, Promise<Buffer> promise) {
  }

  /** What became of one request: its reply body, or its failure. */
  private record Outcome(Buffer body, ApiException failure) {
  }

  /**
   * @param threadCount predict threads of this process (made by the first caller); also the batches of this event
   *                    loop on their way at once
   */
  PredictBatches(Vertx vertx, Scorers scorers, Lake lake, long timeoutMs, int threadCount) {
    this.vertx = vertx;
    this.workers = threads(Math.max(1, threadCount));
    this.scorers = scorers;
    this.lake = lake;
    this.timeoutMs = timeoutMs;
    this.maxInFlight = Math.max(1, threadCount);
  }

  /** The predict threads of this process, made with {@code count} threads by the first caller; daemons. */
  private static synchronized ExecutorService threads(int count) {
    if (threads == null) {
      AtomicInteger n = new AtomicInteger();
      threads = Executors.newFixedThreadPool(count, r -> {
        Thread t = new Thread(r, THREAD_PREFIX + n.getAndIncrement());
        t.setDaemon(true);
        return t;
      });
    }
    return threads;
  }

  /**
   * The reply body of {@code request} ({@code {model_id, version, prediction, ...}} or {@code {model_id, version,
   * predictions:[...]}}); fails with 400 naming a missing or mistyped feature, 504 past the timeout.
   */
  Future<Buffer> predict(Request request) {
    Promise<Buffer> promise = Promise.promise();
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
    inFlight++;
    Context context = vertx.getOrCreateContext(); // this event loop's: the batch is settled where it was sent
    boolean[] settled = new boolean[1];
    long timer = vertx.setTimer(Math.max(1, timeoutMs), id -> settle(batch, null, settled));
    workers.execute(() -> {
      List<Outcome> outcomes = score(batch);
      context.runOnContext(v -> {
        vertx.cancelTimer(timer);
        settle(batch, outcomes, settled);
      });
    });
  }

  /** Completes the batch's requests once: with their outcomes, or with 504 when {@code outcomes} is null. */
  private void settle(List<Pending> batch, List<Outcome> outcomes, boolean[] settled) {
    if (settled[0]) {
      return;
    }
    settled[0] = true;
    inFlight--;
    for (int i = 0; i < batch.size(); i++) {
      Promise<Buffer> promise = batch.get(i).promise();
      Outcome outcome = outcomes == null ? null : outcomes.get(i);
      if (outcome == null) {
        promise.fail(new ApiException(ErrorCode.TIMEOUT, "The operation timed out"));
      } else if (outcome.failure() != null) {
        promise.fail(outcome.failure());
      } else {
        promise.complete(outcome.body());
      }
    }
    if (!queue.isEmpty() && inFlight < maxInFlight) {
      send();
    }
  }

  /**
   * On a predict thread: each request's reply body, or its failure. The rows of the requests that use one model are
   * scored in one call, since a call of the library costs far more than a row; a request with a bad feature fails
   * alone. Blocking when a model is not loaded yet.
   */
  private List<Outcome> score(List<Pending> batch) {
    Outcome[] outcomes = new Outcome[batch.size()];
    Map<String, List<Integer>> byModel = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      byModel.computeIfAbsent(batch.get(i).request().path(), path -> new ArrayList<>()).add(i);
    }
    for (List<Integer> group : byModel.values()) {
      Request first = batch.get(group.get(0)).request();
      try {
        score(scorers.get(lake, first.path(), first.kind(), first.schema()), batch, group, outcomes);
      } catch (ApiException e) {
        settleRest(group, outcomes, new Outcome(null, e));
      } catch (RuntimeException e) {
        LOG.error("Prediction with {} failed", first.path(), e);
        settleRest(group, outcomes, new Outcome(null, new ApiException(ErrorCode.INTERNAL_ERROR, "prediction failed")));
      }
    }
    return Arrays.asList(outcomes);
  }

  /** Scores the requests {@code group} of the batch, which use {@code model}, in one call. */
  private static void score(Scorers.Loaded model, List<Pending> batch, List<Integer> group, Outcome[] outcomes) {
    FeatureSchema schema = model.schema();
    int total = 0;
    for (int i : group) {
      total += batch.get(i).request().rows().size();
    }
    float[] x = new float[total * schema.width()];
    int[] from = new int[group.size()];
    int rows = 0;
    for (int g = 0; g < group.size(); g++) {
      Request request = batch.get(group.get(g)).request();
      try {
        PredictionJson.encode(schema, request, x, rows); // a failed request's rows are overwritten by the next one's
        from[g] = rows;
        rows += request.rows().size();
      } catch (ApiException e) {
        from[g] = -1;
        outcomes[group.get(g)] = new Outcome(null, e);
      }
    }
    if (rows == 0) {
      return;
    }
    float[][] out = model.scorer().predict(rows == total ? x : Arrays.copyOf(x, rows * schema.width()), rows,
      schema.width());
    for (int g = 0; g < group.size(); g++) {
      if (from[g] >= 0) {
        outcomes[group.get(g)] = new Outcome(PredictionJson.write(schema, batch.get(group.get(g)).request(), out,
          from[g]), null);
      }
    }
  }

  private static void settleRest(List<Integer> group, Outcome[] outcomes, Outcome outcome) {
    for (int i : group) {
      if (outcomes[i] == null) {
        outcomes[i] = outcome;
      }
    }
  }
}
