package io.tributary.health;

import io.tributary.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.tributary.redis.RedisLink;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;

import java.util.concurrent.TimeUnit;

/**
 * {@code GET /health/live} (UP while the process serves) and {@code GET /health/ready} (PostgreSQL, Redis
 * and Kafka each answer within 2 s), as {@code {"status":"UP"|"DOWN","checks":[{id,status,data?}]}};
 * DOWN answers 503.
 */
public final class HealthRoutes {

  private static final long TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final Pool pool;
  private final RedisLink redis;
  private final KafkaAdminClient kafka;

  /** @param kafka an admin client of the caller's (who closes it) */
  public HealthRoutes(Vertx vertx, Pool pool, RedisLink redis, KafkaAdminClient kafka) {
    this.vertx = vertx;
    this.pool = pool;
    this.redis = redis;
    this.kafka = kafka;
  }

  public void mount(Router router) {
    HealthChecks live = HealthChecks.create(vertx);
    live.register("process", promise -> promise.complete(Status.OK()));
    HealthChecks ready = HealthChecks.create(vertx);
    // the probes time out a little before the framework would, so each check reports its own reason
    ready.register("postgres", 2 * TIMEOUT_MS, promise -> check(pool.query("SELECT 1").execute())
      .onSuccess(promise::tryComplete));
    ready.register("redis", 2 * TIMEOUT_MS, promise -> check(redis.send(Request.cmd(Command.PING)))
      .onSuccess(promise::tryComplete));
    ready.register("kafka", 2 * TIMEOUT_MS, promise -> check(kafka.describeCluster())
      .onSuccess(promise::tryComplete));
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
  }

  /**
   * Probes the three services every {@code intervalMs} into the gauges {@code tributary_postgres_up},
   * {@code tributary_redis_up} and {@code tributary_kafka_up} (1 or 0) that the alert rules watch. Call from a
   * verticle: its timer ends with it.
   */
  public void probe(long intervalMs) {
    java.util.concurrent.atomic.AtomicLong pg = Metrics.gauge("tributary_postgres_up", "PostgreSQL answered the last probe");
    java.util.concurrent.atomic.AtomicLong rd = Metrics.gauge("tributary_redis_up", "Redis answered the last probe");
    java.util.concurrent.atomic.AtomicLong kf = Metrics.gauge("tributary_kafka_up", "Kafka answered the last probe");
    vertx.setPeriodic(0, intervalMs, id -> {
      check(pool.query("SELECT 1").execute()).onSuccess(s -> pg.set(s.isOk() ? 1 : 0));
      check(redis.send(Request.cmd(Command.PING))).onSuccess(s -> rd.set(s.isOk() ? 1 : 0));
      check(kafka.describeCluster()).onSuccess(s -> kf.set(s.isOk() ? 1 : 0));
    });
  }

  private static Future<Status> check(Future<?> probe) {
    return probe.timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .map(x -> Status.OK())
      .otherwise(err -> Status.KO(new JsonObject().put("error", reason(err))));
  }

  private static String reason(Throwable err) {
    String message = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    return message.length() > 200 ? message.substring(0, 200) : message;
  }
}
