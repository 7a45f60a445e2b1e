package io.tributary.insight;

import io.micrometer.core.instrument.Counter;
import io.tributary.bus.ErrorCode;
import io.tributary.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;

/**
 * Worker verticle: computes insights ({@link InsightContract#GENERATE}) with DuckDB over a dataset's Parquet files,
 * one in-memory database per request that may read only the folders of those files. Blocking, so it runs on worker
 * threads ({@code insight.instances}). A request past its deadline stops (statements cancelled, steps ended, database
 * closed), is counted in {@code tributary_insights_cancelled_total} and fails with {@code TIMEOUT}.
 */
public final class InsightVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(InsightVerticle.class);
  private InsightEngine engine;
  private InsightSettings settings;
  private Counter cancelled;

  @Override
  public Future<?> start() {
    settings = InsightSettings.from(config());
    engine = new InsightEngine(settings);
    cancelled = Counter.builder("tributary_insights_cancelled")
      .description("Insight runs stopped at their deadline, when the caller no longer waits").register(Metrics.registry());
    vertx.eventBus().<JsonObject>consumer(InsightContract.GENERATE, this::generate);
    return Future.succeededFuture();
  }

  private void generate(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    List<Path> files = body.getJsonArray("files").stream().map(f -> Path.of((String) f)).toList();
    JsonArray columns = body.getJsonArray("columns");
    long started = System.nanoTime();
    try (Deadline deadline = Deadline.at(body.getLong("deadline", System.currentTimeMillis() + settings.timeoutMs()))) {
      JsonObject report = engine.generate(files, columns == null ? null : columns.stream().map(String.class::cast)
        .toList(), body.getString("time_column"), body.getJsonObject("profile"), deadline);
      LOG.info("Insights of {} computed in {} ms ({})", files.get(0).getParent(), (System.nanoTime() - started) / 1_000_000,
        report.remove("timings_ms"));
      msg.reply(report);
    } catch (InsightEngine.BadRequest e) {
      msg.fail(ErrorCode.BAD_REQUEST.busCode(), e.getMessage());
    } catch (Deadline.Passed e) {
      cancelled.increment();
      LOG.warn("Insights of {} stopped at their deadline after {} ms (statements cancelled, database closed)",
        files.get(0).getParent(), (System.nanoTime() - started) / 1_000_000);
      msg.fail(ErrorCode.TIMEOUT.busCode(), "The operation timed out");
    } catch (Exception e) {
      LOG.error("Insights of {} failed", files.isEmpty() ? "?" : files.get(0), e);
      msg.fail(ErrorCode.INTERNAL_ERROR.busCode(), "computing insights failed");
    }
  }
}
