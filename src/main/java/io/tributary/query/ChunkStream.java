package io.tributary.query;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * An OutputStream for a worker thread that hands its bytes to the HTTP verticle in 64 KiB chunks over the
 * event bus, waiting for each chunk's acknowledgement (sent when the HTTP response can take more): a slow
 * client slows the query instead of filling memory. Requests are issued on an event-loop context so their
 * replies never wait behind the blocked worker. {@link #finish()} sends the empty end marker.
 */
final class ChunkStream extends OutputStream {

  private static final int CHUNK = 64 * 1024;
  private static final long ACK_TIMEOUT_S = 120;

  private final Vertx vertx;
  private final Context loop;
  private final String address;
  private Buffer pending = Buffer.buffer(CHUNK);

  ChunkStream(Vertx vertx, Context loop, String address) {
    this.vertx = vertx;
    this.loop = loop;
    this.address = address;
  }

  @Override
  public void write(int b) throws IOException {
    pending.appendByte((byte) b);
    if (pending.length() >= CHUNK) {
      flush();
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    pending.appendBytes(b, off, len);
    if (pending.length() >= CHUNK) {
      flush();
    }
  }

  @Override
  public void flush() throws IOException {
    if (pending.length() > 0) {
      Buffer chunk = pending;
      pending = Buffer.buffer(CHUNK);
      send(chunk);
    }
  }

  /** Flushes and sends the end marker. */
  void finish() throws IOException {
    flush();
    send(Buffer.buffer());
  }

  private void send(Buffer chunk) throws IOException {
    java.util.concurrent.CompletableFuture<Object> acked = new java.util.concurrent.CompletableFuture<>();
    loop.runOnContext(v -> vertx.eventBus().request(address, chunk).onComplete(done -> {
      if (done.succeeded()) {
        acked.complete(null);
      } else {
        acked.completeExceptionally(done.cause());
      }
    }));
    try {
      acked.get(ACK_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (Exception e) {
      throw new IOException("the client stopped reading", e);
    }
  }
}
