package io.tributary.ml;

import io.tributary.lake.Lake;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stored models, read once and kept: a bounded cache (least recently used out) of scorers by lake path, shared by
 * the predict threads and batch scoring of this process ({@link #shared}). Model files never change (their names
 * carry the run id), so an entry never goes stale. A model trained on another node is fetched from the lake.
 */
final class Scorers {

  private static Scorers shared;

  /** A model ready to score, with the schema its rows are checked against. */
  record Loaded(FeatureSchema schema, Scorer scorer) {
  }

  private final Map<String, Loaded> cache;

  Scorers(int maxEntries) {
    this.cache = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Loaded> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /** The cache of this process, made with {@code maxEntries} by its first caller. */
  static synchronized Scorers shared(int maxEntries) {
    if (shared == null) {
      shared = new Scorers(maxEntries);
    }
    return shared;
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
    Loaded loaded = new Loaded(features, load(lake, relative, kind, features));
    synchronized (cache) {
      Loaded raced = cache.putIfAbsent(relative, loaded);
      return raced == null ? loaded : raced;
    }
  }

  static Scorer load(Lake lake, String relative, String kind, FeatureSchema schema) {
    try {
      byte[] bytes = Files.readAllBytes(lake.fetch(relative));
      return "xgboost".equals(kind) ? BoostedModel.load(bytes, schema) : LinearBaseline.fromBytes(bytes);
    } catch (Exception e) {
      throw new IllegalStateException("model file " + relative + " could not be loaded: " + e.getMessage(), e);
    }
  }
}
