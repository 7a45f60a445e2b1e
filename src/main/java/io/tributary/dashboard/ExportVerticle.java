package io.tributary.dashboard;

import io.tributary.bus.ErrorCode;
import io.tributary.dashboard.render.DashboardExport;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Worker verticle: draws dashboards to PNG and PDF files ({@link DashboardContract#RENDER}) with JFreeChart and
 * OpenPDF, from their data, headless. Blocking, so it runs on worker threads ({@code dashboard.export_instances}).
 */
public final class ExportVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ExportVerticle.class);
  private DashboardExport export;

  @Override
  public Future<?> start() {
    export = new DashboardExport();
    vertx.eventBus().<JsonObject>localConsumer(DashboardContract.RENDER, this::render);
    return Future.succeededFuture();
  }

  /** The renderer reads absent and null fields alike as absent. */
  private static JsonObject withoutNulls(JsonObject dashboard) {
    JsonObject out = dashboard.copy();
    out.getMap().values().removeIf(java.util.Objects::isNull);
    return out;
  }

  private void render(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    Path output = Path.of(body.getString("output"));
    long started = System.nanoTime();
    try {
      Files.createDirectories(output.getParent());
      JsonObject data = body.getJsonObject("data");
      export.write(body.getString("format"), withoutNulls(body.getJsonObject("dashboard")),
        DashboardExport.byVizId(data.getJsonArray("visualizations")), body.getInteger("width"), body.getInteger("height"),
        Instant.parse(data.getString("generated_at")), output);
      long ms = (System.nanoTime() - started) / 1_000_000;
      LOG.info("Rendered dashboard {} as {} in {} ms", body.getJsonObject("dashboard").getString("dashboard_id"),
        body.getString("format"), ms);
      msg.reply(new JsonObject().put("size_bytes", Files.size(output)).put("render_ms", ms));
    } catch (IllegalArgumentException e) {
      msg.fail(ErrorCode.BAD_REQUEST.busCode(), e.getMessage());
    } catch (Exception e) {
      LOG.error("Rendering dashboard {} failed", body.getJsonObject("dashboard").getString("dashboard_id"), e);
      msg.fail(ErrorCode.INTERNAL_ERROR.busCode(), "rendering failed");
    }
  }
}
