package io.tributary.stream;

import io.tributary.audit.AuditEvent;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.ContractValidation;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.client.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/streams}: register a Kafka topic as a stream (analyst or admin), list and show streams (with
 * lag, records ingested, dead letters, parts, last commit), stop one (its dataset stays; registering the same
 * name and topic again resumes it where it stopped), and share one for live viewing.
 */
public final class StreamRoutes {

  private static final Pattern NAME = Pattern.compile("^[a-z_][a-z0-9_]{0,62}$");
  private static final Pattern TOPIC = Pattern.compile("^[A-Za-z0-9._-]{1,200}$");

  private final Vertx vertx;
  private final StreamRepository repository;
  private final KafkaAdminClient admin;
  private final JsonObject kafka;
  private final Set<String> reservedTopics;

  public StreamRoutes(Vertx vertx, StreamRepository repository, KafkaAdminClient admin, JsonObject kafka) {
    this.vertx = vertx;
    this.repository = repository;
    this.admin = admin;
    this.kafka = kafka;
    this.reservedTopics = Set.copyOf(kafka.getJsonObject("topics").getMap().values().stream().map(Object::toString).toList());
  }

  public void mount(Router router, ContractValidation contract) {
    router.post("/api/v1/streams").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN))
      .handler(contract.jsonBody("createStream")).handler(this::create);
    router.get("/api/v1/streams").handler(this::list);
    router.get("/api/v1/streams/:name").handler(this::show);
    router.delete("/api/v1/streams/:name").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN)).handler(this::stop);
    router.post("/api/v1/streams/:name/shares").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN))
      .handler(contract.jsonBody("shareStream")).handler(this::share);
    router.delete("/api/v1/streams/:name/shares/:user_id").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN))
      .handler(this::unshare);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    String name = body.getString("name");
    String topic = body.getString("topic");
    String startFrom = body.getString("start_from", "earliest");
    String dataset = body.getString("dataset");
    if (!NAME.matcher(name).matches()) {
      throw new ApiException(ErrorCode.INVALID_NAME, "name must match ^[a-z_][a-z0-9_]{0,62}$",
        new JsonObject().put("field", "name"));
    }
    if (!TOPIC.matcher(topic).matches() || topic.startsWith("__") || topic.endsWith(".dlq")
      || reservedTopics.contains(topic)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "topic must be a Kafka topic name (letters, digits, . _ -), "
        + "not an internal, dead-letter or Tributary topic", new JsonObject().put("field", "topic"));
    }
    Caller caller = Caller.of(ctx);
    // "latest" means the records produced from now on: the topic's end offsets are stored with a new stream, so a
    // restart before a partition's first batch does not skip what came meanwhile
    ensureTopics(topic)
      .compose(v -> "latest".equals(startFrom) ? endOffsets(topic) : Future.succeededFuture(Map.<TopicPartition, Long>of()))
      .compose(start -> {
        Map<Integer, Long> byPartition = new HashMap<>();
        start.forEach((tp, offset) -> byPartition.put(tp.getPartition(), offset));
        return repository.register(caller.id(), name, topic, startFrom, dataset, byPartition,
          AuditEvent.by(ctx, "stream.created", "stream", null, null, null));
      })
      .onSuccess(stream -> {
        vertx.eventBus().publish(StreamContract.CHANGED, new JsonObject().put("stream_id", stream.getString("stream_id")));
        boolean resumed = Boolean.TRUE.equals(stream.remove("resumed"));
        stream.remove("owner_id");
        ctx.response().putHeader("Location", "/api/v1/streams/" + name);
        Json.send(ctx, resumed ? 200 : 201, stream.put("lag", null));
      })
      .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    repository.list(Caller.of(ctx).id())
      .compose(items -> {
        List<Future<JsonObject>> withLag = new ArrayList<>();
        items.forEach(o -> withLag.add(lag((JsonObject) o)));
        return Future.all(withLag).map(done -> {
          JsonArray out = new JsonArray();
          withLag.forEach(f -> out.add(f.result()));
          return out;
        });
      })
      .onSuccess(items -> Json.ok(ctx, new JsonObject().put("items", items).put("next_offset", null)))
      .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    repository.find(Caller.of(ctx).id(), ctx.pathParam("name"))
      .compose(stream -> stream == null ? Future.failedFuture(ApiException.notFound("Stream")) : lag(stream))
      .onSuccess(stream -> Json.ok(ctx, stream))
      .onFailure(ctx::fail);
  }

  private void stop(RoutingContext ctx) {
    repository.stop(Caller.of(ctx).id(), ctx.pathParam("name"), AuditEvent.by(ctx, "stream.stopped", "stream", null,
      null, null)).onSuccess(found -> {
      if (!found) {
        ctx.fail(ApiException.notFound("Stream"));
        return;
      }
      vertx.eventBus().publish(StreamContract.CHANGED, new JsonObject().put("name", ctx.pathParam("name")));
      ctx.response().setStatusCode(204).end();
    }).onFailure(ctx::fail);
  }

  private void share(RoutingContext ctx) {
    String email = Json.body(ctx).getString("email");
    repository.find(Caller.of(ctx).id(), ctx.pathParam("name")).compose(stream -> {
      if (stream == null) {
        return Future.failedFuture(ApiException.notFound("Stream"));
      }
      return repository.share(UUID.fromString(stream.getString("stream_id")), email,
        AuditEvent.by(ctx, "share.granted", "stream", null, null, null)).compose(user -> user == null
        ? Future.failedFuture(new ApiException(ErrorCode.NOT_FOUND, "No user with that email",
        new JsonObject().put("field", "email")))
        : Future.succeededFuture(new JsonObject().put("user_id", user.toString()).put("email", email)));
    }).onSuccess(shared -> Json.created(ctx, shared)).onFailure(ctx::fail);
  }

  private void unshare(RoutingContext ctx) {
    UUID user = Params.pathId(ctx, "user_id", "Share");
    repository.find(Caller.of(ctx).id(), ctx.pathParam("name")).compose(stream -> stream == null
        ? Future.succeededFuture(false) : repository.unshare(UUID.fromString(stream.getString("stream_id")), user,
          AuditEvent.by(ctx, "share.revoked", "stream", null, null, null)))
      .onSuccess(removed -> {
        if (removed) {
          ctx.response().setStatusCode(204).end();
        } else {
          ctx.fail(ApiException.notFound("Share"));
        }
      }).onFailure(ctx::fail);
  }

  /** The stream with {@code lag}: records in its topic not yet in its dataset (null when Kafka cannot say). */
  private Future<JsonObject> lag(JsonObject stream) {
    String topic = stream.getString("topic");
    stream.remove("owner_id");
    return endOffsets(topic).compose(ends -> repository.offsets(UUID.fromString(stream.getString("stream_id"))).map(stored -> {
      long lag = 0;
      for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
        Long next = stored.get(e.getKey().getPartition());
        if (next != null || !"latest".equals(stream.getString("start_from"))) {
          lag += Math.max(0, e.getValue() - (next == null ? 0 : next));
        }
      }
      return stream.put("lag", lag);
    })).timeout(3, TimeUnit.SECONDS).otherwise(err -> stream.put("lag", null));
  }

  /** The end offset of every partition of the topic. */
  private Future<Map<TopicPartition, Long>> endOffsets(String topic) {
    return admin.describeTopics(List.of(topic)).compose(described -> {
      Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
      described.get(topic).getPartitions().forEach(p -> ends.put(new TopicPartition(topic, p.getPartition()), OffsetSpec.LATEST));
      return admin.listOffsets(ends);
    }).map(ends -> {
      Map<TopicPartition, Long> out = new HashMap<>();
      ends.forEach((tp, info) -> out.put(tp, info.getOffset()));
      return out;
    });
  }

  /** Creates the topic (when producers have not yet) and its dead-letter topic. */
  private Future<Void> ensureTopics(String topic) {
    short replication = (short) (int) kafka.getInteger("replication_factor", 1);
    int partitions = kafka.getInteger("partitions", 3);
    return admin.listTopics().compose(existing -> {
      List<NewTopic> missing = new ArrayList<>();
      if (!existing.contains(topic)) {
        missing.add(new NewTopic(topic, partitions, replication));
      }
      if (!existing.contains(StreamContract.deadLetterTopic(topic))) {
        missing.add(new NewTopic(StreamContract.deadLetterTopic(topic), partitions, replication));
      }
      return missing.isEmpty() ? Future.<Void>succeededFuture() : admin.createTopics(missing);
    }).timeout(10, TimeUnit.SECONDS).recover(err -> err instanceof TopicExistsException
      || err.getCause() instanceof TopicExistsException ? Future.succeededFuture()
      : Future.failedFuture(new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "Kafka did not answer; try again shortly")));
  }
}
