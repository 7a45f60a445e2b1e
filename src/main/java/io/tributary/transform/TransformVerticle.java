package io.tributary.transform;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.bus.JobProgress;
import io.tributary.config.Sections;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Turns a staged CSV, JSON or Parquet upload into the dataset's Parquet file with {@link DatasetConverter}
 * (blocking, parquet-avro). The verticle itself stays on its event loop; every conversion runs on its own
 * worker pool {@code tributary-transform} ({@code transform.instances} threads), so stopping the verticle can
 * interrupt conversions in flight: those answer {@code SERVICE_UNAVAILABLE} and their jobs are resumed by the
 * ingestion lease recovery, never failed.
 */
public final class TransformVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TransformVerticle.class);

  private WorkerExecutor pool;
  private InputLimits limits;
  private final Set<Thread> converting = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  @Override
  public Future<?> start() {
    int threads = Math.max(1, config().getInteger("instances", 2));
    limits = InputLimits.from(config());
    pool = vertx.createSharedWorkerExecutor("tributary-transform", threads, 6, TimeUnit.HOURS);
    vertx.eventBus().<JsonObject>localConsumer(TransformContract.CONVERT, this::convert);
    int warmUpRows = config().getInteger("warmup_rows", 0);
    if (warmUpRows > 0) {
      Path temp = Path.of(config().getJsonObject(Sections.NODE).getString("data_dir"), "tmp", "transform");
      long started = System.nanoTime();
      pool.<Void>executeBlocking(() -> {
        converting.add(Thread.currentThread()); // a stop interrupts it like a conversion
        try {
          ConverterWarmUp.run(temp, warmUpRows);
        } finally {
          converting.remove(Thread.currentThread());
          Thread.interrupted();
        }
        return null;
      }, false)
        .onSuccess(v -> LOG.info("Converter warmed up in {} ms", (System.nanoTime() - started) / 1_000_000))
        .onFailure(err -> LOG.warn("Converter warm-up skipped: {}", String.valueOf(err.getMessage())));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    converting.forEach(Thread::interrupt);
    return pool.close();
  }

  private void convert(Message<JsonObject> msg) {
    JsonObject job = msg.body();
    pool.<JsonObject>executeBlocking(() -> convertBlocking(job), false).onComplete(done -> {
      if (done.succeeded()) {
        msg.reply(done.result());
      } else if (done.cause() instanceof ReplyException failure) {
        msg.reply(failure);
      } else {
        msg.reply(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, ErrorCode.INTERNAL_ERROR.busCode(),
          "conversion failed"));
      }
    });
  }

  private JsonObject convertBlocking(JsonObject job) throws Exception {
    Path output = Path.of(job.getString("output"));
    ConvertRequest request = new ConvertRequest(Path.of(job.getString("input")),
      SourceType.fromName(job.getString("source_type")), job.getBoolean("skip_bad_rows", false), output, limits);
    converting.add(Thread.currentThread());
    try {
      Files.createDirectories(output.getParent());
      long started = System.nanoTime();
      ConvertResult result = DatasetConverter.convert(request, percent -> publishProgress(job, percent));
      LOG.info("Job {}: {} rows ({} rejected) converted in {} ms", job.getString("job_id"), result.rowCount(),
        result.rowsRejected(), (System.nanoTime() - started) / 1_000_000);
      JsonArray columns = new JsonArray();
      JsonArray distinct = new JsonArray();
      result.columns().forEach(c -> {
        columns.add(new JsonObject().put("name", c.name()).put("type", c.type()));
        distinct.add(c.distinct());
      });
      return new JsonObject()
        .put("row_count", result.rowCount())
        .put("rows_rejected", result.rowsRejected())
        .put("size_bytes", result.sizeBytes())
        .put("columns", columns)
        .put("distinct_counts", distinct);
    } catch (ConversionException e) {
      if (stopping) {
        throw shuttingDown();
      }
      throw new ApiException(ErrorCode.INVALID_FILE, e.getMessage()).toReply();
    } catch (Exception e) {
      if (stopping || Thread.currentThread().isInterrupted()) {
        throw shuttingDown();
      }
      LOG.error("Job {}: conversion failed", job.getString("job_id"), e);
      throw e;
    } finally {
      converting.remove(Thread.currentThread());
      Thread.interrupted();
    }
  }

  private static ReplyException shuttingDown() {
    return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "the server is shutting down").toReply();
  }

  private void publishProgress(JsonObject job, int percent) {
    int scaled = Math.min(TransformContract.PROGRESS_SHARE - 1, percent * TransformContract.PROGRESS_SHARE / 100);
    JobProgress.publish(vertx.eventBus(), job, "processing", scaled);
  }
}
