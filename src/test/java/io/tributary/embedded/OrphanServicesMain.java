package io.tributary.embedded;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Run in a child JVM by {@link EmbeddedServicesTest}: starts embedded PostgreSQL and Redis on the data directory in
 * {@code args[0]}, writes a row and a key, prints {@code READY} and waits to be killed with SIGKILL, which leaves both
 * server processes behind as orphans.
 */
public final class OrphanServicesMain {

  private OrphanServicesMain() {
  }

  public static void main(String[] args) throws Exception {
    EmbeddedServices services = EmbeddedServices.start(Path.of(args[0]), true, true, false, 0);
    try (Connection c = DriverManager.getConnection(services.jdbcUrl()); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orphan (note text)");
      s.execute("INSERT INTO orphan VALUES ('written before kill -9')");
    }
    String[] hostPort = services.redisUrl().substring("redis://".length()).split(":");
    try (Socket redis = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
      OutputStream out = redis.getOutputStream();
      out.write("SET orphan-key survived\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      redis.getInputStream().read(new byte[5]); // +OK\r\n
    }
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
