package io.tributary.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Creates the pipeline's topics (3 partitions) when they do not exist yet; also proves Kafka is reachable. */
public final class KafkaTopics {

  private KafkaTopics() {
  }

  public static Future<Void> ensure(Vertx vertx, JsonObject kafka) {
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, KafkaSettings.admin(kafka));
    JsonObject topics = kafka.getJsonObject("topics");
    short replication = (short) (int) kafka.getInteger("replication_factor", 1);
    List<NewTopic> wanted = topics.fieldNames().stream()
      .map(key -> new NewTopic(topics.getString(key), kafka.getInteger("partitions", 3), replication))
      .toList();
    return admin.listTopics()
      .compose(existing -> {
        List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.getName())).toList();
        return missing.isEmpty() ? Future.<Void>succeededFuture() : admin.createTopics(missing)
          .recover(err -> err instanceof TopicExistsException || err.getCause() instanceof TopicExistsException
            ? Future.succeededFuture() : Future.failedFuture(err));
      })
      .timeout(30, TimeUnit.SECONDS)
      .eventually(admin::close);
  }
}
