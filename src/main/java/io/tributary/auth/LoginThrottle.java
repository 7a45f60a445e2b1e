package io.tributary.auth;

import io.tributary.redis.RedisLink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.Locale;

/**
 * Slows down password guessing: failed logins are counted in Redis per account ({@code tributary:login:a:<email>})
 * and per client address ({@code tributary:login:ip:<ip>}) over a sliding window that restarts at each failure.
 * Beyond {@code max_per_account} or {@code max_per_ip} failures, logins of that account or from that address are
 * refused (429 with Retry-After) until the window has passed. A success clears the account's count. When Redis
 * cannot answer, logins are not slowed (and the password check itself still applies).
 */
public final class LoginThrottle {

  private final RedisLink redis;
  private final long maxPerAccount;
  private final long maxPerIp;
  private final long windowSeconds;

  /** @param config the {@code auth.login_throttle} section */
  public LoginThrottle(RedisLink redis, JsonObject config) {
    this.redis = redis;
    this.maxPerAccount = config.getLong("max_per_account", 5L);
    this.maxPerIp = config.getLong("max_per_ip", 100L);
    this.windowSeconds = config.getLong("window_seconds", 900L);
  }

  /** Seconds until this account and address may try again (0: now). */
  public Future<Long> retryAfter(String email, String ip) {
    String a = accountKey(email);
    String i = ipKey(ip);
    return redis.batch(List.of(Request.cmd(Command.GET).arg(a), Request.cmd(Command.TTL).arg(a),
        Request.cmd(Command.GET).arg(i), Request.cmd(Command.TTL).arg(i)))
      .map(r -> Math.max(wait(r.get(0), r.get(1), maxPerAccount), wait(r.get(2), r.get(3), maxPerIp)))
      .otherwise(0L);
  }

  /** Counts a failure; completes with the account's failures in the window (0 when Redis did not answer). */
  public Future<Long> failed(String email, String ip) {
    String a = accountKey(email);
    String i = ipKey(ip);
    return redis.batch(List.of(Request.cmd(Command.INCR).arg(a), Request.cmd(Command.EXPIRE).arg(a).arg(windowSeconds),
        Request.cmd(Command.INCR).arg(i), Request.cmd(Command.EXPIRE).arg(i).arg(windowSeconds)))
      .map(r -> r.get(0).toLong())
      .otherwise(0L);
  }

  /** Clears the account's failures after a successful login. */
  public Future<Void> succeeded(String email) {
    return redis.send(Request.cmd(Command.DEL).arg(accountKey(email))).<Void>mapEmpty().otherwiseEmpty();
  }

  private static long wait(Response count, Response ttl, long max) {
    if (count == null || count.toLong() < max) {
      return 0;
    }
    return Math.max(1, ttl == null ? 1 : ttl.toLong());
  }

  private static String accountKey(String email) {
    return "tributary:login:a:" + email.toLowerCase(Locale.ROOT);
  }

  private static String ipKey(String ip) {
    return "tributary:login:ip:" + ip;
  }
}
