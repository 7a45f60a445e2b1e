package io.tributary.fanout;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

import java.lang.reflect.Field;
import java.util.NoSuchElementException;

/**
 * Writes pre-encoded {@link TextFrame}s to one socket and flushes once per pump, not once per frame: the frames go
 * to the socket's Netty channel below Vert.x's WebSocket layer (the frame encoder passes encoded bytes through), so
 * the shared bytes of a frame are neither re-encoded nor copied per socket, and a socket that several records wait
 * for gets them in one system call. Ordering with Vert.x's own writes to the socket ({@code subscribed},
 * {@code lagged}, ...) holds: both write on the socket's event loop, straight to the channel. The backlog rules see
 * these writes through {@link #full()} (the channel's writability: Vert.x's {@code writeQueueFull()} counts only
 * Vert.x's own queue) and a handler that reports when the channel drains. Event-loop confined.
 */
final class SocketWire {

  private static final Field WRAPPED = wrappedField();

  private final ServerWebSocket socket;
  /** The socket's channel, or null when the socket is not Vert.x's own (then every frame goes through Vert.x). */
  private final ChannelHandlerContext channel;
  private final ChannelInboundHandlerAdapter watcher;
  private boolean unflushed;

  /**
   * @param drained called on the socket's event loop when the channel takes writes again (Vert.x's drain handler
   *                follows only its own write queue, which the frames written here do not enter)
   */
  SocketWire(ServerWebSocket socket, Runnable drained) {
    this.socket = socket;
    this.channel = channelOf(socket);
    this.watcher = channel == null ? null : new ChannelInboundHandlerAdapter() {
      @Override
      public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
          drained.run();
        }
        super.channelWritabilityChanged(ctx);
      }
    };
    if (watcher != null) {
      channel.pipeline().addBefore(channel.name(), null, watcher);
    }
  }

  /** Whether the socket is full: Vert.x's write queue (its own messages) or the channel (the frames written here). */
  boolean full() {
    return socket.writeQueueFull() || (channel != null && !channel.channel().isWritable());
  }

  /** Stops watching the channel (the socket may carry other feeds). */
  void close() {
    if (watcher != null) {
      try {
        channel.pipeline().remove(watcher);
      } catch (NoSuchElementException alreadyGone) {
        // the channel closed and took its handlers with it
      }
    }
  }

  /**
   * The channel of Vert.x's socket, also behind Vert.x Web's wrapper (a socket upgraded from a routed request, as
   * every Tributary socket is, hides it in a private field); null when it cannot be reached.
   */
  private static ChannelHandlerContext channelOf(ServerWebSocket socket) {
    ServerWebSocket s = socket;
    if (WRAPPED != null && WRAPPED.getDeclaringClass().isInstance(s)) {
      try {
        s = (ServerWebSocket) WRAPPED.get(s);
      } catch (IllegalAccessException | ClassCastException e) {
        return null;
      }
    }
    return s instanceof WebSocketInternal ws ? ws.channelHandlerContext() : null;
  }

  private static Field wrappedField() {
    try {
      Field f = Class.forName("io.vertx.ext.web.impl.ServerWebSocketWrapper").getDeclaredField("delegate");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** Queues a frame; {@link #flush()} sends what is queued. */
  void write(TextFrame frame) {
    if (channel != null && frame.payloadLength() <= TextFrame.MAX_PAYLOAD) {
      channel.write(Unpooled.wrappedBuffer(frame.wire()), channel.voidPromise());
      unflushed = true;
    } else {
      socket.writeTextMessage(frame.text()); // Vert.x splits it into frames, after what is queued here
    }
  }

  void flush() {
    if (unflushed) {
      unflushed = false;
      channel.flush();
    }
  }
}
