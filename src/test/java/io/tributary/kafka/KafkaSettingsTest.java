package io.tributary.kafka;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("kafka.namespace keeps deployments that share a Kafka cluster apart")
class KafkaSettingsTest {

  private static JsonObject config(String namespace) {
    return new JsonObject().put("kafka", new JsonObject().put("bootstrap", "127.0.0.1:9092").put("namespace", namespace)
      .put("topics", new JsonObject().put("ingestion", "data.ingestion").put("processing_complete", "data.processing.complete")));
  }

  @Test
  @DisplayName("with a namespace, Tributary's topics, groups and transactional ids carry it; without, they are as named")
  void namespace() {
    JsonObject kafka = KafkaSettings.withNamespace(config("blue")).getJsonObject("kafka");
    assertThat(kafka.getJsonObject("topics").getString("ingestion")).isEqualTo("blue.data.ingestion");
    assertThat(kafka.getJsonObject("topics").getString("processing_complete")).isEqualTo("blue.data.processing.complete");
    assertThat(KafkaSettings.consumer(kafka, "tributary-ingestion", "earliest").get("group.id"))
      .isEqualTo("blue.tributary-ingestion");
    assertThat(KafkaSettings.transactionalProducer(kafka, "tributary-outbox-relay").get("transactional.id"))
      .isEqualTo("blue.tributary-outbox-relay");

    JsonObject plain = KafkaSettings.withNamespace(config(null)).getJsonObject("kafka");
    assertThat(plain.getJsonObject("topics").getString("ingestion")).isEqualTo("data.ingestion");
    assertThat(KafkaSettings.consumer(plain, "tributary-ingestion", "earliest").get("group.id")).isEqualTo("tributary-ingestion");
  }
}
