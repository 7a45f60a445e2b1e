package io.tributary.embedded;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A Redis 6.2 server run from the binary bundled on the classpath (codemonstur embedded-redis), for embedded mode.
 * The binary is installed in {@code <dataDir>/redis/bin} and kept there.
 *
 * <p>It listens on a free port of 127.0.0.1 only and keeps its data in {@code <dataDir>/redis} (append-only file plus
 * RDB snapshots), so a restart keeps the keys. Its pid is written to {@code <dataDir>/redis/redis.pid}: a server left
 * running by a JVM that was killed is stopped before the new one starts.
 */
public final class EmbeddedRedis implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);
  private static final String PID_FILE = "redis.pid";

  private final RedisServer server;
  private final int port;

  private EmbeddedRedis(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Starts Redis with its data in {@code <dataDir>/redis}. Blocking: returns once the server accepts connections.
   *
   * @param dataDir Tributary's data directory
   * @throws IOException when the server does not come up
   */
  public static EmbeddedRedis start(Path dataDir) throws IOException {
    return start(dataDir, 0);
  }

  /** As {@link #start(Path)}, on a given port of 127.0.0.1 (0: a free one), e.g. to restart on the same address. */
  public static EmbeddedRedis start(Path dataDir, int fixedPort) throws IOException {
    return start(dataDir, fixedPort, installBinary(dataDir));
  }

  /**
   * Puts the Redis server binary into {@code <dataDir>/redis/bin} (kept when already there) and returns it. Run it
   * before other threads start processes (see {@link ServerBinaries}).
   */
  static Path installBinary(Path dataDir) throws IOException {
    return ServerBinaries.redis(dataDir.toAbsolutePath().resolve("redis").resolve("bin"));
  }

  /** As {@link #start(Path, int)}, running {@code binary} from {@link #installBinary}; writes no executable. */
  static EmbeddedRedis start(Path dataDir, int fixedPort, Path binary) throws IOException {
    Path dir = dataDir.toAbsolutePath().resolve("redis");
    Files.createDirectories(dir);
    stopOrphan(dir);
    int port = fixedPort > 0 ? fixedPort : LoopbackPorts.free();
    File executable = binary.toFile();
    RedisServer server = RedisServer.newRedisServer()
      .executableProvider(() -> executable)
      .bind(LoopbackPorts.HOST)
      .port(port)
      .setting("dir " + quote(dir))
      .setting("pidfile " + quote(dir.resolve(PID_FILE)))
      .setting("daemonize no")
      .setting("appendonly yes")
      .setting("appendfsync everysec")
      .onShutdownForceStop(false)
      .soutListener(line -> LOG.debug("redis: {}", line))
      .serrListener(line -> LOG.warn("redis: {}", line))
      .build();
    server.start();
    return new EmbeddedRedis(server, port);
  }

  /** The TCP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>}, as understood by vertx-redis-client. */
  public String url() {
    return "redis://" + LoopbackPorts.HOST + ":" + port;
  }

  /** Stops the server with SIGTERM (Redis flushes the append-only file and exits); the data stays. Idempotent. */
  @Override
  public void close() {
    try {
      if (server.isActive()) {
        server.stop();
      }
    } catch (IOException e) {
      LOG.warn("Embedded Redis did not stop cleanly: {}", e.getMessage());
    }
  }

  private static void stopOrphan(Path dir) throws IOException {
    Path pidFile = dir.resolve(PID_FILE);
    Optional<ProcessHandle> orphan = PidFiles.liveProcess(pidFile, "redis-server");
    if (orphan.isPresent()) {
      LOG.warn("Stopping orphaned Redis (pid {}) left running on {}", orphan.get().pid(), dir);
      PidFiles.terminate(orphan.get(), "TERM", Duration.ofSeconds(30));
    }
    Files.deleteIfExists(pidFile);
  }

  private static String quote(Path path) {
    return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
