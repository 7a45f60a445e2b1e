package io.tributary.ratelimit;

import io.tributary.redis.RedisLink;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Hourly limits for every authenticated API request, each route class with its own budget per user and tier
 * ({@code rate_limit.classes}): {@code upload} ({@code /api/v1/data/upload}), {@code admin}
 * ({@code /api/v1/admin/*}, {@code /api/v1/users*}) and {@code api} (everything else). Queries
 * ({@code /api/v1/query/*}) have their own limiter on their routes ({@code rate_limit.free_per_hour} and
 * {@code premium_per_hour}) and are not counted here.
 */
public final class RouteClassLimits implements Handler<RoutingContext> {

  private final RateLimiter upload;
  private final RateLimiter admin;
  private final RateLimiter api;

  /** @param config the {@code rate_limit} section */
  public RouteClassLimits(RedisLink redis, JsonObject config) {
    this.upload = RateLimiter.forClass(redis, config, "upload", 200, 2_000);
    this.admin = RateLimiter.forClass(redis, config, "admin", 10_000, 100_000);
    this.api = RateLimiter.forClass(redis, config, "api", 10_000, 100_000);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (!path.startsWith("/api/") || path.startsWith("/api/v1/query/")) {
      ctx.next();
    } else if (path.equals("/api/v1/data/upload")) {
      upload.handle(ctx);
    } else if (path.startsWith("/api/v1/admin/") || path.startsWith("/api/v1/users")) {
      admin.handle(ctx);
    } else {
      api.handle(ctx);
    }
  }
}
