package io.tributary.http;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * Recognises failures that mean a backing service (PostgreSQL, Redis, Kafka) cannot be reached right now: they
 * answer 503 SERVICE_UNAVAILABLE (try again), not 500. Connection refused or closed, a pool closed or timing out
 * while waiting for a connection, and PostgreSQL's connection-class and shutdown errors (SQLSTATE 08xxx, 57P0x).
 */
final class Unavailable {

  private Unavailable() {
  }

  static boolean is(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException || t instanceof ClosedConnectionException || t instanceof TimeoutException
        || t instanceof io.netty.channel.ConnectTimeoutException || t instanceof java.nio.channels.ClosedChannelException) {
        return true;
      }
      if (t instanceof PgException pg && pg.getSqlState() != null
        && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P0"))) {
        return true;
      }
      String message = t.getMessage() == null ? "" : t.getMessage();
      if (message.startsWith("Connection refused") || message.contains("Pool closed")
        || message.contains("Timeout while waiting for a connection") || message.contains("Connection is closed")
        || message.contains("unreachable at")) {
        return true;
      }
    }
    return false;
  }
}
