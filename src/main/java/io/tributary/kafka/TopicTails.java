package io.tributary.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Reads the last committed records of topics (read_committed) and collects the values of one header: how the
 * outbox relay learns which of its in-doubt batches reached Kafka. Blocking: call from a worker.
 */
public final class TopicTails {

  private TopicTails() {
  }

  /** The values of {@code header} among the last {@code depth} records of every partition of the topics. */
  public static Set<String> headerValues(Map<String, String> consumerConfig, Collection<String> topics, String header,
                                         int depth) {
    Properties props = new Properties();
    props.putAll(consumerConfig);
    props.remove("group.id");
    props.put("enable.auto.commit", "false");
    props.put("isolation.level", "read_committed");
    Set<String> found = new HashSet<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        if (infos != null) {
          infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
      }
      if (partitions.isEmpty()) {
        return found;
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
      for (TopicPartition tp : partitions) {
        consumer.seek(tp, Math.max(0, ends.get(tp) - depth));
      }
      long deadline = System.currentTimeMillis() + 15_000;
      while (System.currentTimeMillis() < deadline && !atEnd(consumer, partitions, ends)) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          Header h = record.headers().lastHeader(header);
          if (h != null) {
            found.add(new String(h.value(), StandardCharsets.UTF_8));
          }
        }
      }
      if (!atEnd(consumer, partitions, ends)) {
        throw new IllegalStateException("could not read the end of " + topics + " in time");
      }
    }
    return found;
  }

  private static boolean atEnd(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> ends) {
    for (TopicPartition tp : partitions) {
      if (consumer.position(tp) < ends.get(tp)) {
        return false;
      }
    }
    return true;
  }
}
