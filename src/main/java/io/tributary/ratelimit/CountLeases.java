package io.tributary.ratelimit;

import io.tributary.redis.RedisLink;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The request counts of this node's rate limits, taken from Redis in leases: {@code INCRBY key n} reserves the counts
 * {@code total-n+1 .. total} for this node, which hands them out one per request, in order, on every event loop. So
 * the count a request gets is its exact position among the key's requests on one node (and the sum stays shared by
 * every node through Redis), while Redis is asked once per lease rather than once per request. A lease covers the
 * requests waiting for it plus a surplus that starts at 0, doubles while leases run out within
 * {@value #FAST_MS} ms (a busy user) up to {@value #MAX_SURPLUS}, and shrinks back when they do not; it is never more
 * than 1/16 of what is left of the limit, so near the limit every request is counted in Redis as it comes. Counts
 * of a lease that nobody used by the end of the hour are lost with the hour's key.
 */
final class CountLeases {

  static final long FAST_MS = 100;
  static final int MAX_SURPLUS = 256;
  private static final int MAX_KEYS = 50_000;
  private static final long KEY_TTL_SECONDS = 3660;
  private static final Map<Vertx, CountLeases> NODES = Collections.synchronizedMap(new WeakHashMap<>());

  private final Map<String, Lease> leases = new ConcurrentHashMap<>();
  private volatile long hour;

  private CountLeases() {
  }

  /** The leases of one node (one Vert.x instance), shared by all its event loops. */
  static CountLeases of(Vertx vertx) {
    return NODES.computeIfAbsent(vertx, v -> new CountLeases());
  }

  /**
   * The next count of {@code key} (a key of {@code hour}) on this node; takes a lease through {@code redis} when
   * this node has none left. Completes on the caller's context; fails when Redis cannot answer.
   */
  Future<Long> next(RedisLink redis, String key, long hour, long limit) {
    if (hour != this.hour) {
      this.hour = hour;
      leases.values().removeIf(l -> l.hour < hour);
    }
    if (leases.size() > MAX_KEYS) {
      leases.values().removeIf(Lease::idle);
    }
    Lease lease = leases.computeIfAbsent(key, k -> new Lease(hour));
    Waiter waiter;
    int n;
    synchronized (lease) {
      if (lease.next <= lease.end) {
        return Future.succeededFuture(lease.next++);
      }
      waiter = new Waiter(Vertx.currentContext(), Thread.currentThread(), Promise.promise());
      lease.waiters.add(waiter);
      if (lease.fetching) {
        return waiter.promise.future();
      }
      n = lease.startFetch(limit);
    }
    fetch(redis, key, lease, n, limit);
    return waiter.promise.future();
  }

  private void fetch(RedisLink redis, String key, Lease lease, int n, long limit) {
    redis.batch(List.of(Request.cmd(Command.INCRBY).arg(key).arg(n), Request.cmd(Command.EXPIRE).arg(key)
        .arg(KEY_TTL_SECONDS)))
      .onComplete(ar -> {
        List<Waiter> served = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        List<Waiter> failed = List.of();
        int again = 0;
        synchronized (lease) {
          lease.fetching = false;
          if (ar.succeeded()) {
            long total = ar.result().get(0).toLong();
            lease.granted(total, n);
            while (lease.next <= lease.end && !lease.waiters.isEmpty()) {
              served.add(lease.waiters.poll());
              counts.add(lease.next++);
            }
            if (!lease.waiters.isEmpty()) {
              again = lease.startFetch(limit);
            }
          } else {
            failed = new ArrayList<>(lease.waiters);
            lease.waiters.clear();
          }
        }
        if (again > 0) {
          fetch(redis, key, lease, again, limit);
        }
        for (int i = 0; i < served.size(); i++) {
          served.get(i).complete(counts.get(i), null);
        }
        for (Waiter w : failed) {
          w.complete(null, ar.cause());
        }
      });
  }

  /** A request waiting for a lease, answered on its own event loop. */
  private record Waiter(Context context, Thread thread, Promise<Long> promise) {

    void complete(Long count, Throwable failure) {
      if (context == null || thread == Thread.currentThread()) {
        settle(count, failure);
      } else {
        context.runOnContext(v -> settle(count, failure));
      }
    }

    private void settle(Long count, Throwable failure) {
      if (failure == null) {
        promise.complete(count);
      } else {
        promise.fail(failure);
      }
    }
  }

  /** One key's lease on this node; guarded by its own monitor. */
  private static final class Lease {

    final long hour;
    final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    long next = 1;
    long end;
    long total;
    int surplus;
    long grantedAt;
    boolean fetching;

    Lease(long hour) {
      this.hour = hour;
    }

    /** The size of the next lease: the waiting requests, plus the surplus while far from the limit. */
    int startFetch(long limit) {
      fetching = true;
      long now = System.nanoTime();
      if (grantedAt != 0 && now - grantedAt < TimeUnit.MILLISECONDS.toNanos(FAST_MS)) {
        surplus = Math.min(MAX_SURPLUS, Math.max(1, surplus * 2));
      } else {
        surplus /= 2;
      }
      long spare = Math.max(0, Math.min(surplus, (limit - total) / 16));
      return (int) Math.min(Integer.MAX_VALUE, waiters.size() + spare);
    }

    void granted(long newTotal, int n) {
      total = newTotal;
      next = newTotal - n + 1;
      end = newTotal;
      grantedAt = System.nanoTime();
    }

    synchronized boolean idle() {
      return !fetching && next > end;
    }
  }
}
