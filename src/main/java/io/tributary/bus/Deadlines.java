package io.tributary.bus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeoutException;

/** Futures with a time limit, settled on the caller's event loop. */
public final class Deadlines {

  private Deadlines() {
  }

  /**
   * {@code f}, or a {@link TimeoutException} saying {@code what} did not answer after {@code ms}, whichever comes
   * first; on the calling event loop (the timer's context), unlike {@link Future#timeout}, whose timer fires on a
   * global thread when {@code f} has no context.
   */
  public static <T> Future<T> within(Vertx vertx, Future<T> f, long ms, String what) {
    if (f.isComplete()) {
      return f;
    }
    Promise<T> out = Promise.promise();
    long timer = vertx.setTimer(ms, t -> out.tryFail(new TimeoutException(what + " did not answer within " + ms
      + " ms")));
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        out.tryComplete(ar.result());
      } else {
        out.tryFail(ar.cause());
      }
    });
    return out.future();
  }
}
