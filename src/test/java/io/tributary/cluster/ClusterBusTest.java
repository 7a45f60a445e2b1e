package io.tributary.cluster;

import io.tributary.support.Await;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two clustered Vert.x nodes as {@code Tributary} builds them (Hazelcast, TCP join on 127.0.0.1, multicast off). */
@DisplayName("The clustered event bus")
class ClusterBusTest {

  private static Vertx a;
  private static Vertx b;

  @BeforeAll
  static void join() throws Exception {
    int portA = freePort();
    int portB = freePort();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    ClusterSettings sa = ClusterSettings.of(new JsonObject().put("cluster", new JsonObject().put("enabled", true)
      .put("members", members).put("host", "127.0.0.1").put("port", portA)));
    ClusterSettings sb = ClusterSettings.of(new JsonObject().put("cluster", new JsonObject().put("enabled", true)
      .put("members", members).put("host", "127.0.0.1").put("port", portB)));
    var startA = HazelcastSetup.clustered(Vertx.builder().with(HazelcastSetup.busOptions(new VertxOptions(), sa)), sa)
      .buildClustered();
    var startB = HazelcastSetup.clustered(Vertx.builder().with(HazelcastSetup.busOptions(new VertxOptions(), sb)), sb)
      .buildClustered();
    a = Await.result(startA);
    b = Await.result(startB);
  }

  @AfterAll
  static void leave() {
    if (a != null) {
      Await.result(a.close());
    }
    if (b != null) {
      Await.result(b.close());
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  @DisplayName("a request on one node is answered by a worker on the other, and a publish reaches both")
  void requestReplyAndPublishCrossNodes() throws Exception {
    Await.result(b.eventBus().<JsonObject>consumer("test.worker", msg -> msg.reply(new JsonObject()
      .put("doubled", msg.body().getInteger("n") * 2).put("on", "b"))).completion());
    JsonObject reply = Await.result(a.eventBus().<JsonObject>request("test.worker", new JsonObject().put("n", 21),
      new DeliveryOptions().setSendTimeout(20_000))).body();
    assertThat(reply.getInteger("doubled")).isEqualTo(42);
    assertThat(reply.getString("on")).isEqualTo("b");

    List<String> got = new CopyOnWriteArrayList<>();
    Await.result(a.eventBus().<String>consumer("test.invalidate", m -> got.add("a:" + m.body())).completion());
    Await.result(b.eventBus().<String>consumer("test.invalidate", m -> got.add("b:" + m.body())).completion());
    b.eventBus().publish("test.invalidate", "flags");
    long deadline = System.currentTimeMillis() + 10_000;
    while (got.size() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(got).containsExactlyInAnyOrder("a:flags", "b:flags");
  }

  @Test
  @DisplayName("a local consumer is never reached from the other node")
  void localConsumersStayOnTheirNode() {
    b.eventBus().<JsonObject>localConsumer("test.local", msg -> msg.reply(new JsonObject()));
    assertThatThrownBy(() -> Await.result(a.eventBus().request("test.local", new JsonObject(),
      new DeliveryOptions().setSendTimeout(3_000)))).isInstanceOf(ReplyException.class);
  }
}
