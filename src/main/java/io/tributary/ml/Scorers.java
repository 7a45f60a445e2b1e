package io.tributary.ml;

import io.tributary.lake.Lake;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Stored models, read once and kept: a bounded cache (least recently used out) of scorers by lake path, one for
 * batch scoring ({@link #shared}) and one for the predict threads ({@link #predicting}) of this process. Model files
 * never change (their names carry the run id), so an entry never goes stale. A model trained on another node is
 * fetched from the lake.
 */
final class Scorers {

  private static Scorers shared;
  private static Scorers predicting;

  /** A model ready to score, with the schema its rows are checked against. */
  record Loaded(FeatureSchema schema, Scorer scorer) {
  }

  private final Map<String, Loaded> cache;
  /** Loads under way, by lake path; guarded by {@link #cache}. */
  private final Map<String, CompletableFuture<Loaded>> loads = new HashMap<>();
  private final int threads;

  /** A cache whose models score with XGBoost's default threads (every core). */
  Scorers(int maxEntries) {
    this(maxEntries, 0);
  }

  /** @param threads XGBoost threads per call of a loaded model (0: the library's default, every core) */
  Scorers(int maxEntries, int threads) {
    this.threads = threads;
    this.cache = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Loaded> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /** The batch scoring cache of this process, made with {@code maxEntries} by its first caller; every core per call. */
  static synchronized Scorers shared(int maxEntries) {
    if (shared == null) {
      shared = new Scorers(maxEntries);
    }
    return shared;
  }

  /**
   * The predict threads' cache of this process, made with {@code maxEntries} by its first caller: one XGBoost thread
   * per call, since the predict threads score in parallel and a call of a few rows gains nothing from more. With
   * more, every call wakes the library's OpenMP workers, which spin on the cores after each call.
   */
  static synchronized Scorers predicting(int maxEntries) {
    if (predicting == null) {
      predicting = new Scorers(maxEntries, 1);
    }
    return predicting;
  }

  /** The model at lake path {@code relative}, fetching and loading it on first use. Blocking on a miss. */
  Loaded get(Lake lake, String relative, String kind, JsonObject schema) {
    synchronized (cache) {
      Loaded hit = cache.get(relative);
      if (hit != null) {
        return hit;
      }
    }
    FeatureSchema features = FeatureSchema.fromJson(schema);
    Loaded loaded = new Loaded(features, load(lake, relative, kind, features, threads));
    synchronized (cache) {
      Loaded raced = cache.putIfAbsent(relative, loaded);
      return raced == null ? loaded : raced;
    }
  }

  /** The model at lake path {@code relative} if it is loaded, else null. Never blocks on I/O. */
  Loaded cached(String relative) {
    synchronized (cache) {
      return cache.get(relative);
    }
  }

  /**
   * The model at lake path {@code relative}, loaded on {@code loader} when missing; callers asking while it loads share
   * that one load, so a stalled file holds one loader thread, not one per caller. A failed load is tried again by the
   * next caller. Never blocks on I/O.
   */
  CompletableFuture<Loaded> loading(Lake lake, String relative, String kind, JsonObject schema, Executor loader) {
    CompletableFuture<Loaded> load;
    synchronized (cache) {
      Loaded hit = cache.get(relative);
      if (hit != null) {
        return CompletableFuture.completedFuture(hit);
      }
      load = loads.get(relative);
      if (load != null) {
        return load;
      }
      load = new CompletableFuture<>();
      loads.put(relative, load);
    }
    CompletableFuture<Loaded> result = load;
    loader.execute(() -> {
      try {
        Loaded loaded = get(lake, relative, kind, schema);
        synchronized (cache) {
          loads.remove(relative);
        }
        result.complete(loaded);
      } catch (Throwable e) { // an Error too: the callers must hear of it
        synchronized (cache) {
          loads.remove(relative);
        }
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  static Scorer load(Lake lake, String relative, String kind, FeatureSchema schema, int threads) {
    try {
      byte[] bytes = Files.readAllBytes(lake.fetch(relative));
      return "xgboost".equals(kind) ? BoostedModel.load(bytes, schema, threads) : LinearBaseline.fromBytes(bytes);
    } catch (Exception e) {
      throw new IllegalStateException("model file " + relative + " could not be loaded: " + e.getMessage(), e);
    }
  }
}
