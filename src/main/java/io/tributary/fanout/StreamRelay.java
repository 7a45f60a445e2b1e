package io.tributary.fanout;

import io.tributary.kafka.KafkaSettings;
import io.tributary.stream.StreamContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.common.PartitionInfo;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads every partition of the topics of all running streams (assigned by hand: no consumer group, no rebalance
 * delay; new partitions start at their end: live delivery is from now on, the dataset is the durable copy) and
 * publishes each record on the event-bus address of every stream of its topic, for the HttpServerVerticle
 * instances to forward.
 */
final class StreamRelay {

  private static final Logger LOG = LoggerFactory.getLogger(StreamRelay.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final KafkaConsumer<String, byte[]> consumer;
  private Map<String, List<String>> streamsByTopic = new HashMap<>();
  private Set<TopicPartition> assigned = new HashSet<>();
  private boolean closed;
  /** The last reload started or queued, and whether one is queued and not started yet. */
  private Future<Void> last = Future.succeededFuture();
  private boolean queued;

  StreamRelay(Vertx vertx, JsonObject kafka, String nodeId) {
    this.vertx = vertx;
    // every process needs every partition of every stream topic: assigned by hand, no group and no rebalancing
    Map<String, String> config = KafkaSettings.consumer(kafka, "tributary-fanout-streams-" + nodeId, "latest");
    config.remove("group.id");
    config.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    config.put("enable.auto.commit", "false");
    config.put("isolation.level", "read_uncommitted");
    config.put("fetch.max.wait.ms", "10");
    config.put("max.poll.records", "5000");
    this.consumer = KafkaConsumer.create(vertx, config);
    consumer.exceptionHandler(err -> LOG.warn("Live stream relay error: {}", err.getMessage()));
    // the batch handler alone drives the polling: one publication per stream and poll, not per record
    consumer.batchHandler(this::relay);
  }

  /**
   * Follows the topics of the running streams (call on start, on changes and periodically). Reloads run one at a
   * time, and a call while one runs queues one more (a queued one covers every later call until it starts): two
   * overlapping reloads could finish out of order, and the older list of streams would then drop a new stream's
   * partitions until the next periodic reload, which starts them at their end after records sent meanwhile.
   */
  Future<Void> reload() {
    if (queued) {
      return last;
    }
    queued = true;
    last = last.transform(previous -> {
      queued = false;
      return load();
    });
    return last;
  }

  private Future<Void> load() {
    if (closed) {
      return Future.succeededFuture();
    }
    return StreamContract.running(vertx).compose(running -> {
      if (closed) {
        return Future.<Void>succeededFuture();
      }
      Map<String, List<String>> byTopic = new HashMap<>();
      running.forEach(s -> byTopic.computeIfAbsent(s.topic(), t -> new ArrayList<>()).add(s.streamId()));
      streamsByTopic = byTopic;
      List<Future<List<PartitionInfo>>> partitions = new ArrayList<>();
      byTopic.keySet().forEach(topic -> partitions.add(consumer.partitionsFor(topic)));
      return Future.all(partitions).compose(all -> {
        if (closed) {
          return Future.<Void>succeededFuture();
        }
        Set<TopicPartition> wanted = new HashSet<>();
        partitions.forEach(f -> f.result().forEach(p -> wanted.add(new TopicPartition(p.getTopic(), p.getPartition()))));
        if (wanted.equals(assigned)) {
          return Future.succeededFuture();
        }
        Set<TopicPartition> added = new HashSet<>(wanted);
        added.removeAll(assigned);
        assigned = wanted;
        if (wanted.isEmpty()) {
          return consumer.unsubscribe();
        }
        // a new partition's position is resolved now ("latest" as of this assignment), not at some later poll
        return consumer.assign(wanted).compose(v -> Future.all(added.stream().map(consumer::position).toList()))
          .mapEmpty();
      });
    }).otherwise(err -> {
      LOG.warn("Live stream relay: running streams not loaded: {}", err.getMessage());
      return null;
    });
  }

  /**
   * Completes once the relay follows the stream: at once when a finished reload already follows it, else after a
   * reload that started after this call (when the stream is running, its topic's partitions are then assigned with
   * their positions resolved), so every record sent from now on is relayed.
   */
  Future<Void> following(String streamId) {
    boolean settled = !queued && last.isComplete();
    if (settled && streamsByTopic.values().stream().anyMatch(ids -> ids.contains(streamId))) {
      return Future.succeededFuture(); // followed since a finished reload: its positions are resolved
    }
    return reload();
  }

  /**
   * Closes the consumer; nothing calls it afterwards (verticles.md, "Kafka consumers").
   */
  Future<Void> close() {
    closed = true;
    return consumer.close();
  }

  private void relay(KafkaConsumerRecords<String, byte[]> records) {
    Map<String, List<LiveRecord>> byTopic = new HashMap<>();
    long now = System.currentTimeMillis();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, byte[]> r = records.recordAt(i);
      if (streamsByTopic.containsKey(r.topic())) {
        FanoutMetrics.relayed(now, r.timestamp());
        LiveRecord update = LiveRecord.update(r.value(), r.key(), r.timestamp());
        update.valid(); // checked here, once, off the event loops that write to sockets
        byTopic.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(update);
      }
    }
    byTopic.forEach((topic, updates) -> {
      LiveBatch batch = new LiveBatch(List.copyOf(updates));
      for (String id : streamsByTopic.get(topic)) {
        vertx.eventBus().publish(FanoutContract.streamAddress(id), batch, LOCAL);
      }
    });
  }
}
