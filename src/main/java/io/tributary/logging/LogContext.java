package io.tributary.logging;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.spi.context.storage.ContextLocal;

/**
 * The request id and user id of the request being handled, kept in the request's own (duplicated) Vert.x context,
 * so every log line written while handling it, on the event loop or in {@code executeBlocking} called from it,
 * carries them; an MDC (thread-local) would mix up requests interleaved on one event loop.
 */
public final class LogContext {

  /** What a log line of a request carries. */
  public record Fields(String requestId, String userId) {
  }

  /** Registered before the Vert.x instance is built (see {@code Tributary.vertxBuilder}). */
  public static final ContextLocal<Fields> KEY = ContextLocal.registerLocal(Fields.class);

  private LogContext() {
  }

  /** Forces the registration of {@link #KEY} (call before building Vert.x). */
  public static void init() {
    // class initialisation registers the key
  }

  /** Starts a request's fields on the current context. */
  public static void request(String requestId) {
    Context c = Vertx.currentContext();
    if (c != null) {
      c.putLocal(KEY, new Fields(requestId, null));
    }
  }

  /** Adds the authenticated user to the current request's fields. */
  public static void user(String userId) {
    Context c = Vertx.currentContext();
    if (c != null) {
      Fields f = c.getLocal(KEY);
      c.putLocal(KEY, new Fields(f == null ? null : f.requestId(), userId));
    }
  }

  /** The fields of the request handled on this thread, or null. */
  public static Fields current() {
    Context c = Vertx.currentContext();
    return c == null ? null : c.getLocal(KEY);
  }
}
