package io.tributary.kafka;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/** Kafka client settings derived from the {@code kafka} config section (with the resolved bootstrap). */
public final class KafkaSettings {

  private KafkaSettings() {
  }

  /** An idempotent, fully acknowledged producer of string keys and values that fails fast when Kafka is down. */
  public static Map<String, String> producer(JsonObject kafka) {
    Map<String, String> c = common(kafka);
    c.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    c.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    c.put("acks", "all");
    c.put("enable.idempotence", "true");
    c.put("max.block.ms", "5000");
    c.put("request.timeout.ms", "5000");
    c.put("delivery.timeout.ms", "15000");
    c.put("linger.ms", "0");
    return c;
  }

  /**
   * A transactional producer (exactly-once publication): one {@code transactionalId} per logical writer; a new
   * instance fences the previous one and settles its open transaction.
   */
  public static Map<String, String> transactionalProducer(JsonObject kafka, String transactionalId) {
    Map<String, String> c = producer(kafka);
    c.put("transactional.id", named(kafka, transactionalId));
    c.put("transaction.timeout.ms", "30000");
    c.put("max.block.ms", "10000");
    return c;
  }

  /**
   * A consumer that is a static member of its group ({@code group.instance.id} = {@code instanceId}): a process
   * that restarts, also after kill -9, takes its old place at once instead of waiting for the group to notice
   * that the previous member is gone (the session timeout) and rebalance.
   */
  public static Map<String, String> staticConsumer(JsonObject kafka, String groupId, String autoOffsetReset,
                                                   String instanceId) {
    Map<String, String> c = consumer(kafka, groupId, autoOffsetReset);
    c.put("group.instance.id", instanceId);
    c.put("session.timeout.ms", "15000");
    return c;
  }

  /** A consumer of string keys and values in the given group that commits offsets only when told to. */
  public static Map<String, String> consumer(JsonObject kafka, String groupId, String autoOffsetReset) {
    Map<String, String> c = common(kafka);
    c.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    c.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    c.put("group.id", named(kafka, groupId));
    c.put("enable.auto.commit", "false");
    c.put("auto.offset.reset", autoOffsetReset);
    c.put("isolation.level", "read_committed");
    return c;
  }

  /** Settings of the admin client (topic creation, health). */
  public static Map<String, String> admin(JsonObject kafka) {
    Map<String, String> c = common(kafka);
    c.put("request.timeout.ms", "5000");
    c.put("default.api.timeout.ms", "5000");
    return c;
  }

  /**
   * A consumer group or transactional id within this deployment's {@code kafka.namespace}: deployments that share a
   * Kafka cluster (each with its own PostgreSQL) must not share groups, or one would take the other's events.
   */
  static String named(JsonObject kafka, String name) {
    String namespace = kafka.getString("namespace");
    return namespace == null || namespace.isBlank() ? name : namespace + "." + name;
  }

  /**
   * Applies {@code kafka.namespace} to the topic names of the configuration ({@code kafka.topics.*}): with a namespace
   * {@code ns}, {@code data.ingestion} becomes {@code ns.data.ingestion}. Streams' topics are users' and stay as named.
   */
  public static JsonObject withNamespace(JsonObject config) {
    JsonObject kafka = config.getJsonObject("kafka");
    String namespace = kafka == null ? null : kafka.getString("namespace");
    if (namespace != null && !namespace.isBlank() && kafka.getJsonObject("topics") != null) {
      JsonObject topics = kafka.getJsonObject("topics");
      for (String key : topics.fieldNames()) {
        topics.put(key, namespace + "." + topics.getString(key));
      }
    }
    return config;
  }

  private static Map<String, String> common(JsonObject kafka) {
    Map<String, String> c = new HashMap<>();
    c.put("bootstrap.servers", kafka.getString("bootstrap"));
    c.put("client.dns.lookup", "use_all_dns_ips");
    c.put("reconnect.backoff.max.ms", "2000");
    return c;
  }
}
