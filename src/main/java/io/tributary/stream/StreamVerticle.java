package io.tributary.stream;

import io.tributary.bus.ErrorCode;
import io.tributary.config.Sections;
import io.tributary.db.Database;
import io.tributary.kafka.KafkaSettings;
import io.tributary.lake.Lake;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Consumes every running stream's topic into its dataset ({@link StreamConsumer} per stream, on this verticle's
 * event loop; Parquet writes and compaction on the worker pool {@code tributary-stream-writer}). Reloads the
 * running streams on {@link StreamContract#CHANGED} and every 5 s; compacts small part files every
 * {@code stream.compaction_interval_ms}; on stop, flushes and commits what it holds.
 */
public final class StreamVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StreamVerticle.class);

  private StreamRepository repository;
  private StreamSettings settings;
  private WorkerExecutor writers;
  private KafkaProducer<String, byte[]> deadLetters;
  private Path dataDir;
  private String nodeId;
  private final Map<UUID, StreamConsumer> consumers = new HashMap<>();
  /** Consumers being started, by stream (a stop waits for them, then closes them with the others). */
  private final Map<UUID, Future<Void>> starting = new HashMap<>();
  /** Compactions in flight, by stream (a stop waits for them: their files are not registered yet). */
  private final Map<UUID, Future<Void>> compacting = new HashMap<>();
  private boolean stopping;
  /** Consumers of streams stopped by their owner, still closing (their last batch may be being written). */
  private final Map<UUID, Future<Void>> closing = new HashMap<>();

  @Override
  public Future<?> start() {
    JsonObject node = config().getJsonObject(Sections.NODE);
    dataDir = Path.of(node.getString("data_dir"));
    nodeId = node.getString("node_id");
    repository = new StreamRepository(Database.pool(vertx, config().getJsonObject("postgres")));
    settings = StreamSettings.from(config(), node.getLong("file_grace_ms"));
    writers = vertx.createSharedWorkerExecutor("tributary-stream-writer", Math.max(1, settings.writerThreads()), 1,
      TimeUnit.HOURS);
    Map<String, String> producer = KafkaSettings.producer(config().getJsonObject("kafka"));
    producer.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    deadLetters = KafkaProducer.create(vertx, producer);
    vertx.eventBus().consumer(StreamContract.CHANGED, msg -> reconcile());
    vertx.eventBus().localConsumer(StreamContract.RUNNING, msg -> repository.running()
      .onSuccess(running -> msg.reply(StreamContract.runningReply(running)))
      .onFailure(err -> msg.fail(ErrorCode.SERVICE_UNAVAILABLE.busCode(), "running streams not loaded: " + err.getMessage())));
    vertx.setPeriodic(5_000, id -> {
      reconcile();
      consumers.values().forEach(c -> c.refreshLag().onSuccess(lag -> StreamMetrics.lag(c.streamId.toString(), lag)));
    });
    vertx.setPeriodic(Math.max(50, Math.min(1_000, settings.flushMs() / 4)), id -> consumers.values()
      .forEach(StreamConsumer::tick));
    vertx.setPeriodic(Math.max(1_000, settings.compactionIntervalMs()), id -> compactAll());
    return reconcile();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    // consumers still starting are closed too, once started (else their Kafka consumers would outlive the verticle)
    return Future.join(new ArrayList<>(starting.values())).otherwiseEmpty().compose(started -> {
      List<Future<Void>> closings = new ArrayList<>(compacting.values());
      closings.addAll(closing.values());
      consumers.values().forEach(c -> closings.add(c.close()));
      return Future.join(closings);
    }).otherwiseEmpty()
      .eventually(() -> deadLetters.close())
      .eventually(() -> writers.close());
  }

  /** Starts consumers for running streams this process does not consume yet, and stops the others. */
  private Future<Void> reconcile() {
    if (stopping) {
      return Future.succeededFuture();
    }
    return repository.running().compose(running -> {
      Set<UUID> wanted = new HashSet<>();
      List<Future<Void>> started = new ArrayList<>();
      for (JsonObject stream : running) {
        UUID id = UUID.fromString(stream.getString("stream_id"));
        wanted.add(id);
        // not while its previous consumer closes or a compaction of it runs (their files are not registered yet,
        // and a consumer's start removes such files): the close's end or the 5 s reconcile starts it then
        if (!stopping && !consumers.containsKey(id) && !starting.containsKey(id) && !closing.containsKey(id)
          && !compacting.containsKey(id)) {
          StreamConsumer consumer = new StreamConsumer(vertx, repository, writers, deadLetters, settings,
            config().getJsonObject("kafka"), nodeId, dataDir, stream);
          Future<Void> start = repository.schema(consumer.datasetId)
            .compose(consumer::start)
            .onSuccess(v -> {
              consumers.put(id, consumer);
              LOG.info("Consuming stream {} ({} → dataset {})", stream.getString("name"), consumer.topic,
                consumer.datasetId);
            })
            .onFailure(err -> {
              LOG.warn("Stream {} not started: {}", id, err.getMessage());
              consumer.close(); // whatever of it did start
            })
            .eventually(() -> {
              starting.remove(id);
              return Future.succeededFuture();
            });
          if (!start.isComplete()) {
            starting.put(id, start);
          }
          started.add(start);
        }
      }
      for (UUID id : new ArrayList<>(consumers.keySet())) {
        if (!wanted.contains(id)) {
          StreamConsumer consumer = consumers.remove(id);
          // a stream resumed meanwhile starts once this close is done: a new consumer's start removes part files
          // never registered, which would include this one's last batch while it is being written
          Future<Void> closed = consumer.close();
          closing.put(id, closed);
          closed.onComplete(x -> {
            closing.remove(id);
            LOG.info("Stopped consuming stream {}", id);
            reconcile();
          });
        }
      }
      return Future.join(started).<Void>mapEmpty();
    }).otherwise(err -> {
      LOG.warn("Running streams not loaded: {}", err.getMessage());
      return null;
    });
  }

  private void compactAll() {
    if (stopping) {
      return;
    }
    for (StreamConsumer c : new ArrayList<>(consumers.values())) {
      if (!compacting.containsKey(c.streamId)) {
        Future<Void> compaction = compact(c);
        compacting.put(c.streamId, compaction);
        compaction.onComplete(x -> compacting.remove(c.streamId));
      }
    }
  }

  private Future<Void> compact(StreamConsumer c) {
    return repository.parts(c.streamId).compose(parts -> {
      List<StreamRepository.Part> chosen = Compactor.pick(parts, settings.compactionTargetBytes(),
        settings.compactionMinParts());
      if (chosen.isEmpty()) {
        return Future.succeededFuture();
      }
      String partsDir = Path.of(chosen.get(0).path()).getParent().toString();
      Lake lake = Lake.of(vertx, dataDir);
      return writers.executeBlocking(() -> Compactor.merge(lake, chosen, partsDir), false)
        .compose(merged -> repository.replaceParts(c.streamId, c.datasetId, chosen, merged).onSuccess(swapped -> {
          if (swapped) {
            StreamMetrics.compacted(chosen.size());
            LOG.info("Stream {}: merged {} part files into one of {} rows", c.streamId, chosen.size(), merged.rows());
            // queries that started on the old parts may read them a while longer
            vertx.setTimer(settings.fileGraceMs(), t -> chosen.forEach(p -> {
              vertx.fileSystem().delete(dataDir.resolve(p.path()).toString()).onFailure(e -> { });
              lake.deleteRemoteLater(vertx, p.path());
            }));
          } else {
            vertx.fileSystem().delete(dataDir.resolve(merged.path()).toString()).onFailure(e -> { });
            lake.deleteRemoteLater(vertx, merged.path());
          }
        }))
        .<Void>mapEmpty()
        .onFailure(err -> LOG.warn("Stream {}: compaction failed: {}", c.streamId, err.getMessage()));
    });
  }
}
