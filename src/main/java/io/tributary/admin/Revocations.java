package io.tributary.admin;

import io.tributary.db.ProcessLocal;
import io.tributary.http.TokenRevocations;
import io.tributary.redis.RedisLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The deny-list of tokens. Kept in Redis ({@code tributary:revoked:t:<jti>} until the token would have expired;
 * {@code tributary:revoked:u:<user id>} = the moment before which all of a user's tokens are revoked, for one token
 * lifetime) and in memory on every process: a revocation is announced with PostgreSQL {@code NOTIFY} on
 * {@code tributary_revocations}, and the whole list is read from Redis again whenever the listener (re)connects, so
 * the check on each request and socket costs two map lookups. One per process ({@link ProcessLocal}).
 */
public final class Revocations implements ProcessLocal.Resource, TokenRevocations {

  public static final String NAME = "tributary.revocations";
  static final String CHANNEL = "tributary_revocations";
  static final String PREFIX = "tributary:revoked:";
  private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);

  private final Vertx vertx;
  private final Pool pool;
  private final RedisLink redis;
  private final PgSubscriber subscriber;
  private final long tokenTtlSeconds;
  /** jti to its expiry (epoch seconds). */
  private final Map<String, Long> tokens = new ConcurrentHashMap<>();
  /** user id to the moment (epoch ms) before which their tokens are revoked. */
  private final Map<String, Long> users = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private long purgeTimer = -1;
  /** Set by {@link #close}: a failed read is then not tried again (it would retry every second for good). */
  private volatile boolean closed;

  public Revocations(Vertx vertx, Pool pool, String pgUrl, String redisUrl, long tokenTtlSeconds) {
    this.vertx = vertx;
    this.pool = pool;
    this.redis = new RedisLink(vertx, redisUrl);
    this.tokenTtlSeconds = tokenTtlSeconds;
    this.subscriber = PgSubscriber.subscriber(vertx, PgConnectOptions.fromUri(pgUrl)).reconnectPolicy(a -> 1_000L);
    subscriber.channel(CHANNEL).subscribeHandler(v -> load()).handler(this::announced);
  }

  public static Future<Revocations> acquire(Vertx vertx, Pool pool, String pgUrl, String redisUrl, long ttlSeconds) {
    return ProcessLocal.acquire(vertx, NAME, () -> new Revocations(vertx, pool, pgUrl, redisUrl, ttlSeconds));
  }

  public static Future<Void> release(Vertx vertx) {
    return ProcessLocal.release(vertx, NAME);
  }

  /** This process's list, or null before it has started. */
  public static Revocations current(Vertx vertx) {
    return ProcessLocal.current(vertx, NAME);
  }

  @Override
  public Future<Void> start() {
    purgeTimer = vertx.setPeriodic(60_000, id -> purge());
    return redis.start()
      .compose(v -> subscriber.connect().recover(err -> {
        LOG.warn("Revocation feed not connected ({}); retrying every second", err.getMessage());
        return Future.succeededFuture();
      }))
      .compose(v -> load());
  }

  @Override
  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(purgeTimer);
    return Future.join(subscriber.close(), redis.close()).mapEmpty();
  }

  @Override
  public boolean revoked(String jti, String userId, long issuedAtMs) {
    if (jti != null && !tokens.isEmpty() && tokens.containsKey(jti)) {
      return true;
    }
    if (users.isEmpty()) {
      return false;
    }
    Long before = users.get(userId);
    return before != null && issuedAtMs <= before;
  }

  @Override
  public void onRevocation(Runnable listener) {
    listeners.add(listener);
  }

  /** Revokes one token ({@code exp}: its expiry, epoch seconds) on every process. */
  public Future<Void> revokeToken(String jti, long exp) {
    long ttl = Math.max(1, exp - System.currentTimeMillis() / 1000);
    return redis.send(Request.cmd(Command.SET).arg(PREFIX + "t:" + jti).arg(exp).arg("EX").arg(ttl))
      .compose(r -> announce("t:" + jti + ":" + exp));
  }

  /** Revokes every token of the user issued until now, on every process. */
  public Future<Void> revokeUser(String userId) {
    long now = System.currentTimeMillis();
    return redis.send(Request.cmd(Command.SET).arg(PREFIX + "u:" + userId).arg(now).arg("EX").arg(tokenTtlSeconds))
      .compose(r -> announce("u:" + userId + ":" + now));
  }

  private Future<Void> announce(String payload) {
    apply(payload);
    listeners.forEach(Runnable::run);
    return pool.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(CHANNEL, payload)).mapEmpty();
  }

  private void announced(String payload) {
    apply(payload);
    listeners.forEach(Runnable::run);
  }

  /** Applies one entry: {@code t:<jti>:<exp>} or {@code u:<user>:<ms>} (a user's moment only moves forward). */
  private void apply(String payload) {
    int last = payload.lastIndexOf(':');
    if (last < 3) {
      return;
    }
    String id = payload.substring(2, last);
    long value;
    try {
      value = Long.parseLong(payload.substring(last + 1));
    } catch (NumberFormatException e) {
      return;
    }
    if (payload.startsWith("t:")) {
      tokens.put(id, value);
    } else if (payload.startsWith("u:")) {
      users.merge(id, value, Math::max);
    }
  }

  /** Reads the whole list from Redis (at start and after the listener reconnects: announcements may be lost). */
  private Future<Void> load() {
    return redis.scan(PREFIX + "*").compose(keys -> {
      if (keys.isEmpty()) {
        return Future.succeededFuture();
      }
      Request mget = Request.cmd(Command.MGET);
      keys.forEach(mget::arg);
      return redis.send(mget).map(values -> {
        for (int i = 0; i < keys.size(); i++) {
          Response v = values.get(i);
          if (v != null) {
            apply(keys.get(i).substring(PREFIX.length()) + ":" + v.toString());
          }
        }
        listeners.forEach(Runnable::run);
        return null;
      });
    }).<Void>mapEmpty().recover(err -> {
      if (closed) {
        return Future.succeededFuture();
      }
      LOG.warn("Revocation list not read from Redis ({}); retrying in 1 s", err.getMessage());
      vertx.setTimer(1_000, id -> load());
      return Future.succeededFuture();
    });
  }

  private void purge() {
    long nowSec = System.currentTimeMillis() / 1000;
    tokens.values().removeIf(exp -> exp < nowSec);
    long oldest = System.currentTimeMillis() - tokenTtlSeconds * 1000;
    users.values().removeIf(ms -> ms < oldest);
  }
}
