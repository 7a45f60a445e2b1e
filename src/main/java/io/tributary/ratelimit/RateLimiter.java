package io.tributary.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.metrics.Metrics;
import io.tributary.redis.RedisLink;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * Per-user, per-clock-hour request limits in Redis (the count {@code tributary:rl:<user>:<hour>}, which expires
 * after the hour, shared by every node). Every request counts, also refused ones. Each node takes counts from Redis
 * in leases ({@link CountLeases}: {@code INCRBY n}, n growing only while a user's requests come fast and the limit
 * is far), so a request's count is exact on one node without a Redis round trip per request. Every limited response carries
 * {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset} (epoch seconds of the
 * next hour); beyond the limit: 429 {@code RATE_LIMITED} with {@code Retry-After} in whole seconds. When Redis
 * cannot answer, the configured policy applies: fail open (serve, counted in
 * {@code tributary_rate_limit_unavailable_total}) or closed (503).
 */
public final class RateLimiter implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

  private final RedisLink redis;
  private final CountLeases counts;
  private final String keyPrefix;
  private final long freeLimit;
  private final long premiumLimit;
  private final boolean failOpen;
  private final Counter rejections;
  private final Counter unavailable;
  private long lastWarning;

  /** @param config the {@code rate_limit} section: {@code free_per_hour}, {@code premium_per_hour}, {@code fail_open} */
  public RateLimiter(RedisLink redis, JsonObject config) {
    this(redis, config, "tributary:rl:", config.getLong("free_per_hour", 100L), config.getLong("premium_per_hour", 1000L));
  }

  /**
   * The limiter of a route class with its own budget: {@code rate_limit.classes.<name>} holds its
   * {@code free_per_hour} and {@code premium_per_hour}; counted apart from every other class.
   */
  public static RateLimiter forClass(RedisLink redis, JsonObject config, String name, long free, long premium) {
    JsonObject own = config.getJsonObject("classes", new JsonObject()).getJsonObject(name, new JsonObject());
    return new RateLimiter(redis, config, "tributary:rl:" + name + ":", own.getLong("free_per_hour", free),
      own.getLong("premium_per_hour", premium));
  }

  private RateLimiter(RedisLink redis, JsonObject config, String keyPrefix, long free, long premium) {
    this.redis = redis;
    this.counts = CountLeases.of(redis.vertx());
    this.keyPrefix = keyPrefix;
    this.freeLimit = free;
    this.premiumLimit = premium;
    this.failOpen = config.getBoolean("fail_open", true);
    this.rejections = Counter.builder("tributary_rate_limit_rejections").description("Requests refused by the hourly limit")
      .register(Metrics.registry());
    this.unavailable = Counter.builder("tributary_rate_limit_unavailable")
      .description("Requests whose limit Redis could not check").tag("policy", failOpen ? "open" : "closed")
      .register(Metrics.registry());
  }

  @Override
  public void handle(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    long limit = "premium".equals(caller.tier()) ? premiumLimit : freeLimit;
    long now = Instant.now().getEpochSecond();
    long hour = now / 3600;
    long reset = (hour + 1) * 3600;
    String key = keyPrefix + caller.id() + ":" + hour;
    counts.next(redis, key, hour, limit)
      .onSuccess(count -> {
        HttpServerResponse response = ctx.response();
        response.putHeader("X-RateLimit-Limit", Long.toString(limit))
          .putHeader("X-RateLimit-Remaining", Long.toString(Math.max(0, limit - count)))
          .putHeader("X-RateLimit-Reset", Long.toString(reset));
        if (count > limit) {
          long retry = Math.max(1, reset - Instant.now().getEpochSecond());
          response.putHeader("Retry-After", Long.toString(retry));
          rejections.increment();
          ctx.fail(new ApiException(ErrorCode.RATE_LIMITED, "Hourly limit of " + limit + " requests reached; retry in "
            + retry + " s", new JsonObject().put("limit", limit).put("retry_after_seconds", retry)));
        } else {
          ctx.next();
        }
      })
      .onFailure(err -> {
        unavailable.increment();
        long nowMs = System.currentTimeMillis();
        if (nowMs - lastWarning > 10_000) {
          lastWarning = nowMs;
          LOG.warn("Rate limits not checked (Redis: {}); failing {} (counted in tributary_rate_limit_unavailable_total; "
            + "logged at most every 10 s)", err.getMessage(), failOpen ? "open" : "closed");
        }
        if (failOpen) {
          ctx.next();
        } else {
          ctx.fail(new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "Rate limiting is unavailable; try again shortly"));
        }
      });
  }
}
