package io.tributary.fanout;

import io.vertx.core.json.JsonObject;

/**
 * The {@code fanout} config section: how far a socket may fall behind before its oldest records are dropped
 * ({@code socket_backlog_records}, {@code socket_backlog_bytes}), how much Netty buffers per socket
 * ({@code socket_buffer_bytes}), and the largest batched frame ({@code max_frame_bytes}, below the 64 KiB
 * WebSocket frame limit).
 */
public record FanoutSettings(int backlogRecords, long backlogBytes, int socketBufferBytes, int maxFrameBytes) {

  /** The largest batched frame actually written: never more than a socket's buffer, which bounds Netty's memory. */
  public int frameBytes() {
    return Math.min(maxFrameBytes, socketBufferBytes);
  }

  public static FanoutSettings from(JsonObject section) {
    JsonObject s = section == null ? new JsonObject() : section;
    return new FanoutSettings(
      Math.max(1, s.getInteger("socket_backlog_records", 10_000)),
      Math.max(1024, s.getLong("socket_backlog_bytes", 8L << 20)),
      Math.max(1024, s.getInteger("socket_buffer_bytes", 16_384)),
      Math.max(1024, Math.min(65_000, s.getInteger("max_frame_bytes", 60_000))));
  }
}
