package io.tributary.ingest;

import io.tributary.db.Database;
import io.tributary.kafka.KafkaSettings;
import io.tributary.kafka.TopicTails;
import io.tributary.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes the outbox to Kafka exactly once, in id order.
 *
 * <p>One relay runs per cluster: the process holding a PostgreSQL advisory lock. Each batch is claimed in
 * PostgreSQL (rows get a batch id), sent in one Kafka transaction whose records carry the batch id in the
 * {@value #BATCH_HEADER} header, and then marked published. If anything fails between the claim and the
 * mark (Kafka down, a crash), the batch is in doubt: the relay re-initialises its transactional producer
 * (which settles any open transaction), looks for the batch id in the tails of the topics, and marks the
 * batch published if it is there or releases it for a new attempt if not. So a Kafka outage loses nothing
 * and a crash duplicates nothing. Woken by {@link JobEvents#OUTBOX_WAKEUP} and by a poll timer. Once a batch is in
 * Kafka, the jobs it announced are named on {@link JobContract#JOB_QUEUED} so they start without waiting for
 * the ingestion consumer's next fetch.
 */
public final class OutboxRelayVerticle extends VerticleBase {

  /** Kafka header naming the relay batch of a record. */
  public static final String BATCH_HEADER = "tributary-outbox-batch";
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelayVerticle.class);
  private static final int BATCH = 200;
  private static final String LOCK = "SELECT pg_try_advisory_lock(hashtext('tributary.outbox.relay'))";

  private Pool pool;
  private OutboxStore store;
  private JsonObject kafka;
  private KafkaProducer<String, String> producer;
  private SqlConnection lock;
  /** The latest pass (in flight while not complete); the last one at a stop follows it. */
  private Future<Void> pass = Future.succeededFuture();
  private boolean stopping;
  private boolean again;
  private boolean settled;
  private long backoffMs;
  private long pollMs;

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, config().getJsonObject("postgres"));
    store = new OutboxStore(pool);
    kafka = config().getJsonObject("kafka");
    pollMs = config().getLong("outbox_poll_ms", 250L);
    vertx.eventBus().localConsumer(JobContract.OUTBOX_WAKEUP, msg -> drain());
    vertx.setPeriodic(pollMs, id -> drain());
    vertx.setPeriodic(3_600_000, id -> store.prune());
    AtomicLong backlog = Metrics.gauge("tributary_outbox_backlog", "Outbox events not yet published to Kafka");
    vertx.setPeriodic(5_000, id -> store.backlog().onSuccess(backlog::set));
    drain();
    return Future.succeededFuture();
  }

  /**
   * One last pass (at most 5 s: e.g. jobs just handed back are announced), after the pass in flight if there is
   * one (a hand-back wakes the relay just before it is stopped), then closes.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    Future<?> last = pass.otherwiseEmpty()
      .compose(v -> lock == null || producer == null || !settled ? Future.succeededFuture(0) : relayBatch())
      .timeout(5, java.util.concurrent.TimeUnit.SECONDS).otherwise(0);
    Future<?> closing = last.eventually(() -> producer == null ? Future.succeededFuture() : producer.close());
    return closing.eventually(() -> lock == null ? Future.succeededFuture() : lock.close());
  }

  private void drain() {
    if (stopping) {
      return;
    }
    if (!pass.isComplete()) {
      again = true;
      return;
    }
    again = false;
    Promise<Void> ended = Promise.promise();
    pass = ended.future();
    leadership()
      .compose(leader -> !leader ? Future.succeededFuture(0) : ready().compose(v -> relayBatch()))
      .onComplete(done -> {
        ended.complete();
        if (done.succeeded()) {
          backoffMs = 0;
          if (done.result() == BATCH || again) {
            vertx.runOnContext(v -> drain());
          }
        } else {
          settled = false;
          backoffMs = Math.min(5_000, Math.max(pollMs, backoffMs * 2));
          LOG.warn("Outbox relay paused, retrying in {} ms: {}", backoffMs, done.cause().getMessage());
          vertx.setTimer(backoffMs, id -> drain());
        }
      });
  }

  /** True while this process holds the relay lock (taken on a connection of its own). */
  private Future<Boolean> leadership() {
    if (lock != null) {
      return Future.succeededFuture(true);
    }
    return pool.getConnection().compose(conn -> conn.query(LOCK).execute().compose(rows -> {
      if (Boolean.TRUE.equals(rows.iterator().next().getBoolean(0))) {
        lock = conn;
        conn.closeHandler(v -> {
          lock = null;
          settled = false;
        });
        LOG.info("This process relays the outbox");
        return Future.succeededFuture(true);
      }
      return conn.close().map(false);
    }));
  }

  /** A transactional producer, initialised, and no batch left in doubt. */
  private Future<Void> ready() {
    if (settled) {
      return Future.succeededFuture();
    }
    Future<Void> closed = producer == null ? Future.succeededFuture() : producer.close().otherwiseEmpty();
    return closed.compose(v -> {
      producer = KafkaProducer.create(vertx, KafkaSettings.transactionalProducer(kafka, "tributary-outbox-relay"));
      // failures (e.g. fenced by a newer relay) also fail the pending send or commit, which pauses and retries
      producer.exceptionHandler(err -> LOG.debug("Outbox producer: {}", err.getMessage()));
      return producer.initTransactions();
    }).compose(v -> store.inDoubt()).compose(this::settle).onSuccess(v -> settled = true);
  }

  private Future<Void> settle(List<UUID> inDoubt) {
    if (inDoubt.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> topics = List.copyOf(kafka.getJsonObject("topics").getMap().values().stream().map(Object::toString).toList());
    return vertx.executeBlocking(() -> TopicTails.headerValues(KafkaSettings.consumer(kafka, "unused", "earliest"),
        topics, BATCH_HEADER, 4 * BATCH + 16))
      .compose(found -> {
        List<UUID> published = new ArrayList<>();
        List<UUID> lost = new ArrayList<>();
        inDoubt.forEach(b -> (found.contains(b.toString()) ? published : lost).add(b));
        LOG.info("Outbox batches in doubt: {} already in Kafka, {} to send again", published.size(), lost.size());
        return store.published(published).compose(v -> store.release(lost));
      });
  }

  /** Tells the local ingestion verticle which jobs' events are now in Kafka, so it need not wait for its consumer. */
  private void wakeIngestion(List<OutboxStore.Event> events) {
    String topic = kafka.getJsonObject("topics").getString("ingestion");
    for (OutboxStore.Event e : events) {
      JsonObject payload = e.value().getJsonObject("payload");
      if (e.topic().equals(topic) && payload != null && payload.getString("job_id") != null) {
        vertx.eventBus().publish(JobContract.JOB_QUEUED, new JsonObject().put("job_id", payload.getString("job_id")));
      }
    }
  }

  private Future<Integer> relayBatch() {
    UUID batch = UUID.randomUUID();
    return store.claim(batch, BATCH).compose(events -> {
      if (events.isEmpty()) {
        return Future.succeededFuture(0);
      }
      return producer.beginTransaction()
        .compose(v -> {
          List<Future<?>> sends = new ArrayList<>();
          for (OutboxStore.Event e : events) {
            sends.add(producer.send(KafkaProducerRecord.create(e.topic(), e.key(), e.value().encode())
              .addHeader(BATCH_HEADER, batch.toString())));
          }
          return Future.all(sends);
        })
        .compose(v -> producer.commitTransaction())
        .compose(v -> store.published(List.of(batch)))
        .onSuccess(v -> wakeIngestion(events))
        .map(events.size());
    });
  }
}
