package io.tributary.fanout;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.http.WebSocketInternal;

/**
 * Writes pre-encoded {@link TextFrame}s to one socket and flushes once per pump, not once per frame: the frames go
 * to the socket's Netty channel below Vert.x's WebSocket layer (the frame encoder passes encoded bytes through), so
 * the shared bytes of a frame are neither re-encoded nor copied per socket, and a socket that several records wait
 * for gets them in one system call. Ordering with Vert.x's own writes to the socket ({@code subscribed},
 * {@code lagged}, ...) holds: both write on the socket's event loop, straight to the channel. The channel's
 * writability is the socket's {@code writeQueueFull()}, so the backlog rules see these writes. A socket that is not
 * Vert.x's own (one from a Vert.x Web route) gets each frame's shared payload through Vert.x's own frame write,
 * as {@code writeTextMessage} would send it but without decoding and re-encoding the text for every socket.
 * Event-loop confined.
 */
final class SocketWire {

  private final ServerWebSocket socket;
  /** The socket's channel, or null when the socket is not Vert.x's own (then every frame goes through Vert.x). */
  private final ChannelHandlerContext channel;
  private boolean unflushed;

  SocketWire(ServerWebSocket socket) {
    this.socket = socket;
    this.channel = socket instanceof WebSocketInternal ws ? ws.channelHandlerContext() : null;
  }

  /** Queues a frame; {@link #flush()} sends what is queued. */
  void write(TextFrame frame) {
    if (channel != null && frame.payloadLength() <= TextFrame.MAX_PAYLOAD) {
      channel.write(Unpooled.wrappedBuffer(frame.wire()), channel.voidPromise());
      unflushed = true;
    } else if (frame.payloadLength() <= TextFrame.MAX_PAYLOAD) {
      // the frame writeTextMessage makes of a message that fits one frame, over the shared bytes (no copy)
      socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT,
        Unpooled.wrappedBuffer(frame.wire(), frame.payloadAt(), frame.payloadLength()), true));
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
