package io.tributary.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names every request of one router that has been received whole but not answered (no status line written) for
 * longer than {@code http.unanswered_warn_ms}: one warning per request with its method, path, request id and wait,
 * so a reply that never comes is seen in the log instead of only at the client. It answers nothing itself (a slow
 * export or query is answered by its own time limit). WebSocket upgrades are not followed. Event-loop confined: one
 * instance per router, swept by a timer on the router's event loop.
 */
public final class UnansweredRequests implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(UnansweredRequests.class);

  /** A request not answered yet. */
  static final class Open {
    final String method;
    final String path;
    final String requestId;
    final long since;
    final RoutingContext ctx;
    boolean warned;

    Open(String method, String path, String requestId, long since, RoutingContext ctx) {
      this.method = method;
      this.path = path;
      this.requestId = requestId;
      this.since = since;
      this.ctx = ctx;
    }

    /** Received whole and no status line written: the server owes the reply. */
    boolean owed() {
      return ctx == null || ctx.request().isEnded() && !ctx.response().headWritten();
    }
  }

  private final long warnNanos;
  /** In arrival order, so the oldest come first. */
  private final Map<Object, Open> open = new LinkedHashMap<>();

  /** @param warnMs how long a received request may wait for its reply before it is named (0: never) */
  public UnansweredRequests(long warnMs) {
    this.warnNanos = warnMs * 1_000_000L;
  }

  public boolean enabled() {
    return warnNanos > 0;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (enabled() && !"websocket".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.UPGRADE))) {
      track(ctx, new Open(ctx.request().method().name(), ctx.request().path(), RequestIdHandler.requestId(ctx),
        System.nanoTime(), ctx));
      ctx.addEndHandler(done -> open.remove(ctx));
    }
    ctx.next();
  }

  void track(Object key, Open request) {
    open.put(key, request);
  }

  void done(Object key) {
    open.remove(key);
  }

  /** Requests followed now (for tests). */
  int size() {
    return open.size();
  }

  /** Logs each request owed for longer than the limit at {@code now} (once); answers them (for tests). */
  public List<Open> sweep(long now) {
    List<Open> late = new ArrayList<>();
    for (Open o : open.values()) {
      if (now - o.since < warnNanos) {
        break;
      }
      if (!o.warned && o.owed()) {
        o.warned = true;
        late.add(o);
        LOG.warn("{} {} (request {}) received {} ms ago and not answered yet", o.method, o.path, o.requestId,
          (now - o.since) / 1_000_000);
      }
    }
    return late;
  }
}
