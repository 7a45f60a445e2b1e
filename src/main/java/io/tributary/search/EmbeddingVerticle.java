package io.tributary.search;

import io.tributary.db.Database;
import io.tributary.llm.EmbeddingsClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Gives every search document a vector of the configured embeddings model, after the transaction that changed it:
 * polls the documents not yet embedded ({@link EmbeddingStore}), sends their texts in batches of
 * {@code search.embeddings.batch_size} to the endpoint, stores the vectors. A failure (endpoint down, HTTP 500) is
 * logged and retried after {@code retry_ms}; writes never wait for it. Deployed only when
 * {@code search.embeddings.url} is set. In a cluster each node may embed the same document once, harmlessly.
 */
public final class EmbeddingVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingVerticle.class);

  private EmbeddingStore store;
  private EmbeddingsClient client;
  private int batch;
  private long pollMs;
  private long retryMs;
  private long timer = -1;
  private boolean stopping;
  private boolean failing;

  /** Whether the configuration names an embeddings endpoint (and so this verticle is deployed). */
  public static boolean enabled(JsonObject search) {
    String url = search == null ? null : search.getJsonObject("embeddings", new JsonObject()).getString("url");
    return url != null && !url.isBlank();
  }

  @Override
  public Future<?> start() {
    JsonObject cfg = config().getJsonObject("embeddings", new JsonObject());
    Pool pool = Database.pool(vertx, config().getJsonObject("postgres"));
    client = new EmbeddingsClient(vertx, cfg);
    store = new EmbeddingStore(pool, client.model());
    batch = Math.max(1, cfg.getInteger("batch_size", 64));
    pollMs = cfg.getLong("poll_ms", 2_000L);
    retryMs = cfg.getLong("retry_ms", 30_000L);
    vertx.setPeriodic(3_600_000, id -> store.prune()
      .onSuccess(n -> LOG.debug("Pruned {} search vectors", n)));
    return store.reset().onSuccess(n -> {
      if (n > 0) {
        LOG.info("{} search documents will be embedded again with model {}", n, client.model());
      }
      schedule(0);
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void schedule(long delayMs) {
    if (!stopping) {
      timer = vertx.setTimer(Math.max(1, delayMs), id -> pass());
    }
  }

  /** One batch: the next documents to embed, their vectors, stored; then the next pass at once, or after a pause. */
  private void pass() {
    store.pending(batch)
      .compose(docs -> docs.isEmpty() ? Future.succeededFuture(0) : embed(docs))
      .onSuccess(done -> {
        if (failing) {
          LOG.info("Embedding search documents again");
          failing = false;
        }
        schedule(done == batch ? 0 : pollMs);
      })
      .onFailure(err -> {
        if (!failing) {
          LOG.warn("Embedding search documents failed; retrying every {} ms: the embeddings endpoint {}", retryMs,
            err.getMessage());
        }
        failing = true;
        schedule(retryMs);
      });
  }

  private Future<Integer> embed(List<EmbeddingStore.Pending> docs) {
    return client.embed(docs.stream().map(EmbeddingStore.Pending::content).toList())
      .compose(vectors -> store.save(docs, vectors))
      .map(docs.size());
  }
}
