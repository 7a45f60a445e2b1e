package io.tributary.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.tributary.config.EnvOverrides;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Hazelcast configuration built from ours. No Kubernetes cluster exists here, so the Kubernetes join is checked
 * as configuration only: the member list Hazelcast would ask the Kubernetes API for.
 */
@DisplayName("The cluster's Hazelcast configuration")
class HazelcastSetupTest {

  @Test
  @DisplayName("by default nodes join the configured addresses over TCP, with multicast and Kubernetes off")
  void tcpJoinByDefault() {
    JoinConfig join = HazelcastSetup.config(ClusterSettings.of(new JsonObject().put("cluster", new JsonObject()
      .put("enabled", true).put("members", "10.0.0.1:5701, 10.0.0.2:5701")))).getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
  }

  @Test
  @DisplayName("with cluster.kubernetes.enabled nodes find each other through the service in the namespace")
  void kubernetesDiscoveryFromTheEnvironment() {
    JsonObject cfg = new JsonObject().put("cluster", new JsonObject().put("enabled", false).put("members", "")
      .put("kubernetes", new JsonObject().put("enabled", false).put("namespace", "").put("service_name", "")));
    Config config = HazelcastSetup.config(ClusterSettings.of(EnvOverrides.apply(cfg, Map.of(
      "TRIBUTARY_CLUSTER_ENABLED", "true",
      "TRIBUTARY_CLUSTER_KUBERNETES_ENABLED", "true",
      "TRIBUTARY_CLUSTER_KUBERNETES_NAMESPACE", "analytics",
      "TRIBUTARY_CLUSTER_KUBERNETES_SERVICE_NAME", "tributary-hazelcast"))));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("namespace")).isEqualTo("analytics");
    assertThat(join.getKubernetesConfig().getProperty("service-name")).isEqualTo("tributary-hazelcast");
    assertThat(join.getTcpIpConfig().isEnabled()).as("the address list is not used").isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getPublicAddress()).as("the pod's own address is announced").isNull();
  }

  @Test
  @DisplayName("an empty namespace leaves Hazelcast to use the pod's own namespace")
  void podNamespaceByDefault() {
    JoinConfig join = HazelcastSetup.config(ClusterSettings.of(new JsonObject().put("cluster", new JsonObject()
      .put("enabled", true).put("kubernetes", new JsonObject().put("enabled", true).put("service_name", "tributary")))))
      .getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("namespace")).isNull();
    assertThat(join.getKubernetesConfig().getProperty("service-name")).isEqualTo("tributary");
  }
}
