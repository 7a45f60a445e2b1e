package io.tributary;

import io.tributary.admin.UserExportVerticle;
import io.tributary.collection.BackupVerticle;
import io.tributary.app.HttpServerVerticle;
import io.tributary.audit.AuditEvent;
import io.tributary.auth.JwtKeys;
import io.tributary.auth.PasswordPolicy;
import io.tributary.auth.Passwords;
import io.tributary.auth.UserRepository;
import io.tributary.config.AppConfig;
import io.tributary.config.Sections;
import io.tributary.lake.Lake;
import io.tributary.lake.S3Lake;
import io.tributary.db.Database;
import io.tributary.dashboard.ExportVerticle;
import io.tributary.embedded.EmbeddedServices;
import io.tributary.fanout.FanoutVerticle;
import io.tributary.flag.FlagSeed;
import io.tributary.fanout.LiveBatch;
import io.tributary.ingest.IngestionVerticle;
import io.tributary.ingest.OutboxRelayVerticle;
import io.tributary.insight.InsightVerticle;
import io.tributary.ml.TrainVerticle;
import io.tributary.kafka.KafkaTopics;
import io.tributary.metrics.DataDirGauge;
import io.tributary.profile.ProfileVerticle;
import io.tributary.query.QueryVerticle;
import io.tributary.search.EmbeddingVerticle;
import io.tributary.source.SourceVerticle;
import io.tributary.stream.StreamVerticle;
import io.tributary.transform.TransformVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Starts Tributary in a fixed order: configuration, data directory, embedded services (those without an
 * external address), schema migrations, Kafka topics, signing keys, the first admin, then the verticles
 * (workers first, HTTP last). Any failure stops the start with a message naming what is missing.
 */
public final class MainVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MainVerticle.class);

  /** The running application (for the launcher's shutdown hook), or null. */
  private static volatile MainVerticle running;

  private EmbeddedServices embedded;
  /** Child deployment ids by verticle name, in deployment order. */
  private final Map<String, String> children = new LinkedHashMap<>();
  private Duration grace = Duration.ofSeconds(30);
  private Future<Void> shuttingDown;

  @Override
  public Future<?> start() {
    Future<JsonObject> loaded = config().isEmpty() ? AppConfig.load(vertx) : Future.succeededFuture(config().copy());
    return loaded
      .compose(cfg -> step("prepare the data directory", () -> prepareDataDir(cfg)))
      .compose(cfg -> step("start the embedded services", () -> startEmbedded(cfg)))
      .compose(cfg -> step("migrate the PostgreSQL schema at " + safe(cfg.getJsonObject("postgres").getString("url")),
        () -> {
          Database.migrate(cfg.getJsonObject("postgres").getString("url"));
          return cfg;
        }))
      .compose(cfg -> KafkaTopics.ensure(vertx, cfg.getJsonObject("kafka")).map(cfg)
        .recover(err -> Future.failedFuture(new IllegalStateException("Kafka is not reachable at "
          + cfg.getJsonObject("kafka").getString("bootstrap") + " (" + err.getMessage()
          + "); start it or unset TRIBUTARY_KAFKA_BOOTSTRAP to use the embedded broker", err))))
      .compose(cfg -> step("load the JWT signing keys", () -> loadKeys(cfg)))
      .compose(cfg -> step("open the lake " + cfg.getJsonObject("lake", new JsonObject()).getString("url", "(local)"),
        () -> openLake(cfg)))
      .compose(cfg -> bootstrapAdmin(cfg).map(cfg))
      .compose(cfg -> FlagSeed.apply(Database.pool(vertx, cfg.getJsonObject("postgres")), cfg.getJsonObject("flags")).map(cfg))
      .compose(this::deployAll)
      .onSuccess(cfg -> running = this)
      .onSuccess(cfg -> LOG.info("Tributary is up: http://{}:{} (PostgreSQL {}, Redis {}, Kafka {}, data {})",
        cfg.getJsonObject("http").getString("host"), cfg.getJsonObject("http").getInteger("port"),
        safe(cfg.getJsonObject("postgres").getString("url")), cfg.getJsonObject("redis").getString("url"),
        cfg.getJsonObject("kafka").getString("bootstrap"), cfg.getString("data_dir")));
  }

  @Override
  public Future<?> stop() {
    if (running == this) {
      running = null;
    }
    return embedded == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      embedded.close();
      return null;
    });
  }

  /** The running application, or null. */
  static MainVerticle running() {
    return running;
  }

  /**
   * Stops the application in order within the configured grace period ({@code shutdown.grace_seconds}): HTTP first
   * (no new connections; in-flight requests and uploads finish; sockets close with 1001 going away), then the live
   * fan-out, the streams (buffered records written and committed), ingestion (this node's running jobs handed back
   * to the queue), the workers, and last the outbox relay (one more pass, so handed-back jobs are announced), then
   * the embedded services. Each step waits at most for what is left of the grace period.
   */
  synchronized Future<Void> shutdown() {
    if (shuttingDown != null) {
      return shuttingDown;
    }
    long deadline = System.nanoTime() + grace.toNanos();
    LOG.info("Shutting down (grace period {} s)", grace.toSeconds());
    List<String> order = List.of("HttpServerVerticle", "FanoutVerticle", "StreamVerticle", "IngestionVerticle",
      "TransformVerticle", "ProfileVerticle", "QueryVerticle", "ExportVerticle", "InsightVerticle", "TrainVerticle",
      "SourceVerticle", "BackupVerticle", "OutboxRelayVerticle");
    Future<Void> chain = Future.succeededFuture();
    for (String name : order) {
      chain = chain.compose(v -> {
        String id = children.remove(name);
        if (id == null) {
          return Future.succeededFuture();
        }
        long left = Math.max(1_000_000_000L, deadline - System.nanoTime());
        return vertx.undeploy(id).timeout(left, TimeUnit.NANOSECONDS)
          .onFailure(err -> LOG.warn("{} did not stop cleanly: {}", name, err.getMessage()))
          .otherwiseEmpty();
      });
    }
    shuttingDown = chain.compose(v -> embedded == null ? Future.<Void>succeededFuture() : vertx.executeBlocking(() -> {
      embedded.close();
      return null;
    })).onComplete(x -> LOG.info("Shut down"));
    return shuttingDown;
  }

  private Future<JsonObject> deployAll(JsonObject cfg) {
    grace = Duration.ofSeconds(cfg.getJsonObject("shutdown", new JsonObject()).getLong("grace_seconds", 30L));
    if (embedded != null) {
      embedded.ownerWillClose(grace.plusSeconds(15));
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int httpInstances = cfg.getJsonObject("http").getInteger("instances", 0);
    LiveBatch.registerCodec(vertx.eventBus());
    String[] services = {Sections.NODE, "postgres", "kafka"};
    return deploy(TransformVerticle::new, Sections.of(cfg, "transform", Sections.NODE), new DeploymentOptions())
      .compose(v -> deploy(ProfileVerticle::new, Sections.of(cfg, "profile", Sections.NODE),
        worker(cfg.getJsonObject("profile").getInteger("instances", 1))))
      .compose(v -> deploy(QueryVerticle::new, Sections.of(cfg, "query", Sections.NODE), new DeploymentOptions()))
      .compose(v -> deploy(ExportVerticle::new, Sections.of(cfg, "dashboard", Sections.NODE),
        worker(cfg.getJsonObject("dashboard").getInteger("export_instances", 1))))
      .compose(v -> deploy(InsightVerticle::new, Sections.of(cfg, "insight", Sections.NODE),
        worker(cfg.getJsonObject("insight").getInteger("instances", 1))))
      .compose(v -> deploy(TrainVerticle::new, Sections.of(cfg, "ml", Sections.NODE, "postgres"), new DeploymentOptions()))
      .compose(v -> deploy(SourceVerticle::new, Sections.of(cfg, "sources", services).put("embedded", embedded != null),
        new DeploymentOptions()))
      .compose(v -> deploy(IngestionVerticle::new, Sections.of(cfg, "ingest", services), new DeploymentOptions()))
      .compose(v -> deploy(OutboxRelayVerticle::new, Sections.of(cfg, "ingest", services), new DeploymentOptions()))
      // the stream consumers and the live relay each on a thread of their own, never on an event loop that an
      // HttpServerVerticle's sockets share: there a record would wait for that instance's socket writes (and the
      // relay's next poll with it) before reaching any socket, and the writer's steps would delay the writes
      .compose(v -> deploy(StreamVerticle::new, Sections.of(cfg, "stream", services), ownThread("tributary-stream")))
      .compose(v -> deploy(FanoutVerticle::new, Sections.of(cfg, "fanout", services), ownThread("tributary-fanout")))
      .compose(v -> deploy(UserExportVerticle::new, Sections.of(cfg, "admin", services), new DeploymentOptions()))
      .compose(v -> !EmbeddingVerticle.enabled(cfg.getJsonObject("search")) ? Future.<Void>succeededFuture()
        : deploy(EmbeddingVerticle::new, Sections.of(cfg, "search", Sections.NODE, "postgres"), new DeploymentOptions()))
      .compose(v -> deploy(BackupVerticle::new, Sections.of(cfg, "collection", services), new DeploymentOptions()))
      .compose(v -> deploy(HttpServerVerticle::new, HttpServerVerticle.config(cfg),
        new DeploymentOptions().setInstances(httpInstances > 0 ? httpInstances : cores)))
      .map(cfg);
  }

  /** One instance on a worker pool of one thread of its own: ordered, like an event loop, but shared with nothing. */
  private static DeploymentOptions ownThread(String name) {
    return new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setWorkerPoolName(name).setWorkerPoolSize(1);
  }

  private static DeploymentOptions worker(int instances) {
    return new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setInstances(Math.max(1, instances))
      .setMaxWorkerExecuteTime(6).setMaxWorkerExecuteTimeUnit(TimeUnit.HOURS);
  }

  private Future<Void> deploy(Supplier<? extends VerticleBase> verticle, JsonObject section, DeploymentOptions options) {
    String name = verticle.get().getClass().getSimpleName();
    return vertx.deployVerticle(verticle, options.setConfig(section))
      .recover(err -> Future.failedFuture(new IllegalStateException(name + " failed to start: " + err.getMessage(), err)))
      .onSuccess(id -> children.put(name, id))
      .mapEmpty();
  }

  private JsonObject prepareDataDir(JsonObject cfg) throws IOException {
    Path dir = Path.of(cfg.getString("data_dir")).toAbsolutePath().normalize();
    for (String sub : new String[] {"staging", "datasets", "keys", "tmp", "exports", "backups", "restore"}) {
      Files.createDirectories(dir.resolve(sub));
    }
    deleteTempFiles(dir.resolve("datasets"));
    DataDirGauge.register(dir);
    Path nodeFile = dir.resolve("node-id");
    if (!Files.exists(nodeFile)) {
      Files.writeString(nodeFile, UUID.randomUUID().toString());
    }
    cfg.getJsonObject("postgres").put("pool_name", Database.POOL_NAME + "-" + deploymentID());
    return Sections.withNode(cfg.put("data_dir", dir.toString()), dir.toString(), Files.readString(nodeFile).trim());
  }

  /** Half-written Parquet files of a process that died mid-job are never visible; remove their leftovers. */
  private static void deleteTempFiles(Path datasets) throws IOException {
    try (Stream<Path> files = Files.walk(datasets)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(p) && p.getFileName().toString().contains(".tmp")) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private JsonObject startEmbedded(JsonObject cfg) {
    JsonObject pg = cfg.getJsonObject("postgres");
    JsonObject redis = cfg.getJsonObject("redis");
    JsonObject kafka = cfg.getJsonObject("kafka");
    boolean needPg = blank(pg.getString("url"));
    boolean needRedis = blank(redis.getString("url"));
    boolean needKafka = blank(kafka.getString("bootstrap"));
    if (needPg || needRedis || needKafka) {
      embedded = EmbeddedServices.start(Path.of(cfg.getString("data_dir")), needPg, needRedis, needKafka,
        kafka.getInteger("embedded_port", 9092));
      if (needPg) {
        pg.put("url", embedded.pgUrl());
      }
      if (needRedis) {
        redis.put("url", embedded.redisUrl());
      }
      if (needKafka) {
        kafka.put("bootstrap", embedded.kafkaBootstrap());
      }
    }
    return cfg;
  }

  private JsonObject loadKeys(JsonObject cfg) throws Exception {
    JsonObject auth = cfg.getJsonObject("auth");
    JwtKeys keys = JwtKeys.loadOrCreate(auth.getString("private_key_file"), auth.getString("public_key_file"),
      Path.of(cfg.getString("data_dir"), "keys"));
    auth.put("private_key_pem", keys.privatePem()).put("public_key_pem", keys.publicPem())
      .put("key_id", keys.keyId()).put("jwks", keys.jwks());
    return cfg;
  }

  private Future<Void> bootstrapAdmin(JsonObject cfg) {
    UserRepository users = new UserRepository(Database.pool(vertx, cfg.getJsonObject("postgres")));
    JsonObject admin = cfg.getJsonObject("admin");
    return users.count().compose(n -> {
      if (n > 0) {
        return Future.succeededFuture();
      }
      String email = admin.getString("email", "admin@tributary.local");
      String given = admin.getString("password");
      String weakness = blank(given) ? null : PasswordPolicy.weakness(given);
      if (weakness != null) {
        return Future.failedFuture(new IllegalArgumentException("TRIBUTARY_ADMIN_PASSWORD (admin.password) is too weak: "
          + weakness + "; the first admin's password needs " + PasswordPolicy.RULE));
      }
      String password = blank(given) ? Passwords.random() : given;
      return vertx.executeBlocking(() -> Passwords.hash(password))
        .compose(hash -> users.insert(email, hash, "admin", "premium",
          AuditEvent.system("user.created", "user", null, null)))
        .onSuccess(u -> {
          if (blank(given)) {
            LOG.warn("Created the first admin {} with the generated password {} (shown once; set "
              + "TRIBUTARY_ADMIN_PASSWORD to choose it)", email, password);
          } else {
            LOG.info("Created the first admin {}", email);
          }
        })
        .mapEmpty();
    });
  }

  /** The lake of {@code lake.url} (an S3 bucket), or the data directory itself when it is unset. */
  private JsonObject openLake(JsonObject cfg) throws java.io.IOException {
    JsonObject lake = cfg.getJsonObject("lake", new JsonObject());
    if (!blank(lake.getString("url"))) {
      JsonObject node = cfg.getJsonObject(Sections.NODE);
      Lake.install(vertx, S3Lake.open(lake, Path.of(node.getString("data_dir")), node.getLong("file_grace_ms")));
    }
    return cfg;
  }

  private <T> Future<T> step(String what, java.util.concurrent.Callable<T> blocking) {
    return vertx.executeBlocking(blocking).recover(err -> Future.failedFuture(
      new IllegalStateException("Could not " + what + ": " + err.getMessage(), err)));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** A URL with its password masked, for logs. */
  static String safe(String url) {
    return url == null ? null : url.replaceAll("(://[^:/@]+:)[^@]*@", "$1****@");
  }
}
