package io.tributary.source;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The host allow-list of database sources")
class HostPolicyTest {

  /** A fake DNS: names resolve to the planted addresses. */
  static final Map<String, String[]> DNS = Map.of(
    "db.corp.example", new String[] {"10.0.0.5"},
    "rebind.corp.example", new String[] {"10.0.0.6", "169.254.169.254"},
    "metadata.corp.example", new String[] {"fd00:ec2::254"},
    "public.example", new String[] {"203.0.113.9"});

  static HostPolicy policy(boolean loopback, String... allowed) {
    return new HostPolicy(new JsonArray(java.util.List.of((Object[]) allowed)), loopback, host -> {
      String[] planted = DNS.get(host);
      if (planted == null) {
        if (host.matches("[0-9a-f.:]+")) {
          return new InetAddress[] {InetAddress.getByName(host)};
        }
        throw new UnknownHostException(host);
      }
      InetAddress[] out = new InetAddress[planted.length];
      for (int i = 0; i < planted.length; i++) {
        out[i] = InetAddress.getByName(planted[i]);
      }
      return out;
    });
  }

  static ErrorCode refusal(HostPolicy policy, String host) {
    try {
      policy.check(host);
      return null;
    } catch (ApiException e) {
      return e.code();
    }
  }

  @Test
  @DisplayName("CIDRs and name patterns allow hosts; every resolved address must pass")
  void allowList() throws Exception {
    HostPolicy p = policy(false, "10.0.0.0/24", "*.corp.example", "public.example");
    assertThat(p.check("10.0.0.200")).isEqualTo(InetAddress.getByName("10.0.0.200"));
    assertThat(p.check("db.corp.example")).isEqualTo(InetAddress.getByName("10.0.0.5"));
    assertThat(p.check("public.example")).isEqualTo(InetAddress.getByName("203.0.113.9"));
    assertThat(refusal(p, "10.0.1.1")).isEqualTo(ErrorCode.HOST_NOT_ALLOWED);
    assertThat(refusal(p, "127.0.0.1")).as("loopback only in embedded mode").isEqualTo(ErrorCode.HOST_NOT_ALLOWED);
    assertThat(refusal(p, "corp.example")).isEqualTo(ErrorCode.SOURCE_UNREACHABLE);
    assertThat(refusal(p, "unknown.example")).isEqualTo(ErrorCode.SOURCE_UNREACHABLE);
    assertThat(policy(true).check("127.0.0.1")).isEqualTo(InetAddress.getByName("127.0.0.1"));
    assertThat(policy(true).check("::1")).isEqualTo(InetAddress.getByName("::1"));
    assertThat(refusal(policy(false), "127.0.0.1")).as("nothing is allowed by default").isEqualTo(ErrorCode.HOST_NOT_ALLOWED);
  }

  @Test
  @DisplayName("link-local and metadata addresses are refused even when the allow-list would let them through")
  void alwaysRefused() {
    HostPolicy p = policy(true, "0.0.0.0/0", "::/0", "*.corp.example");
    for (String host : new String[] {"169.254.169.254", "169.254.0.1", "fd00:ec2::254", "::ffff:169.254.169.254",
      "rebind.corp.example", "metadata.corp.example", "0.0.0.0", "fe80::1"}) {
      assertThat(refusal(p, host)).as(host).isEqualTo(ErrorCode.HOST_NOT_ALLOWED);
    }
    assertThatThrownBy(() -> p.check("rebind.corp.example")).hasMessageContaining("169.254.169.254");
  }
}
