package io.tributary.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.core.ExecutableProvider;

@DisplayName("Server binaries")
class ServerBinariesTest {

  /** How long the old write-then-exec path may run under concurrent forks before it must have failed once. */
  private static final long OLD_PATH_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final int INSTALLED_RUNS = 50;

  @Test
  @DisplayName("Under concurrent process starts, a Redis binary written just before its exec fails with "
    + "'Text file busy' (the old path); the binary installed beforehand runs every time")
  void installedBinaryRunsWhileOtherThreadsFork(@TempDir Path dir) throws Exception {
    Path installed = ServerBinaries.redis(dir.resolve("bin"));
    Forkers forkers = new Forkers(2);
    try {
      List<String> failures = new ArrayList<>();
      for (int i = 0; i < INSTALLED_RUNS; i++) {
        run(installed.toFile()).ifPresent(failures::add);
      }
      assertThat(failures).as("runs of the installed binary that failed").isEmpty();

      // embedded-redis's own provider, as EmbeddedRedis used it: write the binary, then exec it at once
      Optional<String> busy = Optional.empty();
      int attempts = 0;
      long deadline = System.nanoTime() + OLD_PATH_BUDGET_NANOS;
      while (busy.isEmpty() && System.nanoTime() < deadline) {
        Path attemptDir = Files.createDirectories(dir.resolve("old-" + attempts++));
        busy = run(ExecutableProvider.newJarResourceProvider(attemptDir.toFile()).get());
        deleteTree(attemptDir);
      }
      System.out.printf("old path: %s after %d attempts, %d forks by the other threads%n",
        busy.orElse("no failure"), attempts, forkers.count());
      assertThat(busy).as("the write-then-exec path failed at least once under concurrent forks")
        .hasValueSatisfying(message -> assertThat(message).contains("error=26, Text file busy"));
    } finally {
      forkers.stop();
    }
  }

  @Test
  @DisplayName("Installing the Redis binary again keeps the file when its bytes are the same, and replaces it when not")
  void reinstallKeepsOrReplaces(@TempDir Path dir) throws Exception {
    Path first = ServerBinaries.redis(dir);
    Object inode = Files.readAttributes(first, "unix:ino").get("ino");
    assertThat(ServerBinaries.redis(dir)).isEqualTo(first);
    assertThat(Files.readAttributes(first, "unix:ino").get("ino")).as("same file, not rewritten").isEqualTo(inode);

    Files.write(first, new byte[] {1, 2, 3});
    assertThat(ServerBinaries.redis(dir)).isEqualTo(first);
    assertThat(run(first.toFile())).as("the damaged binary was replaced by a working one").isEmpty();
    try (var files = Files.list(dir)) {
      assertThat(files).as("no temporary file left behind").containsExactly(first);
    }
  }

  @Test
  @DisplayName("zonky's PostgreSQL binaries are extracted ahead of the start, where the start will look for them")
  void postgresBinariesAhead() throws Exception {
    Path pgDir = ServerBinaries.postgres().orElseThrow();
    assertThat(pgDir.resolve("bin/initdb")).isExecutable();
    assertThat(pgDir.resolve("bin/postgres")).isExecutable();
    assertThat(ServerBinaries.postgres()).as("the same directory on the next call").contains(pgDir);
  }

  /** Runs {@code redis-server --version}; the launch error's message when it could not start. */
  private static Optional<String> run(File executable) throws Exception {
    try {
      Process p = new ProcessBuilder(executable.getPath(), "--version")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Threads that start short processes ({@code true}) back to back, as the other services' starts do. */
  private static final class Forkers {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong forks = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    Forkers(int count) {
      for (int i = 0; i < count; i++) {
        Thread t = new Thread(this::loop, "forker-" + i);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
    }

    private void loop() {
      while (!stop.get()) {
        try {
          new ProcessBuilder("true").start().waitFor();
          forks.incrementAndGet();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    long count() {
      return forks.get();
    }

    void stop() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(10_000);
      }
    }
  }
}
