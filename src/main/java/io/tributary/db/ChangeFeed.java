package io.tributary.db;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Listens (PostgreSQL LISTEN) on a channel whose payload is a user id, by default the changes to users' datasets
 * and profiles (migration V4), and drops that user's entries from this event loop's {@link OwnerCache}s. Caches are
 * used only while the feed is listening; when its connection drops they are emptied and bypassed until it has
 * listened again (it reconnects every second), so a missed notification can never leave a stale entry behind.
 */
public final class ChangeFeed {

  /** Changes to a user's datasets, profiles and models (migrations V4, V19): the owner's id. */
  public static final String DATASET_CHANNEL = "tributary_dataset_changes";
  /** The {@code application_name} of a feed's connection is this and its channel. */
  public static final String APPLICATION_NAME_PREFIX = "tributary feed ";
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);

  private final String channel;
  private final PgSubscriber subscriber;
  private final List<OwnerCache<?>> caches = new ArrayList<>();
  private final List<java.util.function.Consumer<UUID>> listeners = new ArrayList<>();
  private final List<Runnable> resets = new ArrayList<>();
  private boolean listening;
  /** Counts changes (and losses of the connection): a value loaded across a change is not cached. */
  private long generation;
  /** The callers of {@link #sync} waiting for a round trip not sent yet, or null. */
  private Promise<Void> nextSync;
  private boolean syncing;

  public ChangeFeed(Vertx vertx, String pgUrl) {
    this(vertx, pgUrl, DATASET_CHANNEL);
  }

  /** A feed of {@code channel}, whose payload is the id of the user whose cached values may be stale. */
  public ChangeFeed(Vertx vertx, String pgUrl, String channel) {
    this.channel = channel;
    // named after its channel, so pg_stat_activity tells the feeds apart
    subscriber = PgSubscriber.subscriber(vertx, PgConnectOptions.fromUri(pgUrl)
        .addProperty("application_name", APPLICATION_NAME_PREFIX + channel))
      .reconnectPolicy(attempt -> 1_000L);
    subscriber.closeHandler(v -> lost());
    subscriber.channel(channel)
      .subscribeHandler(v -> {
        // (re)subscribed: whatever happened while not listening is unknown, so start empty
        lost();
        listening = true;
      })
      .endHandler(v -> lost())
      .handler(this::changed);
  }

  /** Connects; a failure is logged and retried, never fatal (the caches are bypassed meanwhile). */
  public Future<Void> start() {
    return subscriber.connect().recover(err -> {
      LOG.warn("Change feed {} not connected ({}); its caches bypassed until it is", channel, err.getMessage());
      return Future.succeededFuture();
    });
  }

  public Future<Void> close() {
    listening = false;
    return subscriber.close();
  }

  /**
   * Completes once every change committed before this call has reached the caches: a {@code SELECT 1} on the
   * listening connection, whose reply PostgreSQL sends after the notifications already queued for it. Concurrent
   * callers share one round trip (a caller never joins one sent before it asked). Fails when not listening.
   */
  public Future<Void> sync() {
    if (!listening()) {
      return Future.failedFuture(new IllegalStateException("change feed " + channel + " is not listening"));
    }
    if (nextSync == null) {
      nextSync = Promise.promise();
    }
    Future<Void> done = nextSync.future();
    if (!syncing) {
      sendSync();
    }
    return done;
  }

  private void sendSync() {
    Promise<Void> batch = nextSync;
    nextSync = null;
    PgConnection conn = subscriber.actualConnection();
    if (!listening() || conn == null) {
      batch.fail("change feed " + channel + " is not listening");
      return;
    }
    syncing = true;
    conn.query("SELECT 1").execute().<Void>mapEmpty().onComplete(ar -> {
      syncing = false;
      batch.handle(ar);
      if (nextSync != null) {
        sendSync();
      }
    });
  }

  boolean listening() {
    return listening && subscriber.actualConnection() != null;
  }

  long generation() {
    return generation;
  }

  void register(OwnerCache<?> cache) {
    caches.add(cache);
  }

  /** Calls {@code listener} with the owner whose datasets changed (null: any owner's may have). Event-loop confined. */
  public void onChange(java.util.function.Consumer<UUID> listener) {
    listeners.add(listener);
  }

  /**
   * Calls {@code listener} whenever changes may have been missed: the connection dropped, or (re)subscribed. A
   * listener keeping its own copy of the data reads it again. Event-loop confined.
   */
  public void onReset(Runnable listener) {
    resets.add(listener);
  }

  private void changed(String payload) {
    generation++;
    UUID owner;
    try {
      owner = UUID.fromString(payload);
    } catch (IllegalArgumentException e) {
      caches.forEach(OwnerCache::clear);
      listeners.forEach(l -> l.accept(null));
      return;
    }
    caches.forEach(c -> c.invalidate(owner));
    listeners.forEach(l -> l.accept(owner));
  }

  private void lost() {
    listening = false;
    generation++;
    caches.forEach(OwnerCache::clear);
    resets.forEach(Runnable::run);
  }
}
