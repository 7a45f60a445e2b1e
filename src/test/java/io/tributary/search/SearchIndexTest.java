package io.tributary.search;

import io.tributary.db.Database;
import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("In-memory catalog search: the same answers as the SQL")
class SearchIndexTest {

  /**
   * Datasets x 20 columns of one user, named like the bench's, and a few columns with odd names; few enough that no
   * query has more than the 200 full-text candidates both paths rank (which 200, past that, is the plan's choice).
   */
  private static final String SEED = "INSERT INTO datasets (id, owner_id, name, status, source_type, row_count, "
    + "column_count, size_bytes, schema) SELECT gen_random_uuid(), $1, $2 || g || '_' || (ARRAY['sales','orders',"
    + "'customers','events','sensors','weather','inventory','payments'])[1 + g % 8], 'ready', 'csv', 10, 20, 100, "
    + "(SELECT jsonb_agg(jsonb_build_object('name', (ARRAY['customer_email','amount','region','created_at','status',"
    + "'price','quantity','device','temperature','country', 'Sales Region', 'orders-2024', 'café_total', 'high_nulls'])"
    + "[1 + (g + c) % 14] || '_' || c, 'type', 'VARCHAR')) FROM generate_series(1, 20) c) FROM generate_series(1, $3) g "
    + "RETURNING id";
  private static final List<String> QUERIES = List.of("customer email", "amount", "sales", "temperatur", "regio",
    "high nulls", "orders status", "payments", "price or quantity", "devce", "amount_3", "customer-email",
    "Temperature", "the", "zzz", "café", "orders 2024", "ds_1", "sales region", "country_1", "\"customer email\"",
    "-amount sales", "weather sensors", "a", "status_5 created", "pric", "sales_region_1", "orders-2024_3",
    "\"region 5\"", "customer_email_12", "high_nulls", "ds_3_orders", "\"temperature of 8\"", "device_9 price",
    "café_total", "amount 3 amount_3", "sales region 11 orders",
    // phrases whose words are in the same documents but never side by side, a phrase that is not required (under an
    // or), a word twice in a phrase, a three-word phrase, a phrase with a stop word inside (<2>) and a phrase of
    // weight-D words (the dataset's name in its columns)
    "\"email customer\"", "\"customer email\" or amount", "\"status status\"", "status_5 status", "device_9_ds",
    "\"customer the email\"", "orders_2 customers", "customer_email or price_3", "ds_1 orders_3 customers");

  private static Pool pool;
  private static Context context;
  private static SearchIndex index;
  private static SearchRepository sql;
  private static UUID alice;
  private static UUID bob;
  private static UUID collection;

  @BeforeAll
  static void seed() {
    var vertx = TestApp.get().vertx;
    pool = Database.pool(vertx, new JsonObject().put("url", TestApp.get().services.pgUrl())
      .put("pool_name", "search-index-test").put("pool_size", 2));
    alice = id(Api.newUser("analyst"));
    bob = id(Api.newUser("analyst"));
    Await.result(pool.preparedQuery(SEED).execute(Tuple.of(alice, "ds_", 16)));
    List<UUID> bobs = new ArrayList<>();
    Await.result(pool.preparedQuery(SEED).execute(Tuple.of(bob, "bob_", 12))).forEach(r -> bobs.add(r.getUUID(0)));
    collection = UUID.randomUUID();
    Await.result(pool.preparedQuery("INSERT INTO collections (id, owner_id, name, description, tags) "
      + "VALUES ($1, $2, 'shared_sales', 'regional sales figures', '{finance}')").execute(Tuple.of(collection, bob)));
    for (UUID ds : bobs.subList(0, 6)) {
      Await.result(pool.preparedQuery("INSERT INTO collection_items (collection_id, item_type, item_id) "
        + "VALUES ($1, 'dataset', $2)").execute(Tuple.of(collection, ds)));
    }
    Await.result(pool.preparedQuery("INSERT INTO collection_shares (collection_id, user_id, role) "
      + "VALUES ($1, $2, 'viewer')").execute(Tuple.of(collection, alice)));
    context = vertx.getOrCreateContext();
    sql = new SearchRepository(vertx, pool);
    index = on(() -> {
      SearchIndex i = new SearchIndex(vertx, pool, TestApp.get().services.pgUrl(), new JsonObject());
      return i.start().map(i);
    });
    long end = System.nanoTime() + 30_000_000_000L;
    while (on(() -> Future.succeededFuture(index.size())) < 0 && System.nanoTime() < end) {
      Await.result(Future.future(p -> vertx.setTimer(100, t -> p.complete())));
    }
    assertThat(on(() -> Future.succeededFuture(index.size()))).isGreaterThan(16 * 21);
  }

  @AfterAll
  static void close() {
    on(() -> index.close());
    Await.result(pool.close());
  }

  private static UUID id(Api api) {
    return UUID.fromString(new JsonObject(new String(Base64.getUrlDecoder().decode(api.token().split("\\.")[1]),
      StandardCharsets.UTF_8)).getString("sub"));
  }

  /** Runs on one event loop, as the HTTP verticle does. */
  private static <T> T on(Supplier<Future<T>> call) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(p));
    return Await.result(p.future());
  }

  private static JsonArray fromIndex(UUID user, String q, String kind, int limit) {
    SearchIndex.Result r = on(() -> index.search(user, q, kind, limit));
    return r == null ? null : r.items();
  }

  @Test
  @DisplayName("every query, type and limit ranks the same documents with the same scores as the SQL")
  void sameAsSql() {
    int answered = 0;
    for (UUID user : List.of(alice, bob)) {
      for (String q : QUERIES) {
        for (String kind : Arrays.asList(null, "dataset", "column", "collection")) {
          for (int limit : new int[] {1, 5, 20, 100}) {
            JsonArray expected = Await.result(sql.search(user, q, kind, limit));
            JsonArray actual = fromIndex(user, q, kind, limit);
            if (actual != null) {
              answered++;
              assertThat(actual).as(q + " / " + kind + " / " + limit).isEqualTo(expected);
            }
          }
        }
      }
    }
    // only a negation ("-amount sales") goes to the SQL: phrases (quoted words, and words joined by '_' or '-',
    // which websearch_to_tsquery makes a phrase: amount_3, customer-email, ds_1, "temperature of 8" with its <2>)
    // are answered in memory
    assertThat(answered).isEqualTo(2 * (QUERIES.size() - 1) * 4 * 4);
  }

  @Test
  @DisplayName("a change committed before a search is in it: a new dataset at once, a revoked share gone")
  void fresh() {
    JsonArray before = fromIndex(alice, "bob orders", null, 100);
    assertThat(before.stream().map(o -> ((JsonObject) o).getBoolean("shared"))).contains(true);
    Await.result(pool.preparedQuery(SEED).execute(Tuple.of(alice, "fresh_zebra_", 1)));
    assertThat(fromIndex(alice, "fresh zebra", "dataset", 20)).hasSize(1);
    assertThat(fromIndex(alice, "fresh_zebra", null, 20)).isNotEmpty()
      .isEqualTo(Await.result(sql.search(alice, "fresh_zebra", null, 20)));
    Await.result(pool.preparedQuery("DELETE FROM collection_shares WHERE collection_id = $1 AND user_id = $2")
      .execute(Tuple.of(collection, alice)));
    JsonArray after = fromIndex(alice, "bob orders", null, 100);
    assertThat(after.stream().map(o -> ((JsonObject) o).getBoolean("shared"))).doesNotContain(true);
    assertThat(after).isEqualTo(Await.result(sql.search(alice, "bob orders", null, 100)));
    Await.result(pool.preparedQuery("DELETE FROM datasets WHERE name LIKE 'fresh_zebra_%' AND owner_id = $1")
      .execute(Tuple.of(alice)));
    assertThat(fromIndex(alice, "fresh zebra", "dataset", 20)).isEmpty();
    assertThat(fromIndex(alice, "fresh_zebra", null, 20)).isEmpty();
    Await.result(pool.preparedQuery("INSERT INTO collection_shares (collection_id, user_id, role) "
      + "VALUES ($1, $2, 'viewer')").execute(Tuple.of(collection, alice)));
  }
}
