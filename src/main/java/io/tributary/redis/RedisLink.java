package io.tributary.redis;

import io.tributary.bus.Deadlines;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * One long-lived, pipelined Redis connection for one event loop (each HttpServerVerticle instance has its own):
 * every command goes out at once on it, however many are in flight, instead of queueing for a pooled
 * connection. While Redis is unreachable, commands fail at once (callers apply their documented fallback)
 * and the link reconnects in the background with a growing pause (0.25 s to 5 s). A command Redis leaves unanswered
 * for {@code redis.command_timeout_ms} (2 s) fails, so a caller (a rate limit, a cache) applies its fallback instead of
 * waiting for good; the connection stays, and its late answer is dropped (Redis answers in order).
 */
public final class RedisLink {

  private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
  private static final long MAX_BACKOFF_MS = 5_000;
  /** {@code redis.command_timeout_ms} when not configured. */
  public static final long DEFAULT_COMMAND_TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final Redis client;
  private final String url;
  private final long commandTimeoutMs;
  private RedisConnection connection;
  private boolean connecting;
  private boolean closed;
  private long backoffMs = 250;
  private volatile long lastTimeoutWarning;

  public RedisLink(Vertx vertx, String url) {
    this(vertx, url, DEFAULT_COMMAND_TIMEOUT_MS);
  }

  /** @param commandTimeoutMs how long a command may wait for its answer (0: for good) */
  public RedisLink(Vertx vertx, String url, long commandTimeoutMs) {
    this.vertx = vertx;
    this.url = url;
    this.commandTimeoutMs = commandTimeoutMs;
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxWaitingHandlers(4096)
      .setMaxPoolSize(1).setMaxPoolWaiting(64));
  }

  /** The Vert.x instance (the node) this link belongs to. */
  public Vertx vertx() {
    return vertx;
  }

  /** Connects; fails when Redis cannot be reached now (the start of the server reports it). */
  public Future<Void> start() {
    return connect().mapEmpty();
  }

  /** Sends one command, or fails at once while Redis is unreachable. */
  public Future<Response> send(Request request) {
    RedisConnection c = connection;
    if (c == null) {
      reconnectSoon();
      return Future.failedFuture("Redis is unreachable at " + safe(url));
    }
    return answered(c.send(request));
  }

  /** Sends commands pipelined in one round trip, or fails at once while Redis is unreachable. */
  public Future<List<Response>> batch(List<Request> requests) {
    RedisConnection c = connection;
    if (c == null) {
      reconnectSoon();
      return Future.failedFuture("Redis is unreachable at " + safe(url));
    }
    return answered(c.batch(requests));
  }

  /** {@code reply}, or a failure once it has waited {@code redis.command_timeout_ms}. */
  private <T> Future<T> answered(Future<T> reply) {
    if (commandTimeoutMs <= 0) {
      return reply;
    }
    return Deadlines.within(vertx, reply, commandTimeoutMs, "Redis").onFailure(err -> {
      long now = System.currentTimeMillis();
      // at most every 10 s: a pause fails every command in flight
      if (err instanceof TimeoutException && now - lastTimeoutWarning > 10_000) {
        lastTimeoutWarning = now;
        LOG.warn("Redis at {} left a command unanswered for {} ms: failed (logged at most every 10 s)", safe(url),
          commandTimeoutMs);
      }
    });
  }

  /** Every key matching a glob {@code pattern}, read with {@code SCAN} (1,000 per step) so Redis is never blocked. */
  public Future<List<String>> scan(String pattern) {
    return scan("0", pattern, new ArrayList<>());
  }

  private Future<List<String>> scan(String cursor, String pattern, List<String> keys) {
    return send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000))
      .compose(reply -> {
        reply.get(1).forEach(k -> keys.add(k.toString()));
        String next = reply.get(0).toString();
        return "0".equals(next) ? Future.succeededFuture(keys) : scan(next, pattern, keys);
      });
  }

  /** Whether the link is connected right now. */
  public boolean connected() {
    return connection != null;
  }

  public Future<Void> close() {
    closed = true;
    RedisConnection c = connection;
    connection = null;
    Future<Void> done = c == null ? Future.succeededFuture() : c.close().otherwiseEmpty();
    return done.onComplete(x -> client.close());
  }

  private Future<RedisConnection> connect() {
    connecting = true;
    return client.connect()
      .onSuccess(c -> {
        connecting = false;
        backoffMs = 250;
        if (closed) {
          c.close();
          return;
        }
        if (connection == null && !closed) {
          LOG.info("Connected to Redis at {}", safe(url));
        }
        connection = c;
        c.exceptionHandler(err -> lost(c, err.getMessage()));
        c.endHandler(v -> lost(c, "connection closed"));
      })
      .onFailure(err -> {
        connecting = false;
        reconnectLater();
      });
  }

  private void lost(RedisConnection c, String why) {
    if (connection == c) {
      connection = null;
      LOG.warn("Lost the Redis connection ({}); reconnecting", why);
      reconnectLater();
    }
  }

  private void reconnectSoon() {
    if (!connecting && !closed) {
      connecting = true;
      vertx.setTimer(1, id -> connect());
    }
  }

  private void reconnectLater() {
    if (closed) {
      return;
    }
    connecting = true;
    long delay = backoffMs;
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    vertx.setTimer(delay, id -> connect());
  }

  private static String safe(String url) {
    return url == null ? null : url.replaceAll("(://[^:/@]*:)[^@]*@", "$1****@");
  }
}
