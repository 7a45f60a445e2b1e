package io.tributary.bench;

import io.vertx.core.json.JsonObject;

/** CPU used by the server and the load client over a window (cores: CPU seconds per second). */
final class ProcessCpu {
  private final ProcessHandle server;
  private final ProcessHandle client;
  private final long t0 = System.nanoTime();
  private final double server0;
  private final double client0;
  private double serverCores;
  private double clientCores;

  ProcessCpu(Process server, Process client) {
    this.server = server.toHandle();
    this.client = client.toHandle();
    server0 = seconds(this.server);
    client0 = seconds(this.client);
  }

  void stop() {
    double s = (System.nanoTime() - t0) / 1e9;
    serverCores = (seconds(server) - server0) / s;
    clientCores = (seconds(client) - client0) / s;
  }

  /** The server's CPU cores over the window (after {@link #stop}). */
  double serverCores() {
    return serverCores;
  }

  void into(JsonObject report) {
    report.put("server_cpu_cores", serverCores).put("client_cpu_cores", clientCores);
  }

  private static double seconds(ProcessHandle p) {
    return p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }
}
