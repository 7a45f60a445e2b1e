package io.tributary.audit;

import io.tributary.db.Database;
import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The audit trail: every recorded change, append-only, with a chain that shows tampering")
class AuditTrailTest {

  static JsonArray events(String query) {
    var r = Api.admin().get("/api/v1/audit?" + query);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("items");
  }

  @Test
  @DisplayName("creating and deleting a dataset, a user and a stream share are recorded with actor and request id")
  void changesAreRecorded() throws Exception {
    Api analyst = Api.newUser("analyst", "premium");
    Path csv = Files.createTempFile("audit", ".csv");
    Files.writeString(csv, "a\n1\n");
    String datasetId = analyst.uploadAndWait(csv, Map.of("name", "audited")).getString("dataset_id");
    var deleted = analyst.delete("/api/v1/data/datasets/" + datasetId);
    assertThat(deleted.statusCode()).isEqualTo(204);

    JsonArray trail = events("resource_type=dataset&resource_id=" + datasetId);
    assertThat(trail.stream().map(o -> ((JsonObject) o).getString("action"))).containsExactly("dataset.deleted",
      "dataset.created");
    JsonObject deletion = trail.getJsonObject(0);
    assertThat(deletion.getString("actor_role")).isEqualTo("analyst");
    assertThat(deletion.getJsonObject("before").getString("name")).isEqualTo("audited");
    assertThat(deletion.getString("request_id")).isEqualTo(deleted.getHeader("X-Request-Id"));
    assertThat(events("action=dataset.created&actor=" + deletion.getString("actor_id"))).hasSize(1);

    Api newcomer = Api.newUser("viewer");
    assertThat(events("action=user.created&limit=5").stream().map(o -> ((JsonObject) o).getString("actor_role")))
      .contains("admin");
    Api.error(analyst.get("/api/v1/audit"), 403, "FORBIDDEN");
    Api.error(newcomer.get("/api/v1/audit/verify"), 403, "FORBIDDEN");
    Api.error(Api.admin().get("/api/v1/audit?since=yesterday"), 400, "VALIDATION_FAILED");
  }

  @Test
  @DisplayName("the trail cannot be changed through SQL, and a changed row breaks the chain at that row")
  void tamperingIsDetected() throws Exception {
    Api analyst = Api.newUser("analyst");
    Path csv = Files.createTempFile("tamper", ".csv");
    Files.writeString(csv, "a\n1\n");
    analyst.uploadAndWait(csv, Map.of("name", "tamper"));
    JsonObject verified = Api.admin().get("/api/v1/audit/verify").bodyAsJsonObject();
    assertThat(verified.getBoolean("valid")).as(verified.encode()).isTrue();
    assertThat(verified.getLong("events_checked")).isPositive();

    Pool pool = Database.pool(TestApp.get().vertx, TestApp.get().config().getJsonObject("postgres"));
    try {
      long id = Await.result(pool.query("SELECT max(id) FROM audit_events").execute()).iterator().next().getLong(0);
      assertThatThrownBy(() -> Await.result(pool.preparedQuery("UPDATE audit_events SET action = 'x' WHERE id = $1")
        .execute(Tuple.of(id)))).hasMessageContaining("append-only");
      assertThatThrownBy(() -> Await.result(pool.preparedQuery("DELETE FROM audit_events WHERE id = $1")
        .execute(Tuple.of(id)))).hasMessageContaining("append-only");
      // an attacker with the owner's rights switches the guard off and edits an event
      String original = Await.result(pool.preparedQuery("SELECT action FROM audit_events WHERE id = $1")
        .execute(Tuple.of(id))).iterator().next().getString(0);
      Await.result(pool.withTransaction(conn -> conn.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update")
        .execute().compose(v -> conn.preparedQuery("UPDATE audit_events SET action = 'dataset.nothing' WHERE id = $1")
          .execute(Tuple.of(id)))
        .compose(v -> conn.query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update").execute())));
      JsonObject broken = Api.admin().get("/api/v1/audit/verify").bodyAsJsonObject();
      assertThat(broken.getBoolean("valid")).isFalse();
      assertThat(broken.getLong("first_invalid_id")).isEqualTo(id);
      Await.result(pool.withTransaction(conn -> conn.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update")
        .execute().compose(v -> conn.preparedQuery("UPDATE audit_events SET action = $2 WHERE id = $1")
          .execute(Tuple.of(id, original)))
        .compose(v -> conn.query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update").execute())));
      assertThat(Api.admin().get("/api/v1/audit/verify").bodyAsJsonObject().getBoolean("valid")).isTrue();
    } finally {
      Await.result(pool.close());
    }
  }
}
