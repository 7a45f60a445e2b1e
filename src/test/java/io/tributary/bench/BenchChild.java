package io.tributary.bench;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A bench JVM started from this one's classpath, driven by lines on its stdin and stdout. */
final class BenchChild implements AutoCloseable {
  final Process process;
  final BufferedReader stdout;
  final PrintWriter stdin;
  long readyMs;

  private BenchChild(Process process) {
    this.process = process;
    this.stdout = process.inputReader();
    this.stdin = new PrintWriter(process.outputWriter(), true);
  }

  /** @param jvm its JVM options, separated by spaces */
  static BenchChild start(Path log, String jvm, Class<?> main, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("java", "-XX:+UseG1GC"));
    cmd.addAll(List.of(jvm.split(" ")));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    Process process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    // a bench stopped with SIGTERM or Ctrl-C takes its children with it (an orphaned bare server lived on for hours)
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    return new BenchChild(process);
  }

  /** Reads lines until one starts with the prefix; fails when the process ends first. */
  String await(String prefix) throws Exception {
    for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IllegalStateException(prefix + " never came; the child exited with " + process.waitFor());
  }

  String ask(String command) throws Exception {
    stdin.println(command);
    String line = stdout.readLine();
    if (line == null) {
      throw new IllegalStateException("the child exited on " + command);
    }
    return line;
  }

  @Override
  public void close() throws Exception {
    ServerProcess.stop(process, 20);
  }

  /** A {@link StreamLoadClient} JVM with {@code sockets} subscribed sockets on {@code path}. */
  static BenchChild live(Path out, int port, String path, int sockets, boolean batch) throws Exception {
    BenchChild client = BenchChild.start(out.resolve("stream-client.log"), "-Xmx2g", StreamLoadClient.class, "127.0.0.1",
      Integer.toString(port), path, Integer.toString(sockets), Integer.toString(clientLoops()), batch ? "batch" : "one");
    String ready = client.await("READY");
    String[] parts = ready.split(" ");
    System.out.printf("%s sockets subscribed (%s failed) in %s ms%n", parts[1], parts[2], parts[3]);
    if (!"0".equals(parts[2])) {
      client.close();
      throw new IllegalStateException(parts[2] + " sockets failed; see " + out.resolve("stream-client.log"));
    }
    client.readyMs = Long.parseLong(parts[3]);
    return client;
  }

  static int clientLoops() {
    return Integer.getInteger("bench.stream.client.loops", 2);
  }
}
