package io.tributary.http;

import io.tributary.support.Api;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Health, metrics and the common response rules")
class HealthMetricsTest {

  @Test
  @DisplayName("live is UP and ready checks PostgreSQL, Redis and Kafka")
  void health() {
    var live = Api.anonymous().get("/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.bodyAsJsonObject().getString("status")).isEqualTo("UP");
    var ready = Api.anonymous().get("/health/ready");
    assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(200);
    JsonObject body = ready.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("UP");
    assertThat(body.getJsonArray("checks").stream().map(JsonObject.class::cast).map(c -> c.getString("id")))
      .containsExactlyInAnyOrder("postgres", "redis", "kafka");
    assertThat(body.getJsonArray("checks").stream().map(JsonObject.class::cast).map(c -> c.getString("status")))
      .containsOnly("UP");
  }

  @Test
  @DisplayName("/metrics serves Prometheus text with HTTP server metrics by route and the job counters")
  void metrics(@TempDir Path dir) throws Exception {
    Api analyst = Api.newUser("analyst");
    Path f = dir.resolve("metered.csv");
    Files.writeString(f, "a\n1\n");
    assertThat(analyst.uploadAndWait(f, Map.of()).getString("status")).isEqualTo("completed");
    var r = Api.anonymous().get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    String text = r.bodyAsString();
    assertThat(text).contains("vertx_http_server_requests_total");
    assertThat(text).contains("route=\"/api/v1/data/job/:job_id\"");
    assertThat(text).containsPattern("tributary_jobs_finished_total\\{status=\"completed\"[^}]*} [1-9]");
    assertThat(text).doesNotContainPattern("route=\"[^\"]*[0-9a-f]{8}-[0-9a-f]{4}");
  }

  @Test
  @DisplayName("every response carries X-Request-Id (an incoming one is kept); unknown routes answer the 404 envelope")
  void requestIds() {
    var r = Api.send(Api.anonymous().request(io.vertx.core.http.HttpMethod.GET, "/health/live")
      .putHeader("X-Request-Id", "trace-123").send());
    assertThat(r.getHeader("X-Request-Id")).isEqualTo("trace-123");
    Api.error(Api.anonymous().get("/nope"), 404, "NOT_FOUND");
    Api.error(Api.admin().get("/api/v1/nope"), 404, "NOT_FOUND");
  }
}
