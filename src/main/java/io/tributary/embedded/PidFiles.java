package io.tributary.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and stops server processes left behind by a JVM that died without closing them (kill -9, OOM kill, power
 * loss of the JVM only): their pid is read from the pid file the server wrote into its data directory.
 */
final class PidFiles {

  private static final Logger LOG = LoggerFactory.getLogger(PidFiles.class);

  private PidFiles() {
  }

  /**
   * The live process whose pid is on the first line of {@code pidFile} and whose command line mentions
   * {@code commandFragment}; empty when the file is missing, unreadable, or names a dead or unrelated process.
   */
  static Optional<ProcessHandle> liveProcess(Path pidFile, String commandFragment) {
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    try {
      List<String> lines = Files.readAllLines(pidFile);
      if (lines.isEmpty() || lines.get(0).isBlank()) {
        return Optional.empty();
      }
      long pid = Long.parseLong(lines.get(0).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .filter(p -> pid != ProcessHandle.current().pid())
        .filter(p -> commandLine(p).contains(commandFragment));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Stops {@code process} with {@code signal} (a name such as {@code TERM} or {@code INT}), then with SIGKILL if it is
   * still alive after {@code grace}.
   */
  static void terminate(ProcessHandle process, String signal, Duration grace) {
    if (!send(process, signal)) {
      process.destroy();
    }
    if (!awaitExit(process, grace)) {
      LOG.warn("Process {} ignored SIG{} for {}; killing it", process.pid(), signal, grace);
      process.destroyForcibly();
      awaitExit(process, Duration.ofSeconds(10));
    }
  }

  private static boolean send(ProcessHandle process, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether {@code process} exited within {@code timeout}. */
  static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    } catch (java.util.concurrent.ExecutionException e) {
      return !process.isAlive();
    }
  }

  /** The command line of {@code process} as the OS reports it (from /proc on Linux); empty when unknown. */
  static String commandLine(ProcessHandle process) {
    ProcessHandle.Info info = process.info();
    return info.commandLine().or(info::command).orElseGet(() -> procCmdline(process.pid()));
  }

  private static String procCmdline(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
