package io.tributary.redis;

import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@DisplayName("Redis link")
class RedisLinkTest {

  @Test
  @DisplayName("a command Redis leaves unanswered fails after redis.command_timeout_ms; the link then answers again")
  void unansweredCommandFails() throws Exception {
    Vertx vertx = TestApp.get().vertx;
    String url = TestApp.get().services.redisUrl();
    RedisLink link = new RedisLink(vertx, url, 300);
    RedisLink patient = new RedisLink(vertx, url, 0);
    RedisLink admin = new RedisLink(vertx, url, 0);
    String key = "tributary:test:link:" + UUID.randomUUID();
    try {
      Await.result(Future.all(link.start(), patient.start(), admin.start()));
      assertThat(Await.result(link.send(Request.cmd(Command.PING))).toString()).isEqualTo("PONG");

      // Redis stops answering every client for 3 s (the connections stay open)
      Await.result(admin.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(3000).arg("ALL")));
      Future<Response> waited = patient.send(Request.cmd(Command.INCR).arg(key));
      Throwable err = catchThrowable(() -> Await.result(link.batch(List.of(Request.cmd(Command.INCR).arg(key),
        Request.cmd(Command.EXPIRE).arg(key).arg(60)))));
      assertThat(err).as("the rate limiter's lease call, while Redis is paused")
        .hasMessageContaining("Redis did not answer within 300 ms");
      assertThat(waited.isComplete()).as("a link without a timeout is still waiting: Redis was still paused").isFalse();

      // once Redis answers again, so does the link; the INCR it gave up on still ran, once (Redis answers in order)
      assertThat(Await.result(waited).toLong()).as("the patient link's INCR, answered after the pause").isBetween(1L, 2L);
      long until = System.nanoTime() + 20_000_000_000L;
      String pong = null;
      while (pong == null && System.nanoTime() < until) {
        try {
          pong = Await.result(link.send(Request.cmd(Command.PING)), 5).toString();
        } catch (RuntimeException stillReconnecting) {
          Thread.sleep(100);
        }
      }
      assertThat(pong).as("the link after the pause").isEqualTo("PONG");
      assertThat(Await.result(link.send(Request.cmd(Command.GET).arg(key))).toLong()).as("both INCRs ran, once each")
        .isEqualTo(2L);
    } finally {
      Await.result(admin.send(Request.cmd(Command.DEL).arg(key)).otherwiseEmpty());
      Await.result(Future.join(link.close(), patient.close(), admin.close()));
    }
  }
}
