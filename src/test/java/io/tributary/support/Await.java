package io.tributary.support;

import io.vertx.core.Future;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Blocks a test thread (never an event loop) on a Vert.x future. */
public final class Await {

  private Await() {
  }

  /** Waits {@code tributary.test.await_seconds} (default 120; more on a machine too loaded to start the app in time). */
  public static <T> T result(Future<T> future) {
    return result(future, Integer.getInteger("tributary.test.await_seconds", 120));
  }

  public static <T> T result(Future<T> future, int seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      HangReport.print("no result within " + seconds + " s");
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
