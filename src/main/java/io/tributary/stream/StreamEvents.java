package io.tributary.stream;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.Json;
import io.tributary.kafka.KafkaSettings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.kafka.client.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/streams/{name}/events}: NDJSON or a JSON array of records into the stream's topic, for
 * producers that cannot speak Kafka. The reply {@code {accepted, rejected:[{line, error}]}} comes once Kafka has
 * acknowledged every accepted record (idempotent producer, {@code acks=all}); the stream then ingests them like any
 * other record of its topic. {@code {name}} is the caller's own stream, or {@code <collection>.<stream>}: a stream of
 * a collection the caller owns or edits (their own collection first, as in SQL); a viewer of that collection gets
 * 403, anyone else 404. Rate limited like the query routes; bodies above {@code http.max_event_bytes} get 413.
 */
public final class StreamEvents {

  private static final Logger LOG = LoggerFactory.getLogger(StreamEvents.class);
  private static final Pattern PATH = Pattern.compile("^/api/v1/streams/[^/]+/events$");
  /** Bodies up to this size are checked on the event loop; larger ones on a worker. */
  private static final int INLINE_PARSE_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final StreamRepository repository;
  private final Map<String, String> settings;
  private final long maxBytes;
  private KafkaProducer<String, String> producer;

  /**
   * @param kafka    the {@code kafka} section (resolved bootstrap)
   * @param maxBytes the largest body accepted ({@code http.max_event_bytes})
   */
  public StreamEvents(Vertx vertx, StreamRepository repository, JsonObject kafka, long maxBytes) {
    this.vertx = vertx;
    this.repository = repository;
    this.maxBytes = maxBytes;
    this.settings = KafkaSettings.producer(kafka);
    // concurrent requests share large batches (the reply waits for the acks anyway); a 10 MB request on a busy
    // broker may take longer than the default delivery timeout of the upload path's producer
    settings.put("linger.ms", "5");
    settings.put("batch.size", "262144");
    settings.put("delivery.timeout.ms", "60000");
    settings.put("request.timeout.ms", "20000");
  }

  /**
   * The process's events producer, made on first use on a worker (making one blocks); shared by the HTTP verticles
   * and closed with the last of them.
   */
  private synchronized Producer<String, String> producer() {
    if (producer == null) {
      producer = KafkaProducer.createShared(vertx, "tributary-stream-events", settings);
    }
    return producer.unwrap();
  }

  /** True for the events path: its body is read after authentication, with its own limit. */
  public static boolean isEventsPath(String path) {
    return PATH.matcher(path).matches();
  }

  public void mount(Router router, Handler<RoutingContext> rateLimit) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBytes);
    // the limit is checked before the body is read (a wrapped body handler may follow it)
    router.post("/api/v1/streams/:name/events").handler(rateLimit).handler(this::admit).handler(body::handle)
      .handler(this::events);
  }

  /** A declared length over the limit gets 413 before any of the body is read; otherwise 100 Continue if asked. */
  private void admit(RoutingContext ctx) {
    String length = ctx.request().getHeader("Content-Length");
    if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19
      && Long.parseLong(length) > maxBytes) {
      ctx.fail(new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "Send at most " + maxBytes + " bytes of events per request",
        new JsonObject().put("max_bytes", maxBytes)));
      return;
    }
    if ("100-continue".equalsIgnoreCase(ctx.request().getHeader("Expect"))) {
      ctx.response().writeContinue();
    }
    ctx.next();
  }

  private void events(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "Send records as NDJSON (one JSON object per line) or a JSON array");
    }
    topic(Caller.of(ctx).id(), ctx.pathParam("name"))
      .compose(topic -> topic == null ? Future.failedFuture(ApiException.notFound("Stream"))
        : parse(body).compose(parsed -> produce(topic, parsed.records()).map(parsed)))
      .onSuccess(parsed -> Json.ok(ctx, new JsonObject().put("accepted", parsed.records().size())
        .put("rejected", parsed.rejected())))
      .onFailure(ctx::fail);
  }

  /** The topic the caller may send to under this name, null when they see no such stream; 403 for a viewer. */
  private Future<String> topic(UUID callerId, String name) {
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return repository.topic(callerId, name);
    }
    String collection = name.substring(0, dot);
    return repository.collectedTopic(callerId, collection, name.substring(dot + 1)).map(found -> {
      if (found != null && "viewer".equals(found.getString("role"))) {
        throw new ApiException(ErrorCode.FORBIDDEN, "Only the owner or an editor of collection " + collection
          + " may send events to its streams; you are a viewer");
      }
      return found == null ? null : found.getString("topic");
    });
  }

  private Future<EventLines.Parsed> parse(Buffer body) {
    if (body.length() <= INLINE_PARSE_BYTES) {
      return Future.succeededFuture(EventLines.parse(body));
    }
    return vertx.executeBlocking(() -> EventLines.parse(body), false);
  }

  /** Sends every record and completes once Kafka acknowledged all of them (or fails at the first that failed). */
  private Future<Void> produce(String topic, List<String> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> {
      // send() blocks only while the topic's metadata or buffer space is missing, hence the worker
      Producer<String, String> kafka = producer();
      CompletableFuture<Void> acked = new CompletableFuture<>();
      AtomicInteger left = new AtomicInteger(records.size());
      for (String record : records) {
        kafka.send(new ProducerRecord<>(topic, record), (metadata, err) -> {
          if (err != null) {
            acked.completeExceptionally(err);
          } else if (left.decrementAndGet() == 0) {
            acked.complete(null);
          }
        });
      }
      return acked;
    }, false).compose(acked -> Future.fromCompletionStage(acked, context)).recover(err -> {
      LOG.warn("Events for topic {} not acknowledged by Kafka: {}", topic, err.toString());
      return Future.failedFuture(new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "Kafka did not acknowledge the "
        + "records; some may have been written. Try again shortly"));
    });
  }
}
