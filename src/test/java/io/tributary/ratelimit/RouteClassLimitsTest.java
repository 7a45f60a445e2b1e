package io.tributary.ratelimit;

import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Hourly limits per route class")
class RouteClassLimitsTest {

  @Test
  @DisplayName("every authenticated route is limited per tier, queries and other calls from separate budgets")
  void separateBudgets() {
    Api free = Api.newUser("analyst");
    var first = free.get("/api/v1/data/datasets");
    var second = free.get("/api/v1/features");
    assertThat(first.getHeader("X-RateLimit-Limit")).isEqualTo("10000");
    assertThat(Long.parseLong(first.getHeader("X-RateLimit-Remaining"))
      - Long.parseLong(second.getHeader("X-RateLimit-Remaining"))).isEqualTo(1);
    var query = free.post("/api/v1/query/validate", new JsonObject().put("sql", "SELECT 1"));
    assertThat(query.getHeader("X-RateLimit-Limit")).isEqualTo(Integer.toString(TestApp.RATE_LIMIT_FREE));
    assertThat(query.getHeader("X-RateLimit-Remaining")).isEqualTo(Integer.toString(TestApp.RATE_LIMIT_FREE - 1));
    var third = free.get("/api/v1/data/datasets");
    assertThat(Long.parseLong(second.getHeader("X-RateLimit-Remaining"))
      - Long.parseLong(third.getHeader("X-RateLimit-Remaining"))).as("a query does not spend the API budget").isEqualTo(1);

    Api premium = Api.newUser("analyst", "premium");
    assertThat(premium.get("/api/v1/data/datasets").getHeader("X-RateLimit-Limit")).isEqualTo("100000");
    assertThat(Api.admin().get("/api/v1/users?limit=1").getHeader("X-RateLimit-Limit")).isEqualTo("100000");
    assertThat(Api.anonymous().get("/health/live").getHeader("X-RateLimit-Limit")).isNull();
  }

  @Test
  @DisplayName("a user's concurrent requests each get their own count on one node: none repeated, none skipped")
  void concurrentCounts() {
    Api user = Api.newUser("analyst", "premium");
    long before = Long.parseLong(user.get("/api/v1/features").getHeader("X-RateLimit-Remaining"));
    for (int round = 0; round < 3; round++) {
      List<Future<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>>> sent = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        sent.add(user.request(HttpMethod.GET, "/api/v1/features").send());
      }
      Await.result(Future.all(sent));
      List<Long> remaining = new ArrayList<>();
      sent.forEach(f -> remaining.add(Long.parseLong(f.result().getHeader("X-RateLimit-Remaining"))));
      assertThat(remaining).doesNotHaveDuplicates();
      long highest = before - 100L * round - 1;
      assertThat(remaining).allSatisfy(r -> assertThat(r).isBetween(highest - 99, highest));
    }
    assertThat(Long.parseLong(user.get("/api/v1/features").getHeader("X-RateLimit-Remaining"))).isEqualTo(before - 301);
  }
}
