package io.tributary.insight;

import io.tributary.config.Sections;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/**
 * The insight worker's settings: the {@code insight} section of the configuration; {@code timeoutMs} gives the
 * deadline of a request that carries none.
 */
record InsightSettings(String memoryLimit, int threads, int maxAnomalies, long timeoutMs, Path tempDir) {

  static InsightSettings from(JsonObject cfg) {
    return new InsightSettings(cfg.getString("memory_limit", "512MB"), cfg.getInteger("threads", 2),
      cfg.getInteger("max_anomalies", 50), cfg.getLong("timeout_ms", 60_000L),
      Path.of(cfg.getJsonObject(Sections.NODE).getString("data_dir"), "tmp", "insight"));
  }
}
