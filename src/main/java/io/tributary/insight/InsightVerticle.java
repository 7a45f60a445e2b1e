package io.tributary.insight;

import io.tributary.bus.ErrorCode;
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
 * threads ({@code insight.instances}).
 */
public final class InsightVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(InsightVerticle.class);
  private InsightEngine engine;

  @Override
  public Future<?> start() {
    engine = new InsightEngine(InsightSettings.from(config()));
    vertx.eventBus().<JsonObject>consumer(InsightContract.GENERATE, this::generate);
    return Future.succeededFuture();
  }

  private void generate(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    List<Path> files = body.getJsonArray("files").stream().map(f -> Path.of((String) f)).toList();
    JsonArray columns = body.getJsonArray("columns");
    long started = System.nanoTime();
    try {
      JsonObject report = engine.generate(files, columns == null ? null : columns.stream().map(String.class::cast)
        .toList(), body.getString("time_column"), body.getJsonObject("profile"));
      LOG.info("Insights of {} computed in {} ms ({})", files.get(0).getParent(), (System.nanoTime() - started) / 1_000_000,
        report.remove("timings_ms"));
      msg.reply(report);
    } catch (InsightEngine.BadRequest e) {
      msg.fail(ErrorCode.BAD_REQUEST.busCode(), e.getMessage());
    } catch (Exception e) {
      LOG.error("Insights of {} failed", files.isEmpty() ? "?" : files.get(0), e);
      msg.fail(ErrorCode.INTERNAL_ERROR.busCode(), "computing insights failed");
    }
  }
}
