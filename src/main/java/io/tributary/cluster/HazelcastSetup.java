package io.tributary.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Makes a Vert.x builder clustered over Hazelcast: TCP join to the configured members, or Kubernetes discovery
 * when {@code cluster.kubernetes.enabled}; multicast off, the event bus on {@code host}. A member that stops
 * answering leaves the cluster after about 10 s.
 */
public final class HazelcastSetup {

  private HazelcastSetup() {
  }

  /** The Hazelcast configuration of {@code settings} (Vert.x's maps and multimaps, our network). */
  static Config config(ClusterSettings settings) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName("tributary");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false"); // Vert.x leaves the cluster on close
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    config.setProperty("hazelcast.health.monitoring.level", "OFF");
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.getNetworkConfig().setPort(settings.port()).setPortAutoIncrement(false).setPublicAddress(settings.host());
    config.getNetworkConfig().getInterfaces().setEnabled(false);
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    ClusterSettings.Kubernetes k8s = settings.kubernetes();
    if (k8s.enabled()) {
      // the pod's address comes from the Kubernetes API: no fixed interface or public address to announce
      config.getNetworkConfig().setPublicAddress(null);
      join.getTcpIpConfig().setEnabled(false);
      KubernetesConfig discovery = join.getKubernetesConfig().setEnabled(true);
      if (!k8s.namespace().isBlank()) {
        discovery.setProperty("namespace", k8s.namespace());
      }
      if (!k8s.serviceName().isBlank()) {
        discovery.setProperty("service-name", k8s.serviceName());
      }
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(settings.members()).setConnectionTimeoutSeconds(2);
    }
    return config;
  }

  /** Binds the event bus of {@code options} to {@code settings.host()} (call before building). */
  public static VertxOptions busOptions(VertxOptions options, ClusterSettings settings) {
    options.getEventBusOptions().setHost(settings.host()).setPort(settings.busPort())
      .setClusterPublicHost(settings.host());
    return options;
  }

  /** Adds the Hazelcast cluster manager of {@code settings}. */
  public static VertxBuilder clustered(VertxBuilder builder, ClusterSettings settings) {
    return builder.withClusterManager(new HazelcastClusterManager(config(settings)));
  }
}
