package io.tributary.search;

import io.tributary.db.ChangeFeed;
import io.tributary.db.Database;
import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a search does when the in-memory catalog cannot keep up: it still answers, with every change committed
 * before it, and never serves a revoked share.
 */
@DisplayName("Catalog search when the in-memory catalog stalls")
class SearchStallTest {

  /** A search that takes longer than this has hung (the catalog gives up after search.index.wait_ms, 1 s). */
  private static final int ANSWER_SECONDS = 30;
  /** Vert.x's default worker pool. */
  private static final int WORKERS = 20;
  private static Pool pool;

  @BeforeAll
  static void connect() {
    pool = Database.pool(TestApp.get().vertx, new JsonObject().put("url", TestApp.get().services.pgUrl())
      .put("pool_name", "search-stall-test").put("pool_size", 1));
  }

  @AfterAll
  static void close() throws Exception {
    Await.result(pool.close());
  }

  private static List<String> names(Api api, String q) {
    HttpResponse<Buffer> r = Await.result(api.request(HttpMethod.GET, "/api/v1/search?q=" + q).send(), ANSWER_SECONDS);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }

  private static String createDataset(Api api, String name) {
    HttpResponse<Buffer> r = api.post("/api/v1/data/datasets", new JsonObject().put("name", name)
      .put("schema", new JsonArray().add(new JsonObject().put("name", "amount").put("type", "DOUBLE"))));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getString("dataset_id");
  }

  private static void rename(String datasetId, String name) {
    Await.result(pool.preparedQuery("UPDATE datasets SET name = $2 WHERE id = $1")
      .execute(Tuple.of(UUID.fromString(datasetId), name)));
  }

  private static String claim(Api api, String claim) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(api.token().split("\\.")[1]),
      StandardCharsets.UTF_8)).getString(claim);
  }

  /** Names of one word (no {@code _}: a word joined by one is a phrase, which the SQL answers, not the catalog). */
  private static String tag() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  @Test
  @DisplayName("a search answers, with a change made just before it, while every shared worker thread is busy")
  void answersWhileWorkersAreBusy() throws Exception {
    Api owner = Api.newUser("analyst");
    String tag = tag();
    String id = createDataset(owner, "bilby" + tag);
    assertThat(names(owner, "bilby" + tag)).contains("bilby" + tag);

    // long blocking work (imports, exports, profiles) holds every thread of the shared worker pool
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    List<Future<Object>> busy = new ArrayList<>();
    for (int i = 0; i < WORKERS * 2; i++) {
      busy.add(TestApp.get().vertx.executeBlocking(() -> {
        running.incrementAndGet();
        return release.await(2, TimeUnit.MINUTES);
      }, false));
    }
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (running.get() < WORKERS && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      rename(id, "quoll" + tag);
      assertThat(names(owner, "quoll" + tag)).as("the renamed dataset, found while the workers are busy")
        .contains("quoll" + tag);
      assertThat(names(owner, "bilby" + tag)).as("its old name").doesNotContain("bilby" + tag);
    } finally {
      release.countDown();
    }
    busy.forEach(Await::result);
  }

  @Test
  @DisplayName("with the catalog's feed cut, a search answers with what changed meanwhile; a revoked share is gone")
  void answersAcrossAReconnect() {
    Api owner = Api.newUser("analyst");
    Api viewer = Api.newUser("viewer");
    String tag = tag();
    String datasetId = createDataset(owner, "dingo" + tag);
    HttpResponse<Buffer> coll = owner.post("/api/v1/collections", new JsonObject().put("name", "dogs" + tag));
    assertThat(coll.statusCode()).as(coll.bodyAsString()).isEqualTo(201);
    String collectionId = coll.bodyAsJsonObject().getString("collection_id");
    HttpResponse<Buffer> added = Api.send(owner.request(HttpMethod.POST, "/api/v1/collections/" + collectionId
      + "/items").putHeader("If-Match", "\"1\"").sendJsonObject(new JsonObject().put("type", "dataset")
      .put("id", datasetId)));
    assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
    HttpResponse<Buffer> shared = Api.send(owner.request(HttpMethod.POST, "/api/v1/collections/" + collectionId
      + "/shares").putHeader("If-Match", "\"2\"").sendJsonObject(new JsonObject().put("email", claim(viewer, "email"))
      .put("role", "viewer")));
    assertThat(shared.statusCode()).as(shared.bodyAsString()).isEqualTo(201);
    assertThat(names(viewer, "dingo" + tag)).as("shared").contains("dingo" + tag);

    // every instance's catalog feed is cut; changes made before it listens again are not announced to it
    Long cut = Await.result(pool.preparedQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      + "WHERE application_name = $1").execute(Tuple.of(ChangeFeed.APPLICATION_NAME_PREFIX
      + SearchIndex.DOCUMENTS_CHANNEL))).iterator().next().getLong(0);
    assertThat(cut).as("catalog feeds cut").isPositive();
    rename(datasetId, "dingo" + tag + "_v2");
    HttpResponse<Buffer> revoked = Api.send(owner.request(HttpMethod.DELETE, "/api/v1/collections/" + collectionId
      + "/shares/" + claim(viewer, "sub")).putHeader("If-Match", "\"3\"").send());
    assertThat(revoked.statusCode()).as(revoked.bodyAsString()).isIn(200, 204);

    // while the feeds reconnect and the catalogs load again, and after (each search in turn, to every instance)
    for (int i = 0; i < 8; i++) {
      assertThat(names(owner, "dingo" + tag)).as("renamed, search " + i).contains("dingo" + tag + "_v2")
        .doesNotContain("dingo" + tag);
      assertThat(names(viewer, "dingo" + tag)).as("revoked, search " + i).isEmpty();
      Api.sleep(400);
    }
  }
}
