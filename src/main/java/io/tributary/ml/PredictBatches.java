package io.tributary.ml;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.lake.Lake;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * only sends the bytes. A model not loaded yet is loaded on the loader threads ({@value #LOADER_PREFIX}N), so a
 * stalled model file holds no predict thread and delays no other model. Each request keeps its own outcome, is
 * answered 504 when not within {@code ml.predict_timeout_ms} of its arrival, and is refused at once with 503 and
 * {@code Retry-After} while {@code ml.predict_max_waiting} requests of the process for its model wait. Not
 * thread-safe: one instance per event loop, used on it.
 */
final class PredictBatches {

  static final int MAX_REQUESTS = 64;
  static final int MAX_ROWS = 2_000;
  static final String THREAD_PREFIX = "tributary-predict-";
  static final String LOADER_PREFIX = "tributary-model-load-";
  /** What a refused request is told to wait before it tries again. */
  static final int RETRY_AFTER_SECONDS = 1;

  private static final Logger LOG = LoggerFactory.getLogger(PredictBatches.class);
  private static ExecutorService threads;
  private static ExecutorService loaderThreads;
  /** Requests of this process admitted and not answered yet, by model file. */
  private static final Map<String, Integer> WAITING = new ConcurrentHashMap<>();

  private final Vertx vertx;
  private final ExecutorService workers;
  private final ExecutorService loaders;
  private final Scorers scorers;
  private final Lake lake;
  private final long timeoutMs;
  private final int maxInFlight;
  private final int maxWaiting;
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

  /** An admitted request, answered once: by its outcome or by its deadline. Used on the event loop. */
  private static final class Pending {
    final Request request;
    final Promise<Buffer> promise = Promise.promise();
    Scorers.Loaded model; // set before the request is queued, read by the predict thread
    long timer;
    boolean answered;

    Pending(Request request) {
      this.request = request;
    }
  }

  /** What became of one request: its reply body, or its failure. */
  private record Outcome(Buffer body, ApiException failure) {
  }

  /**
   * @param threadCount predict threads of this process, and its model loader threads (made by the first caller); also
   *                    the batches of this event loop on their way at once
   * @param maxWaiting  requests of the process for one model admitted and not answered yet, past which more are refused
   */
  PredictBatches(Vertx vertx, Scorers scorers, Lake lake, long timeoutMs, int threadCount, int maxWaiting) {
    this.vertx = vertx;
    this.workers = threads(Math.max(1, threadCount));
    this.loaders = loaderThreads();
    this.scorers = scorers;
    this.lake = lake;
    this.timeoutMs = Math.max(1, timeoutMs);
    this.maxInFlight = Math.max(1, threadCount);
    this.maxWaiting = Math.max(1, maxWaiting);
  }

  /** The predict threads of this process, made with {@code count} threads by the first caller; daemons. */
  private static synchronized ExecutorService threads(int count) {
    if (threads == null) {
      threads = daemons(THREAD_PREFIX, count);
      loaderThreads = daemons(LOADER_PREFIX, count);
    }
    return threads;
  }

  private static synchronized ExecutorService loaderThreads() {
    return loaderThreads;
  }

  private static ExecutorService daemons(String prefix, int count) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(count, r -> {
      Thread t = new Thread(r, prefix + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * The reply body of {@code request} ({@code {model_id, version, prediction, ...}} or {@code {model_id, version,
   * predictions:[...]}}); fails with 400 naming a missing or mistyped feature, 503 when too many requests for the
   * model wait already, 504 past the timeout.
   */
  Future<Buffer> predict(Request request) {
    if (!admit(request.path())) {
      return Future.failedFuture(new ApiException(ErrorCode.SERVICE_UNAVAILABLE, maxWaiting
        + " predictions with this model are waiting already; retry in " + RETRY_AFTER_SECONDS + " s",
        new JsonObject().put("retry_after_seconds", RETRY_AFTER_SECONDS)));
    }
    Pending pending = new Pending(request);
    pending.timer = vertx.setTimer(timeoutMs, id -> answer(pending, null, new ApiException(ErrorCode.TIMEOUT,
      "The prediction was not ready within " + timeoutMs + " ms")));
    Scorers.Loaded model = scorers.cached(request.path());
    if (model != null) {
      enqueue(pending, model);
    } else {
      Context context = vertx.getOrCreateContext();
      scorers.loading(lake, request.path(), request.kind(), request.schema(), loaders)
        .whenComplete((loaded, failure) -> context.runOnContext(v -> {
          if (failure == null) {
            enqueue(pending, loaded);
          } else {
            answer(pending, null, loadFailure(request.path(), failure));
          }
        }));
    }
    return pending.promise.future();
  }

  private boolean admit(String path) {
    boolean[] admitted = new boolean[1];
    WAITING.compute(path, (key, count) -> {
      int n = count == null ? 0 : count;
      if (n >= maxWaiting) {
        return count;
      }
      admitted[0] = true;
      return n + 1;
    });
    return admitted[0];
  }

  private static ApiException loadFailure(String path, Throwable failure) {
    if (failure instanceof ApiException e) {
      return e;
    }
    LOG.error("Model {} could not be loaded", path, failure);
    return new ApiException(ErrorCode.INTERNAL_ERROR, "prediction failed");
  }

  private void enqueue(Pending pending, Scorers.Loaded model) {
    if (pending.answered) {
      return;
    }
    pending.model = model;
    queue.add(pending);
    if (inFlight < maxInFlight) {
      send();
    }
  }

  private void send() {
    List<Pending> batch = new ArrayList<>();
    int rows = 0;
    while (!queue.isEmpty() && batch.size() < MAX_REQUESTS) {
      Pending next = queue.peek();
      int size = next.request.rows().size();
      if (!next.answered && !batch.isEmpty() && rows + size > MAX_ROWS) {
        break;
      }
      queue.poll();
      if (!next.answered) { // else timed out while queued
        rows += size;
        batch.add(next);
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    inFlight++;
    Context context = vertx.getOrCreateContext(); // this event loop's: the batch is settled where it was sent
    workers.execute(() -> {
      List<Outcome> outcomes = null;
      try {
        outcomes = score(batch);
      } catch (Throwable e) {
        LOG.error("Scoring a batch of {} requests failed", batch.size(), e);
      }
      List<Outcome> scored = outcomes;
      context.runOnContext(v -> settle(batch, scored));
    });
  }

  /** Answers the batch's requests not answered yet with their outcomes (500 when {@code outcomes} is null). */
  private void settle(List<Pending> batch, List<Outcome> outcomes) {
    inFlight--;
    for (int i = 0; i < batch.size(); i++) {
      Outcome outcome = outcomes == null ? null : outcomes.get(i);
      if (outcome == null) {
        answer(batch.get(i), null, new ApiException(ErrorCode.INTERNAL_ERROR, "prediction failed"));
      } else {
        answer(batch.get(i), outcome.body(), outcome.failure());
      }
    }
    if (!queue.isEmpty() && inFlight < maxInFlight) {
      send();
    }
  }

  /** Answers {@code pending} once, with {@code body} or {@code failure}, and frees its place among the waiting. */
  private void answer(Pending pending, Buffer body, ApiException failure) {
    if (pending.answered) {
      return;
    }
    pending.answered = true;
    vertx.cancelTimer(pending.timer);
    WAITING.computeIfPresent(pending.request.path(), (key, count) -> count <= 1 ? null : count - 1);
    if (failure == null) {
      pending.promise.complete(body);
    } else {
      pending.promise.fail(failure);
    }
  }

  /**
   * On a predict thread: each request's reply body, or its failure. The rows of the requests that use one model are
   * scored in one call, since a call of the library costs far more than a row; a request with a bad feature fails
   * alone. Every model is loaded already.
   */
  private List<Outcome> score(List<Pending> batch) {
    Outcome[] outcomes = new Outcome[batch.size()];
    Map<String, List<Integer>> byModel = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      byModel.computeIfAbsent(batch.get(i).request.path(), path -> new ArrayList<>()).add(i);
    }
    for (List<Integer> group : byModel.values()) {
      Pending first = batch.get(group.get(0));
      try {
        score(first.model, batch, group, outcomes);
      } catch (ApiException e) {
        settleRest(group, outcomes, new Outcome(null, e));
      } catch (RuntimeException e) {
        LOG.error("Prediction with {} failed", first.request.path(), e);
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
      total += batch.get(i).request.rows().size();
    }
    float[] x = new float[total * schema.width()];
    int[] from = new int[group.size()];
    int rows = 0;
    for (int g = 0; g < group.size(); g++) {
      Request request = batch.get(group.get(g)).request;
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
        outcomes[group.get(g)] = new Outcome(PredictionJson.write(schema, batch.get(group.get(g)).request, out,
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
