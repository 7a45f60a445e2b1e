package io.tributary.config;

import io.vertx.core.json.JsonObject;

/**
 * The configuration each verticle is deployed with: the keys of its own section at the top level, plus, by name,
 * the shared sections it uses ({@code postgres}, {@code redis}, {@code kafka}, {@code node}, ...). Settings derived
 * from others are computed here once: {@code node} holds the data directory, this process's id and
 * {@code file_grace_ms}, how long files replaced or deleted stay on disk for queries that may still read them
 * (twice {@code query.timeout_ms}, at least one second).
 */
public final class Sections {

  /** The shared section of this process: {@code {data_dir, node_id, file_grace_ms}}. */
  public static final String NODE = "node";

  private Sections() {
  }

  /** Adds the {@link #NODE} section to the whole configuration (call once the data directory is known). */
  public static JsonObject withNode(JsonObject cfg, String dataDir, String nodeId) {
    long grace = Math.max(1_000L, cfg.getJsonObject("query", new JsonObject()).getLong("timeout_ms", 30_000L) * 2);
    return cfg.put(NODE, new JsonObject().put("data_dir", dataDir).put("node_id", nodeId).put("file_grace_ms", grace));
  }

  /** The configuration of a verticle whose own section is {@code own}, with the named shared sections. */
  public static JsonObject of(JsonObject cfg, String own, String... shared) {
    JsonObject out = cfg.getJsonObject(own, new JsonObject()).copy();
    for (String name : shared) {
      out.put(name, cfg.getJsonObject(name, new JsonObject()).copy());
    }
    return out;
  }
}
