package io.tributary.stream;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Event-bus contract of the stream feature. Kafka: each stream consumes its own topic in the group
 * {@code tributary-stream-<stream_id>}; records that are not JSON objects go to {@code <topic>.dlq} with the reason
 * in the header {@value #DLQ_REASON_HEADER}.
 */
public final class StreamContract {

  /**
   * Publish, body {@code {stream_id}} or {@code {name}}: a stream was registered, stopped or resumed. StreamVerticle
   * and FanoutVerticle reload the running streams (they also do every 5 s, for changes made by another process).
   */
  public static final String CHANGED = "streams.changed";

  /**
   * Request/reply (local), no body: the running streams, {@code {streams:[{stream_id, topic}]}}. Answered by this
   * process's StreamVerticle from PostgreSQL; fails with {@code SERVICE_UNAVAILABLE} when PostgreSQL cannot answer.
   */
  public static final String RUNNING = "streams.running";

  /** Header of a dead letter: why the record could not become a row. */
  public static final String DLQ_REASON_HEADER = "tributary-dlq-reason";
  /** Header of a dead letter: the stream it was meant for. */
  public static final String DLQ_STREAM_HEADER = "tributary-stream";
  /** Header of a dead letter: partition and offset of the original record ({@code p:offset}). */
  public static final String DLQ_SOURCE_HEADER = "tributary-source";

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setSendTimeout(10_000);

  /** A running stream: its id and the topic it consumes. */
  public record Running(String streamId, String topic) {
  }

  private StreamContract() {
  }

  /** Asks {@link #RUNNING}. */
  public static Future<List<Running>> running(Vertx vertx) {
    return vertx.eventBus().<JsonObject>request(RUNNING, null, LOCAL).map(reply -> reply.body()
      .getJsonArray("streams", new JsonArray()).stream().map(JsonObject.class::cast)
      .map(s -> new Running(s.getString("stream_id"), s.getString("topic"))).toList());
  }

  /** The reply to {@link #RUNNING}. */
  static JsonObject runningReply(List<JsonObject> streams) {
    JsonArray out = new JsonArray();
    streams.forEach(s -> out.add(new JsonObject().put("stream_id", s.getString("stream_id")).put("topic", s.getString("topic"))));
    return new JsonObject().put("streams", out);
  }

  /** The dead-letter topic of a topic. */
  public static String deadLetterTopic(String topic) {
    return topic + ".dlq";
  }

  /** The consumer group of a stream. */
  static String group(String streamId) {
    return "tributary-stream-" + streamId;
  }
}
