package io.tributary.collection;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Concurrent changes to one collection")
class ContentionTest {

  @Test
  @DisplayName("50 clients doing 20 read-modify-write updates each with retry on 412 lose nothing: version +1000")
  void noLostUpdate() throws Exception {
    Client owner = Contention.client();
    JsonObject c = owner.create("contended_" + System.nanoTime());
    String id = c.getString("collection_id");
    Contention.Outcome outcome = Contention.run(owner, id, 50, 20);
    JsonObject after = owner.read(id);
    assertThat(outcome.updates()).isEqualTo(1000);
    assertThat(after.getInteger("version")).isEqualTo(c.getInteger("version") + 1000);
    assertThat(after.getString("description")).as("every increment survived").isEqualTo("1000");
    System.out.printf("contention: 1000 updates in %.1f s (%.0f updates/s, %d retries on 412)%n",
      outcome.elapsedNanos() / 1e9, outcome.updatesPerSecond(), outcome.conflicts());
  }
}
