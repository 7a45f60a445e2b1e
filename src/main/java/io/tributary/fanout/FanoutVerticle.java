package io.tributary.fanout;

import io.tributary.config.Sections;
import io.tributary.ingest.JobContract;
import io.tributary.stream.StreamContract;
import io.tributary.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns job events into socket messages on each owner's event-bus address ({@link JobEvents#userAddress}):
 * progress from the {@code jobs.progress} publications, completion and failure from the
 * {@code data.processing.complete} Kafka topic (consumed by every process in a group of its own, from the
 * latest offset, so each process reaches its own sockets). Every HttpServerVerticle instance forwards a
 * user's address to that user's sockets. Also relays the records of every running stream to their live
 * sockets ({@link StreamRelay}).
 */
public final class FanoutVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FanoutVerticle.class);
  private static final io.vertx.core.eventbus.DeliveryOptions LOCAL = new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true);
  private KafkaConsumer<String, String> consumer;
  private StreamRelay relay;
  private boolean stopping;

  @Override
  public Future<?> start() {
    String nodeId = config().getJsonObject(Sections.NODE).getString("node_id");
    relay = new StreamRelay(vertx, config().getJsonObject("kafka"), nodeId);
    vertx.eventBus().consumer(StreamContract.CHANGED, msg -> relay.reload());
    vertx.setPeriodic(5_000, id -> relay.reload());
    vertx.eventBus().<JsonObject>localConsumer(FanoutContract.FOLLOWING, msg ->
      relay.following(msg.body().getString("stream_id")).onComplete(done -> msg.reply(null)));
    vertx.eventBus().<JsonObject>consumer(JobContract.PROGRESS, msg -> forward(JobContract.TYPE_PROGRESS, msg.body()));
    JsonObject kafka = config().getJsonObject("kafka");
    consumer = KafkaConsumer.create(vertx,
      KafkaSettings.staticConsumer(kafka, "tributary-fanout-" + nodeId, "latest", "fanout-" + nodeId));
    consumer.handler(this::onCompletion);
    consumer.exceptionHandler(err -> LOG.warn("Fan-out consumer error: {}", err.getMessage()));
    return consumer.subscribe(kafka.getJsonObject("topics").getString("processing_complete"))
      .compose(v -> relay.reload());
  }

  @Override
  public Future<?> stop() {
    stopping = true; // nothing calls a closing consumer (verticles.md, "Kafka consumers")
    return Future.join(consumer.close(), relay.close());
  }

  private void onCompletion(KafkaConsumerRecord<String, String> record) {
    try {
      JsonObject event = new JsonObject(record.value());
      JsonObject payload = event.getJsonObject("payload");
      String type = "completed".equals(payload.getString("status")) ? JobContract.TYPE_COMPLETED : JobContract.TYPE_FAILED;
      forward(type, payload);
    } catch (RuntimeException e) {
      LOG.warn("Skipping malformed completion event at offset {}: {}", record.offset(), e.getMessage());
    }
    if (!stopping) {
      consumer.commit();
    }
  }

  private void forward(String type, JsonObject event) {
    String owner = event.getString("owner_id");
    if (owner == null) {
      return;
    }
    JsonObject data = event.copy();
    data.remove("owner_id");
    // to this node's sockets: every node reads the completion topic, and progress reaches every node's fan-out
    vertx.eventBus().publish(FanoutContract.userAddress(owner), FanoutContract.socketMessage(type, data), LOCAL);
  }
}
