package io.tributary.bench;

import io.vertx.core.json.JsonObject;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/** {@link BareFanoutServer} in its own JVM with {@link StreamLoadClient}'s sockets: the baseline live-fan-out rows. */
final class BareCeiling {

  private BareCeiling() {
  }

  /** How long the bare server's rounds run before its measured window. */
  static final int WARM_SECONDS = 3;

  /** The bare server with the same client: as fast as it can (rate 0), or one message to every socket rate times a second. */
  static JsonObject run(Path out, int sockets, int seconds, int rate) throws Exception {
    int port = ServerProcess.freePort();
    try (BenchChild bare = BenchChild.start(out.resolve("stream-bare.log"),
      "-Xmx1g -Dbare.tributary=" + Boolean.getBoolean("bare.tributary"),
      BareFanoutServer.class,
      Integer.toString(port), Integer.toString(Runtime.getRuntime().availableProcessors()), Integer.toString(StreamBench.PADDING))) {
      bare.await("LISTENING");
      try (BenchChild client = BenchChild.live(out, port, "/bare", sockets, false)) {
        var http = java.net.http.HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/start?rate=" + rate)).build(),
          HttpResponse.BodyHandlers.ofString());
        Thread.sleep(WARM_SECONDS * 1_000L);
        client.ask("RESET");
        client.ask("MARK");
        ProcessCpu cpu = new ProcessCpu(bare.process, client.process);
        Thread.sleep(seconds * 1_000L);
        client.ask("MARK");
        cpu.stop();
        http.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/stop")).build(),
          HttpResponse.BodyHandlers.ofString());
        Thread.sleep(1_000);
        JsonObject report = new JsonObject(client.ask("REPORT 0 0"));
        cpu.into(report);
        report.put("rate", rate);
        System.out.println("bare Vert.x" + (rate > 0 ? " at " + rate + "/s: " : " ceiling: ") + report.encode());
        client.ask("QUIT");
        return report;
      }
    }
  }
}
