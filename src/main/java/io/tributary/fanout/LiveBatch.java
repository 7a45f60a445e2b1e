package io.tributary.fanout;

import io.tributary.bus.LocalCodec;
import io.vertx.core.eventbus.EventBus;

import java.util.List;

/**
 * The records of one stream from one Kafka poll, in partition order, published by FanoutVerticle on
 * {@link FanoutContract#streamAddress} to every HttpServerVerticle instance. It travels by reference (a local
 * codec: one shared list, no copy per instance).
 */
public record LiveBatch(List<LiveRecord> records) {

  /** Registers the local codec once per Vert.x instance. */
  public static void registerCodec(EventBus bus) {
    LocalCodec.register(bus, LiveBatch.class);
  }
}
