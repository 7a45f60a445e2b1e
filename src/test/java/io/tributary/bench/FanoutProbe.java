package io.tributary.bench;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The live fan-out alone ({@link FanoutProbeServer}: Tributary's StreamSockets fed from a timer, no Kafka, no
 * embedded services) next to {@link BareFanoutServer}, with {@link StreamLoadClient}, for when the whole server
 * cannot be benchmarked (StreamBench) or to compare two builds of the fan-out in one run: each
 * {@code label=classes-directory} argument runs the probe server with those classes first on its classpath.
 * Scenarios, each run for every build and then the bare server: {@code within} (sockets at a few records/s,
 * latency and completeness) and {@code batched} (fewer sockets subscribed with batches, many records/s:
 * delivered/s next to the bare ceiling). Properties: {@code probe.sockets} (10,000), {@code probe.rate} (5),
 * {@code probe.over.sockets} (1,000), {@code probe.over.rate} (200), {@code probe.seconds} (20),
 * {@code probe.scenarios} (within,batched), {@code probe.rounds} (1: how often the builds alternate),
 * {@code probe.jvm} (more options for the probe servers, {@code {label}} replaced by the build's label, e.g. a JFR
 * recording) and {@code probe.jvm.<label>} (for that build only, e.g. {@code -Dprobe.feeder=shared}: see
 * {@link FanoutProbeServer}). Completeness counts the records from one second into the window (the first ones may have arrived
 * before it opened).
 * Arguments: out-directory label=classes...
 */
public final class FanoutProbe {

  /** Records flow this long before the window (as in {@link StreamBench#bareCeiling}): warm code on both sides. */
  private static final int WARM_SECONDS = 3;

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    Files.createDirectories(out);
    int seconds = Integer.getInteger("probe.seconds", 20);
    for (int round = 0; round < Integer.getInteger("probe.rounds", 1); round++) {
      for (String scenario : System.getProperty("probe.scenarios", "within,batched").split(",")) {
        boolean within = "within".equals(scenario);
        int sockets = within ? Integer.getInteger("probe.sockets", 10_000) : Integer.getInteger("probe.over.sockets", 1_000);
        int rate = within ? Integer.getInteger("probe.rate", 5) : Integer.getInteger("probe.over.rate", 200);
        for (int i = 1; i < args.length; i++) {
          String[] build = args[i].split("=", 2);
          JsonObject r = probe(out, build[0], build[1], sockets, rate, seconds, !within);
          System.out.println(new JsonObject().put("scenario", scenario).put("server", build[0]).put("round", round)
            .mergeIn(r).encode());
        }
        JsonObject bare = BareCeiling.run(out, sockets, seconds, within ? rate : 0);
        System.out.println(new JsonObject().put("scenario", scenario).put("server", "bare").put("round", round)
          .mergeIn(bare).encode());
      }
    }
  }

  private static JsonObject probe(Path out, String label, String classes, int sockets, int rate, int seconds, boolean batch)
    throws Exception {
    int port = ServerProcess.freePort();
    List<String> cmd = new ArrayList<>(List.of("java", "-XX:+UseG1GC", "-Xmx1g"));
    String jvm = (System.getProperty("probe.jvm", "") + " " + System.getProperty("probe.jvm." + label, ""))
      .replace("{label}", label);
    if (!jvm.isBlank()) {
      cmd.addAll(List.of(jvm.trim().split("\\s+")));
    }
    cmd.addAll(List.of("-cp", classes + java.io.File.pathSeparator + System.getProperty("java.class.path"),
      FanoutProbeServer.class.getName(), Integer.toString(port), Integer.toString(Runtime.getRuntime().availableProcessors()),
      Integer.toString(StreamBench.PADDING)));
    Process server = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(out.resolve("probe-server.log")
      .toFile())).start();
    try {
      var lines = server.inputReader();
      String line = lines.readLine();
      while (line != null && !line.startsWith("LISTENING")) { // JVM notices (e.g. a JFR recording) come first
        line = lines.readLine();
      }
      if (line == null || !line.startsWith("LISTENING")) {
        throw new IllegalStateException("probe server did not start: " + line);
      }
      try (BenchChild client = BenchChild.live(out, port, "/live", sockets, batch)) {
        HttpClient http = HttpClient.newHttpClient();
        long n = (long) rate * seconds;
        long warm = (long) rate * WARM_SECONDS; // the bare server also runs WARM_SECONDS before it is measured
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (port + 1) + "/start?rate=" + rate + "&n="
          + (warm + n))).build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(WARM_SECONDS * 1_000L);
        client.ask("RESET");
        client.ask("MARK");
        ProcessCpu cpu = new ProcessCpu(server, client.process);
        Thread.sleep(seconds * 1_000L);
        client.ask("MARK");
        cpu.stop();
        Thread.sleep(3_000);
        JsonObject report = new JsonObject(client.ask("REPORT " + (warm + rate) + " " + (warm + n)));
        cpu.into(report);
        report.put("rate", rate).put("offered_records", n).put("checked_records", n - rate);
        client.ask("QUIT");
        return report;
      }
    } finally {
      ServerProcess.stop(server, 10);
    }
  }
}
