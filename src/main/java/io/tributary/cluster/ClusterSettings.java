package io.tributary.cluster;

import io.tributary.config.EnvOverrides;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code cluster} section, read before Vert.x starts (the clustered event bus is chosen when it is built):
 * {@code enabled}, {@code members} (comma-separated {@code host[:port]} of the Hazelcast members, TCP join),
 * {@code host} (the address this node binds and announces), {@code port} (Hazelcast) and {@code bus_port}
 * (the event bus; 0 picks a free one), and {@code kubernetes} ({@link Kubernetes}: members found through the
 * Kubernetes API instead of the address list).
 */
public record ClusterSettings(boolean enabled, List<String> members, String host, int port, int busPort,
                              Kubernetes kubernetes) {

  /** Off: one node, a local event bus. */
  public static final ClusterSettings OFF = new ClusterSettings(false, List.of(), "127.0.0.1", 5701, 0,
    Kubernetes.OFF);

  /**
   * The {@code cluster.kubernetes} section: when {@code enabled}, Hazelcast's built-in Kubernetes discovery lists
   * the pods behind the headless service {@code service_name} in {@code namespace} (empty: the pod's own
   * namespace) through the Kubernetes API, and the address list is not used.
   */
  public record Kubernetes(boolean enabled, String namespace, String serviceName) {

    /** Not on Kubernetes. */
    public static final Kubernetes OFF = new Kubernetes(false, "", "");

    static Kubernetes of(JsonObject c) {
      JsonObject k = c.getJsonObject("kubernetes", new JsonObject());
      return new Kubernetes(k.getBoolean("enabled", false), k.getString("namespace", ""),
        k.getString("service_name", ""));
    }
  }

  /** From a configuration's {@code cluster} section. */
  public static ClusterSettings of(JsonObject cfg) {
    JsonObject c = cfg.getJsonObject("cluster", new JsonObject());
    List<String> members = Arrays.stream(c.getString("members", "").split(","))
      .map(String::trim).filter(m -> !m.isEmpty()).toList();
    return new ClusterSettings(c.getBoolean("enabled", false), members, c.getString("host", "127.0.0.1"),
      c.getInteger("port", 5701), c.getInteger("bus_port", 0), Kubernetes.of(c));
  }

  /**
   * The section as {@code AppConfig} would load it (the shipped defaults, the operator's {@code TRIBUTARY_CONFIG}
   * file, then the environment), read synchronously because no Vert.x instance exists yet.
   */
  public static ClusterSettings load(Map<String, String> env) throws IOException {
    JsonObject cfg;
    try (InputStream in = ClusterSettings.class.getResourceAsStream("/config.json")) {
      cfg = in == null ? new JsonObject() : new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    String operatorFile = env.get("TRIBUTARY_CONFIG");
    if (operatorFile != null && !operatorFile.isBlank() && Files.isRegularFile(Path.of(operatorFile))) {
      cfg.mergeIn(new JsonObject(Files.readString(Path.of(operatorFile))), true);
    }
    return of(EnvOverrides.apply(cfg, env));
  }
}
