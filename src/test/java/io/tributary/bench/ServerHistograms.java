package io.tributary.bench;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's own fan-out histograms between two readings of its {@code /metrics}: where a record's time goes
 * before the client reads it. {@code server_*}: producer's send to socket write ({@code tributary_fanout_latency});
 * {@code relay_*}: the same send to the record's arrival at the server's relay ({@code tributary_fanout_relay_lag},
 * Kafka's part of it).
 */
final class ServerHistograms {

  private static final Map<String, String> METRICS =
    Map.of("server", "tributary_fanout_latency_seconds", "relay", "tributary_fanout_relay_lag_seconds");

  private final ServerProcess server;
  private final Map<String, TreeMap<Double, Double>> before;

  /** Reads the histograms now: the start of the window. */
  ServerHistograms(ServerProcess server) throws Exception {
    this.server = server;
    this.before = read(server);
  }

  /** Puts {@code server_p50_ms}, {@code server_p99_ms}, {@code relay_p50_ms}, {@code relay_p99_ms} since the start. */
  void into(JsonObject report) throws Exception {
    Map<String, TreeMap<Double, Double>> after = read(server);
    for (String prefix : METRICS.keySet()) {
      TreeMap<Double, Double> b = before.get(prefix);
      TreeMap<Double, Double> a = after.get(prefix);
      report.put(prefix + "_p50_ms", quantile(b, a, 0.50) * 1000).put(prefix + "_p99_ms", quantile(b, a, 0.99) * 1000);
    }
  }

  private static Map<String, TreeMap<Double, Double>> read(ServerProcess server) throws Exception {
    String body = server.get("/metrics").body();
    Map<String, TreeMap<Double, Double>> all = new java.util.HashMap<>();
    METRICS.forEach((prefix, metric) -> {
      Matcher m = Pattern.compile(metric + "_bucket\\{[^}]*le=\"([0-9.eE+]+)\"[^}]*} ([0-9.eE+]+)").matcher(body);
      TreeMap<Double, Double> buckets = new TreeMap<>();
      while (m.find()) {
        buckets.merge(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Double::sum);
      }
      all.put(prefix, buckets);
    });
    return all;
  }

  /** The upper bound of the bucket holding quantile q of what was counted between two readings. */
  static double quantile(TreeMap<Double, Double> before, TreeMap<Double, Double> after, double q) {
    double total = 0;
    for (var e : after.entrySet()) {
      total = Math.max(total, e.getValue() - before.getOrDefault(e.getKey(), 0.0));
    }
    for (var e : after.entrySet()) {
      if (e.getValue() - before.getOrDefault(e.getKey(), 0.0) >= q * total) {
        return e.getKey();
      }
    }
    return Double.NaN;
  }
}
