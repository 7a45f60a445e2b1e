package io.tributary.flag;

import dev.openfeature.sdk.OpenFeatureAPI;
import io.tributary.db.ProcessLocal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This process's copy of every flag, evaluated in memory from any thread (no database or Redis round trip). It
 * listens (PostgreSQL LISTEN on {@code tributary_flag_changes}, migration V12) and reloads the table on every
 * change, and again whenever its connection is re-established (it retries every second), so changes reach every
 * process within about a second. One per process ({@link ProcessLocal}), shared by the HTTP verticle instances.
 */
public final class FlagStore implements ProcessLocal.Resource {

  /** The {@link ProcessLocal} name of the store. */
  public static final String NAME = "tributary.flags";
  static final String CHANNEL = "tributary_flag_changes";
  static final String SELECT_ALL = "SELECT key, description, enabled, rollout_percent, tiers, allow_users, deny_users, "
    + "variants, version, updated_at FROM feature_flags";
  private static final Logger LOG = LoggerFactory.getLogger(FlagStore.class);

  private final Pool pool;
  private final PgSubscriber subscriber;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Map<String, Flag> flags = Map.of();
  /** Reloads started and the newest one applied: a slower, older reload never overwrites a newer one. */
  private long started;
  private long applied;
  private boolean published;

  public FlagStore(Vertx vertx, Pool pool, String pgUrl) {
    this.pool = pool;
    this.subscriber = PgSubscriber.subscriber(vertx, PgConnectOptions.fromUri(pgUrl)).reconnectPolicy(attempt -> 1_000L);
    subscriber.channel(CHANNEL)
      .subscribeHandler(v -> reload()) // (re)subscribed: changes made meanwhile are unknown, so read them all
      .handler(key -> reload());
  }

  /**
   * This process's store, started by the first caller, which also makes it the OpenFeature API's provider
   * ({@code OpenFeatureAPI.getInstance().getClient().getBooleanValue(key, false, context)}).
   */
  public static Future<FlagStore> acquire(Vertx vertx, Pool pool, String pgUrl) {
    return ProcessLocal.acquire(vertx, NAME, () -> new FlagStore(vertx, pool, pgUrl)).onSuccess(FlagStore::publish);
  }

  /** Gives back what {@link #acquire} took; the last user closes the store. */
  public static Future<Void> release(Vertx vertx) {
    return ProcessLocal.release(vertx, NAME);
  }

  private synchronized void publish() {
    if (!published) {
      published = true;
      OpenFeatureAPI.getInstance().setProvider(new FlagProvider(this));
    }
  }

  /** This process's store (acquired by the HTTP verticles), or null before it has started. */
  public static FlagStore current(Vertx vertx) {
    return ProcessLocal.current(vertx, NAME);
  }

  @Override
  public Future<Void> start() {
    return subscriber.connect()
      .recover(err -> {
        LOG.warn("Flag change feed not connected ({}); retrying every second", err.getMessage());
        return Future.succeededFuture();
      })
      .compose(v -> reload());
  }

  @Override
  public Future<Void> close() {
    return subscriber.close();
  }

  /** Reads every flag again; completes once this process evaluates with what was committed before the call. */
  public Future<Void> reload() {
    long ticket;
    synchronized (this) {
      ticket = ++started;
    }
    return pool.query(SELECT_ALL).execute().map(rows -> {
      Map<String, Flag> loaded = new TreeMap<>();
      for (Row row : rows) {
        Flag flag = Flag.of(row);
        loaded.put(flag.key(), flag);
      }
      boolean newest;
      synchronized (this) {
        newest = ticket > applied;
        if (newest) {
          applied = ticket;
          flags = Collections.unmodifiableMap(loaded);
        }
      }
      if (newest) {
        listeners.forEach(Runnable::run);
      }
      return null;
    });
  }

  /** The flag of this key, or null. */
  public Flag get(String key) {
    return flags.get(key);
  }

  /** Every flag, by key. */
  public Map<String, Flag> all() {
    return flags;
  }

  /** Whether the flag is on for the user; {@code missing} when no such flag exists. */
  public boolean isOn(String key, String userId, String tier, boolean missing) {
    Flag flag = flags.get(key);
    return flag == null ? missing : FlagRules.decide(flag, userId, tier).on;
  }

  /** Runs {@code listener} (on any thread) after each change has been loaded. */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }
}
