package io.tributary.metrics;

import io.tributary.support.Api;
import io.tributary.support.TestApp;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Gauges the alert rules watch")
class OperationsGaugesTest {

  static double value(String metrics, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
    assertThat(m.find()).as(name + " is published").isTrue();
    return Double.parseDouble(m.group(2));
  }

  @Test
  @DisplayName("/metrics publishes the data directory's disk use and whether PostgreSQL, Redis and Kafka answer")
  void gauges() throws Exception {
    String metrics = Api.anonymous().get("/metrics").bodyAsString();
    FileStore store = Files.getFileStore(TestApp.get().dataDir);
    double expected = (double) (store.getTotalSpace() - store.getUsableSpace()) / store.getTotalSpace();
    assertThat(value(metrics, "tributary_data_dir_used_ratio")).isBetween(expected - 0.02, expected + 0.02);
    assertThat(value(metrics, "tributary_data_dir_total_bytes")).isEqualTo((double) store.getTotalSpace());
    assertThat(value(metrics, "tributary_postgres_up")).isEqualTo(1.0);
    assertThat(value(metrics, "tributary_redis_up")).isEqualTo(1.0);
    assertThat(value(metrics, "tributary_kafka_up")).isEqualTo(1.0);
  }
}
