package io.tributary.db;

import io.vertx.core.Future;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Read-through cache of values that belong to one owner (a dataset's metadata, its profile, the tables a query
 * reads) or to several (a search reply), confined to one event loop. {@link ChangeFeed} drops an owner's entries
 * when PostgreSQL announces a change to what they own; while the feed is not listening, nothing is cached or served
 * from the cache. A value loaded while a change arrived is not kept (it may predate the change), and entries live
 * at most {@code maxAgeMs} in any case. A cache made {@link #synced} serves a hit only after the feed has applied
 * every change committed before the request ({@link ChangeFeed#sync}: one round trip shared by the requests of that
 * moment), so what it answers is never older than the request, e.g. a share revoked a millisecond earlier.
 *
 * @param <V> the cached value (immutable, e.g. an encoded reply)
 */
public final class OwnerCache<V> {

  private record Entry<V>(Set<UUID> owners, V value, long loadedAt) {
  }

  /**
   * A value and every owner whose change may change it (a search reply: its caller and the owners of what is
   * shared with them).
   */
  public record Owned<V>(V value, Set<UUID> owners) {
  }

  private final ChangeFeed feed;
  private final int maxEntries;
  private final long maxAgeMs;
  private final Map<String, Entry<V>> entries;
  private final Map<UUID, Set<String>> keysByOwner = new HashMap<>();
  private final boolean syncHits;

  public OwnerCache(ChangeFeed feed, int maxEntries, long maxAgeMs) {
    this(feed, maxEntries, maxAgeMs, false);
  }

  private OwnerCache(ChangeFeed feed, int maxEntries, long maxAgeMs, boolean syncHits) {
    this.feed = feed;
    this.maxEntries = maxEntries;
    this.maxAgeMs = maxAgeMs;
    this.syncHits = syncHits;
    this.entries = new LinkedHashMap<>(256, 0.75f, true);
    feed.register(this);
  }

  /** A cache whose hits wait for the feed to apply what was committed before them (see the class comment). */
  public static <V> OwnerCache<V> synced(ChangeFeed feed, int maxEntries, long maxAgeMs) {
    return new OwnerCache<>(feed, maxEntries, maxAgeMs, true);
  }

  /**
   * The value under {@code key} of {@code owner}, from the cache or from {@code load} (null values are not kept:
   * a missing dataset is asked again).
   */
  public Future<V> get(String key, UUID owner, Supplier<Future<V>> load) {
    Set<UUID> owners = Set.of(owner);
    return cached(key, owners, () -> load.get().map(value -> value == null ? null : new Owned<>(value, owners)));
  }

  /**
   * The value under {@code key}, from the cache or from {@code load}, kept until any of the owners it names
   * changes. The key alone decides a hit: it must name whoever may read the value.
   */
  public Future<V> getOwned(String key, Supplier<Future<Owned<V>>> load) {
    return cached(key, null, load);
  }

  /** A hit needs the same owners as {@code owners}, unless null. */
  private Future<V> cached(String key, Set<UUID> owners, Supplier<Future<Owned<V>>> load) {
    long now = System.currentTimeMillis();
    if (feed.listening()) {
      Entry<V> e = hit(key, owners, now);
      if (e != null && !syncHits) {
        return Future.succeededFuture(e.value());
      }
      if (e != null) {
        // whatever is still cached once the feed has caught up with this request is no older than the request
        return feed.sync().transform(synced -> {
          Entry<V> after = synced.succeeded() && feed.listening() ? hit(key, owners, now) : null;
          return after != null ? Future.succeededFuture(after.value()) : load(key, load, now);
        });
      }
    }
    return load(key, load, now);
  }

  private Entry<V> hit(String key, Set<UUID> owners, long now) {
    Entry<V> e = entries.get(key);
    return e != null && (owners == null || e.owners().equals(owners)) && now - e.loadedAt() < maxAgeMs ? e : null;
  }

  private Future<V> load(String key, Supplier<Future<Owned<V>>> load, long now) {
    long generation = feed.generation();
    return load.get().map(owned -> {
      if (owned == null) {
        return null;
      }
      if (feed.listening() && feed.generation() == generation) {
        put(key, owned, now);
      }
      return owned.value();
    });
  }

  private void put(String key, Owned<V> owned, long now) {
    Entry<V> old = entries.put(key, new Entry<>(Set.copyOf(owned.owners()), owned.value(), now));
    if (old != null) {
      old.owners().forEach(o -> forget(o, key));
    }
    owned.owners().forEach(o -> keysByOwner.computeIfAbsent(o, k -> new HashSet<>()).add(key));
    if (entries.size() > maxEntries) {
      var eldest = entries.entrySet().iterator().next();
      entries.remove(eldest.getKey());
      eldest.getValue().owners().forEach(o -> forget(o, eldest.getKey()));
    }
  }

  private void forget(UUID owner, String key) {
    Set<String> keys = keysByOwner.get(owner);
    if (keys != null && keys.remove(key) && keys.isEmpty()) {
      keysByOwner.remove(owner);
    }
  }

  /** Drops every entry of this owner. */
  void invalidate(UUID owner) {
    Set<String> keys = keysByOwner.remove(owner);
    if (keys != null) {
      keys.forEach(key -> {
        Entry<V> e = entries.remove(key);
        if (e != null) {
          e.owners().forEach(o -> forget(o, key));
        }
      });
    }
  }

  /** Drops everything (the feed lost its connection: changes may have been missed). */
  void clear() {
    entries.clear();
    keysByOwner.clear();
  }

  /** Entries held (for tests and metrics). */
  public int size() {
    return entries.size();
  }
}
