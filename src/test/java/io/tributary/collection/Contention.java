package io.tributary.collection;

import io.tributary.support.Api;
import io.vertx.core.buffer.Buffer;
import io.tributary.support.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.HttpResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that each do read-modify-write updates of one collection: read it, add one to the counter held in its
 * description, PATCH with If-Match, and on 412 read again and retry. Used by the test and the bench.
 */
public final class Contention {

  /** What a run did. */
  public record Outcome(long updates, long conflicts, long elapsedNanos) {
    public double updatesPerSecond() {
      return updates * 1e9 / elapsedNanos;
    }
  }

  private Contention() {
  }

  public static Outcome run(Client owner, String id, int clients, int updatesEach) throws Exception {
    AtomicLong conflicts = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    // one connection per client, as independent clients would have
    WebClient http = WebClient.create(TestApp.get().vertx, new WebClientOptions(),
      new io.vertx.core.http.PoolOptions().setHttp1MaxSize(clients));
    long start = System.nanoTime();
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        done.add(pool.submit(() -> {
          int made = 0;
          int streak = 0;
          while (made < updatesEach) {
            HttpResponse<Buffer> read = Api.send(request(http, owner, HttpMethod.GET, id).send());
            if (read.statusCode() != 200) {
              throw new IllegalStateException("read failed: " + read.bodyAsString());
            }
            JsonObject c0 = read.bodyAsJsonObject();
            int counter = c0.getString("description") == null ? 0 : Integer.parseInt(c0.getString("description"));
            HttpResponse<Buffer> write = Api.send(request(http, owner, HttpMethod.PATCH, id)
              .putHeader("If-Match", "\"" + c0.getInteger("version") + "\"")
              .sendJsonObject(new JsonObject().put("description", Integer.toString(counter + 1))));
            if (write.statusCode() == 200) {
              made++;
              streak = 0;
            } else if (write.statusCode() == 412) {
              conflicts.incrementAndGet();
              // exponential backoff with full jitter, as a well-behaved client retries
              streak = Math.min(streak + 1, 7);
              Thread.sleep(ThreadLocalRandom.current().nextInt(1 << streak));
            } else {
              throw new IllegalStateException("update failed: " + write.statusCode() + " " + write.bodyAsString());
            }
          }
          return made;
        }));
      }
      long updates = 0;
      for (Future<Integer> f : done) {
        updates += f.get();
      }
      return new Outcome(updates, conflicts.get(), System.nanoTime() - start);
    } finally {
      pool.shutdownNow();
      http.close();
    }
  }

  private static HttpRequest<Buffer> request(WebClient http, Client owner, HttpMethod method, String id) {
    return http.request(method, TestApp.get().port, "127.0.0.1", Client.BASE + "/" + id)
      .bearerTokenAuthentication(owner.api.token());
  }

  /** A premium user: 50 × 20 updates with their retries on 412 take well over the free tier's hourly API budget. */
  public static Client client() {
    return new Client(Api.newUser("analyst", "premium"));
  }
}
