package io.tributary.http;

import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Job events over /ws/events")
class EventSocketTest {

  @Test
  @DisplayName("the owner's socket receives progress and then completion of their job, and nobody else's")
  void ownerReceivesEvents(@TempDir Path dir) throws Exception {
    Api owner = Api.newUser("analyst");
    Api other = Api.newUser("analyst");
    WebSocketClient client = TestApp.get().sockets;
    List<JsonObject> mine = new CopyOnWriteArrayList<>();
    List<JsonObject> theirs = new CopyOnWriteArrayList<>();
    WebSocket ownerSocket = Await.result(client.connect(TestApp.get().port, "127.0.0.1",
      "/ws/events?access_token=" + owner.token()));
    ownerSocket.textMessageHandler(text -> mine.add(new JsonObject(text)));
    WebSocket otherSocket = Await.result(client.connect(TestApp.get().port, "127.0.0.1",
      "/ws/events?access_token=" + other.token()));
    otherSocket.textMessageHandler(text -> theirs.add(new JsonObject(text)));

    Path f = dir.resolve("socket.csv");
    StringBuilder csv = new StringBuilder("n,s\n");
    for (int i = 0; i < 20_000; i++) {
      csv.append(i).append(",row ").append(i).append('\n');
    }
    Files.writeString(f, csv);
    JsonObject job = owner.uploadAndWait(f, Map.of());
    assertThat(job.getString("status")).isEqualTo("completed");

    long deadline = System.currentTimeMillis() + 15_000;
    while (mine.stream().noneMatch(m -> "job.completed".equals(m.getString("type"))) && System.currentTimeMillis() < deadline) {
      Api.sleep(50);
    }
    List<JsonObject> forJob = mine.stream()
      .filter(m -> job.getString("job_id").equals(m.getJsonObject("data").getString("job_id"))).toList();
    assertThat(forJob).extracting(m -> m.getString("type")).contains("job.progress", "job.completed");
    JsonObject completed = forJob.stream().filter(m -> "job.completed".equals(m.getString("type"))).findFirst().orElseThrow();
    assertThat(completed.getJsonObject("data").getString("status")).isEqualTo("completed");
    assertThat(completed.getJsonObject("data").getInteger("progress")).isEqualTo(100);
    assertThat(completed.getJsonObject("data").getString("dataset_id")).isEqualTo(job.getString("dataset_id"));
    assertThat(completed.getString("timestamp")).isNotBlank();
    assertThat(completed.getJsonObject("data").containsKey("owner_id")).isFalse();
    assertThat(forJob.get(forJob.size() - 1).getString("type")).isEqualTo("job.completed");
    assertThat(theirs).noneMatch(m -> job.getString("job_id").equals(m.getJsonObject("data").getString("job_id")));
    Await.result(ownerSocket.close());
    Await.result(otherSocket.close());
  }

  @Test
  @DisplayName("a socket without a valid token is refused at the handshake with 401")
  void refusedWithoutToken() {
    WebSocketClient client = TestApp.get().sockets;
    assertThatThrownBy(() -> Await.result(client.connect(TestApp.get().port, "127.0.0.1", "/ws/events")))
      .satisfies(e -> assertThat(rootUpgrade(e)).isInstanceOf(UpgradeRejectedException.class))
      .satisfies(e -> assertThat(((UpgradeRejectedException) rootUpgrade(e)).getStatus()).isEqualTo(401));
    assertThatThrownBy(() -> Await.result(client.connect(TestApp.get().port, "127.0.0.1",
      "/ws/events?access_token=not.a.token")))
      .satisfies(e -> assertThat(rootUpgrade(e)).isInstanceOf(UpgradeRejectedException.class))
      .satisfies(e -> assertThat(((UpgradeRejectedException) rootUpgrade(e)).getStatus()).isEqualTo(401));
  }

  private static Throwable rootUpgrade(Throwable e) {
    Throwable t = e;
    while (t != null && !(t instanceof UpgradeRejectedException)) {
      t = t.getCause();
    }
    return t;
  }
}
