package io.tributary.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One live object per Vert.x instance and name (a flag store, a revocation list), shared by every verticle
 * instance that acquires it: started by the first, closed when the last releases it. Thread-safe.
 */
public final class ProcessLocal {

  /** Something started once and closed once. */
  public interface Resource {
    Future<Void> start();

    Future<Void> close();
  }

  private record Key(Vertx vertx, String name) {
  }

  private static final class Entry {
    final Resource resource;
    final Future<Void> started;
    int users;

    Entry(Resource resource) {
      this.resource = resource;
      this.started = resource.start();
    }
  }

  private static final Map<Key, Entry> ENTRIES = new HashMap<>();

  private ProcessLocal() {
  }

  /** The resource of this name, created and started on first use; completes once it has started. */
  @SuppressWarnings("unchecked")
  public static <T extends Resource> Future<T> acquire(Vertx vertx, String name, Supplier<T> factory) {
    Entry entry;
    synchronized (ENTRIES) {
      entry = ENTRIES.computeIfAbsent(new Key(vertx, name), k -> new Entry(factory.get()));
      entry.users++;
    }
    Entry acquired = entry;
    return entry.started.map(v -> (T) acquired.resource).onFailure(err -> release(vertx, name));
  }

  /** The started resource of this name (acquired by someone), or null. */
  @SuppressWarnings("unchecked")
  public static <T extends Resource> T current(Vertx vertx, String name) {
    synchronized (ENTRIES) {
      Entry entry = ENTRIES.get(new Key(vertx, name));
      return entry == null || !entry.started.succeeded() ? null : (T) entry.resource;
    }
  }

  /** Gives back one use; the last closes the resource. */
  public static Future<Void> release(Vertx vertx, String name) {
    Resource closing = null;
    synchronized (ENTRIES) {
      Key key = new Key(vertx, name);
      Entry entry = ENTRIES.get(key);
      if (entry != null && --entry.users <= 0) {
        ENTRIES.remove(key);
        closing = entry.resource;
      }
    }
    return closing == null ? Future.succeededFuture() : Objects.requireNonNull(closing).close();
  }
}
