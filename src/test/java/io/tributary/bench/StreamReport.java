package io.tributary.bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The tables of {@link StreamBench}: printed, and written to {@code stream.md} and {@code stream.json}. */
final class StreamReport {

  private StreamReport() {
  }

  static void write(JsonObject r, Path out) throws Exception {
    StringBuilder md = new StringBuilder();
    JsonObject c = r.getJsonObject("conditions");
    md.append(String.format(Locale.ROOT, "Conditions: %d cores shared by the server, its embedded Kafka/PostgreSQL/Redis, "
      + "the producer and the load client JVM (%d event loops); server -Xmx%s; Java %s.%n%n", c.getInteger("cores"),
      c.getInteger("client_event_loops"), c.getString("server_heap"), c.getString("java")));

    JsonObject in = r.getJsonObject("ingestion");
    md.append("### 1. Ingestion (3-partition topic, ").append(in.getLong("records")).append(" JSON records of ")
      .append(in.getInteger("record_bytes")).append(" bytes)\n\n");
    md.append("| path | seconds | records/s | vs raw |\n|---|---:|---:|---:|\n");
    md.append(String.format(Locale.ROOT, "| plain KafkaConsumer (reads, does nothing) | %.2f | %,.0f | 100%% |%n",
      in.getDouble("raw_s"), in.getDouble("raw_per_s")));
    md.append(String.format(Locale.ROOT, "| stream, POST to records_ingested = N | %.2f | %,.0f | %.0f%% |%n",
      in.getDouble("stream_s"), in.getDouble("stream_per_s"), 100 * in.getDouble("ratio")));
    md.append(String.format(Locale.ROOT, "| stream, after its first batch (first batch committed at %.2f s) | | %,.0f | %.0f%% |%n",
      in.getDouble("first_batch_s"), in.getDouble("stream_steady_per_s"),
      100 * in.getDouble("stream_steady_per_s") / in.getDouble("raw_per_s")));
    md.append(String.format(Locale.ROOT, "%nrecords_ingested %,d in %d batches, %d dead letters; the server used %.2f "
        + "cores while the stream ingested.%n%n", in.getLong("records_ingested"), in.getLong("batches"),
      in.getLong("dead_lettered"), in.getDouble("server_cpu_cores")));

    JsonObject w = r.getJsonObject("within");
    md.append("### 2. Fan-out within capacity\n\n");
    md.append("| server | sockets | records/s | records | deliveries expected | delivered | sockets with every record | "
      + "missing | duplicates | lagged msgs | p50 ms | p99 ms | p99.9 ms | max ms |\n"
      + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    md.append(String.format(Locale.ROOT, "| Tributary | %,d | %d | %d | %,d | %,d | %,d | %d | %d | %d | %s | %s | %s | %s |%n",
      w.getLong("sockets"), w.getInteger("rate"), w.getInteger("offered_records"), w.getLong("expected_deliveries"),
      w.getLong("updates"), w.getLong("sockets_complete"), w.getLong("missing"), w.getLong("duplicates"),
      w.getLong("lagged_messages"), w.getValue("p50_ms"), w.getValue("p99_ms"), w.getValue("p999_ms"), w.getValue("max_ms")));
    JsonObject bw = r.getJsonObject("bare_within");
    md.append(String.format(Locale.ROOT, "| bare Vert.x, one message to every socket %d times a second | %,d | %d | | | %,d "
        + "| | | | | %s | %s | %s | %s |%n%n", bw.getInteger("rate"), bw.getLong("sockets"), bw.getInteger("rate"),
      bw.getLong("updates"),
      bw.getValue("p50_ms"), bw.getValue("p99_ms"), bw.getValue("p999_ms"), bw.getValue("max_ms")));
    md.append(String.format(Locale.ROOT, "(%,d sockets connected and subscribed in %.1f s; CPU while measuring: "
        + "server %.2f cores, client %.2f. The server's own histograms, bucket bounds: send → socket write p50 ≤ %.0f "
        + "ms, p99 ≤ %.0f ms; of which send → the relay polled it (Kafka) p50 ≤ %.0f ms, p99 ≤ %.0f ms.)%n%n",
      w.getLong("sockets"), w.getLong("connect_ms") / 1000.0, w.getDouble("server_cpu_cores"),
      w.getDouble("client_cpu_cores"), w.getDouble("server_p50_ms", Double.NaN), w.getDouble("server_p99_ms", Double.NaN),
      w.getDouble("relay_p50_ms", Double.NaN), w.getDouble("relay_p99_ms", Double.NaN)));

    JsonObject o = r.getJsonObject("over");
    JsonObject b = r.getJsonObject("bare");
    md.append("### 3. Fan-out over capacity\n\n");
    md.append("| server | sockets | offered deliveries/s | delivered/s | p50 ms | p99 ms | max ms | lagged msgs | "
      + "dropped (reported to clients) | dropped (server counter) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    md.append(String.format(Locale.ROOT, "| Tributary (%d records/s) | %,d | %,.0f | %,.0f | %s | %s | %s | %,d | %,d | %,.0f |%n",
      o.getInteger("rate"), o.getLong("sockets"), o.getDouble("offered_deliveries_per_s"), o.getDouble("delivered_per_s"),
      o.getValue("p50_ms"), o.getValue("p99_ms"), o.getValue("max_ms"), o.getLong("lagged_messages"),
      o.getLong("dropped_reported"), o.getDouble("server_dropped")));
    JsonObject ob = r.getJsonObject("over_batched");
    if (ob != null) {
      md.append(String.format(Locale.ROOT, "| Tributary, `batch: true` (%d records/s) | %,d | %,.0f | %,.0f | %s | %s | %s | %,d | %,d | %,.0f |%n",
        ob.getInteger("rate"), ob.getLong("sockets"), ob.getDouble("offered_deliveries_per_s"),
        ob.getDouble("delivered_per_s"), ob.getValue("p50_ms"), ob.getValue("p99_ms"), ob.getValue("max_ms"),
        ob.getLong("lagged_messages"), ob.getLong("dropped_reported"), ob.getDouble("server_dropped")));
    }
    md.append(String.format(Locale.ROOT, "| bare Vert.x (as fast as it can) | %,d | | %,.0f | %s | %s | %s | | | |%n",
      b.getLong("sockets"), b.getDouble("delivered_per_s"), b.getValue("p50_ms"), b.getValue("p99_ms"), b.getValue("max_ms")));
    md.append(String.format(Locale.ROOT, "%nServer side (its fan-out histogram, producer's send → update handed to the "
        + "socket, bucket bounds): p50 ≤ %.0f ms, p99 ≤ %.0f ms, of which Kafka (send → the relay polled it) p50 ≤ %.0f "
        + "ms, p99 ≤ %.0f ms; the rest of the client's figure is socket buffers and the client's own queue.%n",
      o.getDouble("server_p50_ms", Double.NaN), o.getDouble("server_p99_ms", Double.NaN),
      o.getDouble("relay_p50_ms", Double.NaN), o.getDouble("relay_p99_ms", Double.NaN)));
    md.append(String.format(Locale.ROOT, "%nTributary delivered %.0f%% of the bare Vert.x ceiling. Server heap after a full GC: "
        + "%.0f MB before, %.0f MB with the sockets connected, %.0f MB after the run. CPU while measuring (cores): "
        + "Tributary %.2f + client %.2f; bare server %.2f + client %.2f.%n",
      100 * o.getDouble("delivered_per_s") / b.getDouble("delivered_per_s"), o.getDouble("heap_before_mb"),
      o.getDouble("heap_connected_mb"), o.getDouble("heap_after_mb"), o.getDouble("server_cpu_cores"),
      o.getDouble("client_cpu_cores"), b.getDouble("server_cpu_cores"), b.getDouble("client_cpu_cores")));
    JsonObject burst = r.getJsonObject("burst");
    if (burst != null) {
      md.append(String.format(Locale.ROOT, "%n### 4. Burst: 1 socket, %,d records produced as fast as possible (in %.2f s)%n%n"
          + "| reader | seconds | records/s | vs live plain consumer | vs finished-topic read | missing | duplicates | p99 ms |%n"
          + "|---|---:|---:|---:|---:|---:|---:|---:|%n"
          + "| plain KafkaConsumer of the same topic, after the burst | %.2f | %,.0f | | 100%% | | | |%n"
          + "| plain KafkaConsumer following the topic during the burst | %.2f | %,.0f | 100%% | | | | |%n"
          + "| Tributary socket (`batch: true`), from the burst's first send | %.2f | %,.0f | %.0f%% | %.0f%% | %,d | %,d | %s |%n",
        burst.getLong("records"), burst.getDouble("produce_s"), burst.getDouble("raw_s"), burst.getDouble("raw_per_s"),
        burst.getDouble("live_raw_s"), burst.getDouble("live_raw_per_s"), burst.getDouble("deliver_s"),
        burst.getDouble("per_s"), 100 * burst.getDouble("live_ratio"), 100 * burst.getDouble("ratio"),
        burst.getLong("missing"), burst.getLong("duplicates"), burst.getValue("p99_ms")));
    }
    System.out.println();
    System.out.println("Stream benchmark");
    System.out.println(md);
    Files.writeString(out.resolve("stream.md"), md.toString());
    Files.writeString(out.resolve("stream.json"), r.encodePrettily());
  }
}
