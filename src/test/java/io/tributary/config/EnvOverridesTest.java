package io.tributary.config;

import io.tributary.support.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Configuration")
class EnvOverridesTest {

  @Test
  @DisplayName("conf/config.json holds every default and environment variables override them with the right types")
  void overrides() {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject defaults = Await.result(AppConfig.load(vertx, Map.of()));
      assertThat(defaults.getJsonObject("http").getInteger("port")).isEqualTo(8080);
      assertThat(defaults.getString("data_dir")).isEqualTo("./tributary-data");
      assertThat(defaults.getJsonObject("http").getLong("max_upload_bytes")).isEqualTo(5L * 1024 * 1024 * 1024);
      EnvOverrides.NAMES.values().forEach(path -> {
        JsonObject node = defaults;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
          node = node.getJsonObject(parts[i]);
          assertThat(node).as(path).isNotNull();
        }
        assertThat(node.containsKey(parts[parts.length - 1])).as("config.json has a default for " + path).isTrue();
      });

      JsonObject cfg = Await.result(AppConfig.load(vertx, Map.of("TRIBUTARY_HTTP_PORT", "9999",
        "TRIBUTARY_PG_URL", "postgresql://u:p@db:5432/x", "TRIBUTARY_MAX_UPLOAD_BYTES", "1024",
        "TRIBUTARY_ML_TRAIN_TIMEOUT_MS", "5000")));
      assertThat(cfg.getJsonObject("ml").getLong("train_timeout_ms")).isEqualTo(5000L);
      assertThat(cfg.getJsonObject("http").getValue("port")).isEqualTo(9999);
      assertThat(cfg.getJsonObject("postgres").getString("url")).isEqualTo("postgresql://u:p@db:5432/x");
      assertThat(cfg.getJsonObject("http").getLong("max_upload_bytes")).isEqualTo(1024L);
      assertThat(EnvOverrides.apply(defaults.copy(), Map.of("TRIBUTARY_SOURCES_ALLOWED_HOSTS", "10.0.0.0/8, db.example"))
        .getJsonObject("sources").getJsonArray("allowed_hosts").getList()).containsExactly("10.0.0.0/8", "db.example");
      assertThatThrownBy(() -> EnvOverrides.apply(defaults.copy(), Map.of("TRIBUTARY_HTTP_PORT", "eighty")))
        .hasMessageContaining("http.port");
    } finally {
      vertx.close();
    }
  }
}
