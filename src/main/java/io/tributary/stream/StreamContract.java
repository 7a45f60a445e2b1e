package io.tributary.stream;

/**
 * Event-bus contract of the stream feature.
 * <ul>
 *   <li>{@link #CHANGED}: publish, body {@code {stream_id}} — a stream was registered, stopped, resumed or
 *       deleted; StreamVerticle and FanoutVerticle reload the running streams (they also do every few seconds,
 *       for changes made by another process).</li>
 * </ul>
 * Records of a stream are published live on {@code fanout.stream.<stream_id>} (see
 * {@link io.tributary.fanout.StreamUpdate}). Kafka: each stream consumes its own topic in the group
 * {@code tributary-stream-<stream_id>}; records that are not JSON objects go to {@code <topic>.dlq} with the
 * reason in the header {@value #DLQ_REASON_HEADER}.
 */
public final class StreamContract {

  /** Publish: a stream's registration changed. */
  public static final String CHANGED = "streams.changed";
  /** Header of a dead letter: why the record could not become a row. */
  public static final String DLQ_REASON_HEADER = "tributary-dlq-reason";
  /** Header of a dead letter: the stream it was meant for. */
  public static final String DLQ_STREAM_HEADER = "tributary-stream";
  /** Header of a dead letter: partition and offset of the original record ({@code p:offset}). */
  public static final String DLQ_SOURCE_HEADER = "tributary-source";

  private StreamContract() {
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
