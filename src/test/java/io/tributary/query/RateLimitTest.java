package io.tributary.query;

import io.tributary.support.Api;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Hourly query limits")
class RateLimitTest {

  @Test
  @DisplayName("a free user gets the limit, then 429 with Retry-After; every query endpoint counts; others are not affected")
  void freeTier() {
    Api free = Api.newUser("analyst");
    int limit = TestApp.RATE_LIMIT_FREE;
    HttpResponse<Buffer> last = null;
    for (int i = 1; i <= limit; i++) {
      last = i % 2 == 0
        ? free.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT " + i + " AS n"))
        : free.post("/api/v1/query/validate", new JsonObject().put("sql", "SELECT 1"));
      assertThat(last.statusCode()).as("request " + i + ": " + last.bodyAsString()).isEqualTo(200);
      assertThat(last.getHeader("X-RateLimit-Limit")).isEqualTo(Integer.toString(limit));
      assertThat(last.getHeader("X-RateLimit-Remaining")).isEqualTo(Integer.toString(limit - i));
    }
    long reset = Long.parseLong(last.getHeader("X-RateLimit-Reset"));
    assertThat(reset % 3600).isZero();
    assertThat(reset).isGreaterThan(Instant.now().getEpochSecond());

    HttpResponse<Buffer> refused = free.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT 1"));
    Api.error(refused, 429, "RATE_LIMITED");
    long retry = Long.parseLong(refused.getHeader("Retry-After"));
    assertThat(retry).isBetween(1L, 3600L);
    assertThat(refused.getHeader("X-RateLimit-Remaining")).isEqualTo("0");
    Api.error(free.post("/api/v1/query/natural", new JsonObject().put("question", "x").put("dataset_id", "y")), 429,
      "RATE_LIMITED");
    // other routes and other users are not limited
    assertThat(free.get("/api/v1/data/datasets").statusCode()).isEqualTo(200);
    Api premium = QueryFlowTest.premiumAnalyst();
    HttpResponse<Buffer> p = premium.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT 1 AS n"));
    assertThat(p.statusCode()).isEqualTo(200);
    assertThat(p.getHeader("X-RateLimit-Limit")).isEqualTo("1000");
  }
}
