package io.tributary.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;

/** Picks and probes TCP ports on the IPv4 loopback address, the only address embedded services bind. */
public final class LoopbackPorts {

  /** The loopback host every embedded service binds and advertises. */
  static final String HOST = "127.0.0.1";

  /** Well-known ports of services the machine may run itself (PostgreSQL, Redis); never handed out. */
  private static final Set<Integer> RESERVED = Set.of(5432, 6379, 9092, 9093);

  private LoopbackPorts() {
  }

  /** A port that is free on 127.0.0.1 right now (the kernel's choice, never a reserved well-known port). */
  public static int free() {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, loopback())) {
        int port = socket.getLocalPort();
        if (!RESERVED.contains(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open a socket on " + HOST, e);
      }
    }
    throw new IllegalStateException("no free port on " + HOST);
  }

  /** Whether {@code port} can be bound on 127.0.0.1 at this moment. */
  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(loopback(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static InetAddress loopback() {
    try {
      return InetAddress.getByName(HOST);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
