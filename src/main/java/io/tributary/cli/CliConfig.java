package io.tributary.cli;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where the command line finds its server and token: {@code TRIBUTARY_URL} and {@code TRIBUTARY_TOKEN} first, then
 * the file {@code tributary/config.json} in {@code XDG_CONFIG_HOME} (default {@code ~/.config}), written by
 * {@code tributary login} with mode 0600.
 */
final class CliConfig {

  static final String DEFAULT_URL = "http://localhost:8080";

  private final Map<String, String> env;

  CliConfig(Map<String, String> env) {
    this.env = env;
  }

  /** The configuration file (which may not exist). */
  Path file() {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
      : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
    return base.resolve("tributary").resolve("config.json");
  }

  String url() {
    String url = env.get("TRIBUTARY_URL");
    if (url == null || url.isBlank()) {
      url = stored().getString("url", DEFAULT_URL);
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** The token, or null when there is none. */
  String token() {
    String token = env.get("TRIBUTARY_TOKEN");
    return token != null && !token.isBlank() ? token : stored().getString("token");
  }

  /**
   * Writes the server and token, readable by the user only: a file made with mode 0600 in a directory of mode 0700,
   * then moved over the old one, so no other user can ever read the token.
   */
  void save(String url, String token) throws IOException {
    Path file = file();
    Path dir = Files.createDirectories(file.getParent());
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path written = Files.createTempFile(dir, "config", ".tmp",
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(written, new JsonObject().put("url", url).put("token", token).encodePrettily() + "\n",
        StandardCharsets.UTF_8);
      Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(written);
    }
  }

  private JsonObject stored() {
    Path file = file();
    if (!Files.isRegularFile(file)) {
      return new JsonObject();
    }
    try {
      return new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      throw new CliError(CliError.USAGE, "Cannot read " + file + ": " + e.getMessage() + "; run tributary login again");
    }
  }
}
