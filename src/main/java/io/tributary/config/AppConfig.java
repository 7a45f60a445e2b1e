package io.tributary.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Loads Tributary's configuration: the defaults of {@code conf/config.json} (shipped in the jar), then an
 * operator's file named by {@code TRIBUTARY_CONFIG} (optional), then the environment variables of
 * {@link EnvOverrides}. Later sources win.
 */
public final class AppConfig {

  private AppConfig() {
  }

  /** Loads the effective configuration from the process environment. */
  public static Future<JsonObject> load(Vertx vertx) {
    return load(vertx, System.getenv());
  }

  /** Loads the effective configuration with the given environment (tests pass their own). */
  public static Future<JsonObject> load(Vertx vertx, Map<String, String> env) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
      .setScanPeriod(0)
      .setIncludeDefaultStores(false)
      .addStore(fileStore("config.json", false));
    String operatorFile = env.get("TRIBUTARY_CONFIG");
    if (operatorFile != null && !operatorFile.isBlank()) {
      options.addStore(fileStore(operatorFile, false));
    }
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
      .map(config -> io.tributary.kafka.KafkaSettings.withNamespace(EnvOverrides.apply(config, env)))
      .onComplete(done -> retriever.close());
  }

  private static ConfigStoreOptions fileStore(String path, boolean optional) {
    return new ConfigStoreOptions().setType("file").setFormat("json").setOptional(optional)
      .setConfig(new JsonObject().put("path", path));
  }
}
