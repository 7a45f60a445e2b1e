package io.tributary.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * s3proxy 4.1.0 (a real S3 API server) as its own JVM, with the filesystem blob store under {@code dir} and no
 * authorization: what the lake tests talk to. It can be stopped and started again on the same port and files.
 */
public final class S3Proxy implements AutoCloseable {

  public final int port;
  public final Path dir;
  private final Path log;
  private Process process;

  /** A server on a free port keeping its objects in {@code dir}, with the bucket {@code bucket}; call {@link #start()}. */
  public S3Proxy(Path dir, String bucket) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir.resolve("blobs").resolve(bucket)); // a filesystem container is a folder
    this.log = dir.resolve("s3proxy.log");
    try (ServerSocket socket = new ServerSocket(0)) {
      this.port = socket.getLocalPort();
    }
    Files.writeString(dir.resolve("s3proxy.conf"), String.join("\n",
      "s3proxy.authorization=none",
      "s3proxy.endpoint=http://127.0.0.1:" + port,
      "jclouds.provider=filesystem",
      "jclouds.filesystem.basedir=" + dir.resolve("blobs"),
      ""));
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The jar Maven resolved for the test scope. */
  static Path jar() {
    String repo = System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository");
    Path jar = Path.of(repo, "org", "gaul", "s3proxy", "4.1.0", "s3proxy-4.1.0-jar-with-dependencies.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("s3proxy is not in the local Maven repository: " + jar + " (run mvn once online)");
    }
    return jar;
  }

  /** Starts the process (unless it runs) and waits until it accepts connections (at most 60 s). */
  public S3Proxy start() throws Exception {
    if (process != null && process.isAlive()) {
      return this;
    }
    process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar().toString(), "--properties",
      dir.resolve("s3proxy.conf").toString()))
      .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("s3proxy exited; see " + log);
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return this;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("s3proxy did not listen within 60 s; see " + log);
  }

  /** Stops the process (its objects stay in {@link #dir}). */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The stored object file of {@code key} in {@code bucket} (for tests that tamper with it). */
  public Path object(String bucket, String key) {
    return dir.resolve("blobs").resolve(bucket).resolve(key);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
