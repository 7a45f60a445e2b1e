package io.tributary.fanout;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One record of a stream on its way to the sockets watching it, published by FanoutVerticle on
 * {@link FanoutContract#streamAddress(String)} to every HttpServerVerticle instance. It travels by reference (a local-only codec:
 * no copy per instance), is parsed at most once (for filters) and its socket message
 * {@code {"type":"update","data":{...record...},"timestamp":"<record time>"}} is built at most once, from the
 * record's own bytes. Thread-safe: instances race benignly to fill the caches.
 */
public final class StreamUpdate {

  /** Name of the local codec (registered by MainVerticle). */
  public static final String CODEC = "tributary-stream-update";

  private static final Object BAD = new Object();

  private final byte[] value;
  private final long timestampMs;
  private final long arrivedNanos = System.nanoTime();
  private volatile Object parsed;
  private volatile String message;

  public StreamUpdate(byte[] value, long timestampMs) {
    this.value = value;
    this.timestampMs = timestampMs;
  }

  /** The record as a JSON object, or null when it is not one (such records are not sent to sockets). */
  public JsonObject data() {
    Object p = parsed;
    if (p == null) {
      try {
        Object v = io.vertx.core.json.Json.decodeValue(Buffer.buffer(value == null ? new byte[0] : value));
        p = v instanceof JsonObject ? v : BAD;
      } catch (DecodeException | NullPointerException e) {
        p = BAD;
      }
      parsed = p;
    }
    return p == BAD ? null : (JsonObject) p;
  }

  /** The socket message of this record (call only when {@link #data()} is not null). */
  public String message() {
    String m = message;
    if (m == null) {
      m = "{\"type\":\"update\",\"data\":" + new String(value, StandardCharsets.UTF_8).strip() + ",\"timestamp\":\""
        + Instant.ofEpochMilli(timestampMs) + "\"}";
      message = m;
    }
    return m;
  }

  /** When the producer sent it (the Kafka record timestamp), epoch milliseconds. */
  public long timestampMs() {
    return timestampMs;
  }

  /** When this process received it, {@link System#nanoTime()}. */
  public long arrivedNanos() {
    return arrivedNanos;
  }

  /** Registers the local codec once per Vert.x instance. */
  public static void registerCodec(EventBus bus) {
    try {
      bus.registerDefaultCodec(StreamUpdate.class, new Codec());
    } catch (IllegalStateException alreadyRegistered) {
      // a redeployment in the same Vert.x instance
    }
  }

  private static final class Codec implements MessageCodec<StreamUpdate, StreamUpdate> {
    @Override
    public void encodeToWire(Buffer buffer, StreamUpdate update) {
      throw new UnsupportedOperationException("stream updates are local to a process");
    }

    @Override
    public StreamUpdate decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("stream updates are local to a process");
    }

    @Override
    public StreamUpdate transform(StreamUpdate update) {
      return update;
    }

    @Override
    public String name() {
      return CODEC;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
