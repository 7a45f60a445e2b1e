package io.tributary.http;

import io.tributary.db.Database;
import io.tributary.health.HealthRoutes;
import io.tributary.kafka.KafkaSettings;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.tributary.redis.RedisLink;
import io.vertx.sqlclient.Pool;

import java.util.concurrent.TimeUnit;

/**
 * The REST API, health, metrics and WebSocket endpoints ({@link ApiRouter}); one instance per event loop, all
 * listening on the same port.
 */
public final class HttpServerVerticle extends VerticleBase {

  private HttpServer server;
  private KafkaAdminClient admin;
  private RedisLink redis;

  @Override
  public Future<?> start() {
    JsonObject cfg = config();
    JsonObject httpCfg = cfg.getJsonObject("http");
    Pool pool = Database.pool(vertx, cfg.getJsonObject("postgres"));
    String redisUrl = cfg.getJsonObject("redis").getString("url");
    redis = new RedisLink(vertx, redisUrl);
    admin = KafkaAdminClient.create(vertx, KafkaSettings.admin(cfg.getJsonObject("kafka")));
    HealthRoutes health = new HealthRoutes(vertx, pool, redis, admin);
    HttpServerOptions options = new HttpServerOptions()
      .setHost(httpCfg.getString("host", "0.0.0.0"))
      .setPort(httpCfg.getInteger("port", 8080))
      .setCompressionSupported(true)
      .setMaxFormAttributeSize(8192);
    return redis.start()
      .recover(err -> Future.failedFuture(new IllegalStateException("Redis is not reachable at " + redisUrl
        + " (" + err.getMessage() + "); start it or unset TRIBUTARY_REDIS_URL to use the embedded one", err)))
      .compose(v -> ContractValidation.load(vertx))
      .compose(contract -> vertx.createHttpServer(options)
        .requestHandler(ApiRouter.create(vertx, cfg, pool, redis, admin, health, contract)).listen())
      .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    // graceful: no new connections; in-flight requests (uploads too) finish within two thirds of the grace
    // period, then what is left is closed; sockets get 1001 going away (their shutdown handler)
    long drainMs = config().getJsonObject("shutdown", new JsonObject()).getLong("grace_seconds", 30L) * 2000 / 3;
    Future<?> closed = server == null ? Future.succeededFuture() : server.shutdown(drainMs, TimeUnit.MILLISECONDS);
    return Future.join(closed, admin.close(), redis.close());
  }
}
