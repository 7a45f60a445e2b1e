package io.tributary.dashboard;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus contract of the export worker (ExportVerticle).
 *
 * <p>{@link #RENDER} request: {@code {dashboard, data, format: png|pdf, width, height, output}} (the dashboard, the
 * reply of its data with every row, the canvas size in pixels for PNG, the file to write); reply
 * {@code {size_bytes, render_ms}}. A dashboard that cannot be drawn at that size fails with {@code BAD_REQUEST}.
 */
public final class DashboardContract {

  /** Request/reply: draw a dashboard from its data into a PNG or PDF file. */
  public static final String RENDER = "dashboard.render";

  private DashboardContract() {
  }

  static JsonObject renderRequest(JsonObject dashboard, JsonObject data, String format, int width, int height,
                                  String output) {
    return new JsonObject().put("dashboard", dashboard).put("data", data).put("format", format).put("width", width)
      .put("height", height).put("output", output);
  }

  /** Sends {@link #RENDER}, waiting at most {@code timeoutMs}. */
  static Future<JsonObject> render(Vertx vertx, JsonObject request, long timeoutMs) {
    return vertx.eventBus().<JsonObject>request(RENDER, request, new DeliveryOptions().setSendTimeout(timeoutMs))
      .map(Message::body);
  }
}
