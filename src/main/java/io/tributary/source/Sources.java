package io.tributary.source;

import io.tributary.http.ContractValidation;
import io.tributary.ingest.JobQueue;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

/** The HTTP side of database sources: connections, imports and schedules, assembled from the {@code sources} section. */
public final class Sources {

  private final ConnectionRoutes connections;
  private final ImportRoutes imports;

  /** @param sources the {@code sources} config section, with {@code kafka_topics} */
  public Sources(Vertx vertx, Pool pool, JsonObject sources) {
    long timeout = sources.getLong("validate_timeout_ms", 10_000L);
    ConnectionRepository repository = new ConnectionRepository(pool);
    this.connections = new ConnectionRoutes(vertx, repository, timeout);
    this.imports = new ImportRoutes(vertx, repository, new ImportRepository(pool), new ScheduleRepository(pool),
      new JobQueue(pool, sources.getJsonObject("kafka_topics")), sources);
  }

  public void mount(Router router, ContractValidation contract) {
    connections.mount(router, contract);
    imports.mount(router, contract);
  }
}
