package io.tributary.fanout;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

import java.util.List;

/**
 * The records of one stream from one Kafka poll, in partition order, published by FanoutVerticle on
 * {@link FanoutContract#streamAddress} to every HttpServerVerticle instance. It travels by reference (a local
 * codec: one shared list, no copy per instance).
 */
public record LiveBatch(List<LiveRecord> records) {

  /** Name of the local codec (registered by MainVerticle). */
  public static final String CODEC = "tributary-live-batch";

  /** Registers the local codec once per Vert.x instance. */
  public static void registerCodec(EventBus bus) {
    try {
      bus.registerDefaultCodec(LiveBatch.class, new Codec());
    } catch (IllegalStateException alreadyRegistered) {
      // a redeployment in the same Vert.x instance
    }
  }

  private static final class Codec implements MessageCodec<LiveBatch, LiveBatch> {
    @Override
    public void encodeToWire(Buffer buffer, LiveBatch batch) {
      throw new UnsupportedOperationException("live batches are local to a process");
    }

    @Override
    public LiveBatch decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("live batches are local to a process");
    }

    @Override
    public LiveBatch transform(LiveBatch batch) {
      return batch;
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
