package io.tributary.http;

import io.tributary.logging.LogContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.regex.Pattern;

/** Gives every request an id (an incoming well-formed {@code X-Request-Id} is kept) and echoes it. */
public final class RequestIdHandler implements Handler<RoutingContext> {

  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "request_id";
  /** One line per request at DEBUG (method, path, status, duration; request and user ids via the log context). */
  private static final Logger ACCESS = LoggerFactory.getLogger("io.tributary.access");
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  @Override
  public void handle(RoutingContext ctx) {
    String incoming = ctx.request().getHeader(HEADER);
    String id = incoming != null && SAFE.matcher(incoming).matches() ? incoming : randomId();
    ctx.put(KEY, id);
    LogContext.request(id);
    ctx.response().putHeader(HEADER, id);
    if (ACCESS.isDebugEnabled()) {
      long start = System.nanoTime();
      ctx.addEndHandler(done -> ACCESS.debug("{} {} {} {} ms", ctx.request().method(), ctx.request().path(),
        ctx.response().getStatusCode(), (System.nanoTime() - start) / 1_000_000));
    }
    ctx.next();
  }

  /** The id of this request. */
  public static String requestId(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id != null ? id : "none";
  }

  /**
   * A random (version 4) UUID from the thread's fast generator: request ids need to be unique, not unguessable,
   * and {@link UUID#randomUUID()} takes a lock on the system's secure generator for every request.
   */
  static String randomId() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}
