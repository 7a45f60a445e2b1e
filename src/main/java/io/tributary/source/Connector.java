package io.tributary.source;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;

import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;

/**
 * Opens JDBC connections to users' databases (PostgreSQL's driver, MariaDB's for MySQL and MariaDB) at an address
 * {@link HostPolicy} allowed, and tells why one failed in terms a user can act on: host unreachable, authentication
 * failed, database missing, TLS required. Messages never contain the password. Blocking: call it on a worker.
 */
final class Connector {

  private static final Driver POSTGRES = new org.postgresql.Driver();
  private static final Driver MARIADB = new org.mariadb.jdbc.Driver();

  private final HostPolicy hosts;
  private final int timeoutSeconds;

  /** @param timeoutSeconds how long connecting, authenticating and {@code SELECT 1} may take */
  Connector(HostPolicy hosts, int timeoutSeconds) {
    this.hosts = hosts;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** Connects, authenticates and runs {@code SELECT 1} within the timeout; fails with what went wrong. */
  void validate(ConnectionSpec spec) {
    try (Connection c = open(spec, true); Statement st = c.createStatement()) {
      st.setQueryTimeout(timeoutSeconds);
      try (ResultSet rs = st.executeQuery("SELECT 1")) {
        if (!rs.next() || rs.getInt(1) != 1) {
          throw new ApiException(ErrorCode.SOURCE_FAILED, "The database answered SELECT 1 with something else");
        }
      }
    } catch (SQLException e) {
      throw explain(spec, e);
    }
  }

  /**
   * A connection to the database; for extraction ({@code validating} false) with autocommit off (PostgreSQL's
   * cursor needs it), read-only, and no socket read timeout, since a busy server may take long between batches.
   */
  Connection open(ConnectionSpec spec, boolean validating) throws SQLException {
    InetAddress address = hosts.check(spec.host());
    String host = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
    Properties props = new Properties();
    props.setProperty("user", spec.user());
    props.setProperty("password", spec.password() == null ? "" : spec.password());
    Connection c;
    if (ConnectionSpec.POSTGRESQL.equals(spec.type())) {
      props.setProperty("sslmode", spec.sslMode());
      props.setProperty("connectTimeout", String.valueOf(timeoutSeconds));
      props.setProperty("loginTimeout", String.valueOf(timeoutSeconds));
      props.setProperty("socketTimeout", validating ? String.valueOf(timeoutSeconds) : "0");
      props.setProperty("ApplicationName", "tributary-import");
      props.setProperty("readOnly", "true");
      // a bound last value is sent untyped, so the server reads it as the incremental column's type
      props.setProperty("stringtype", "unspecified");
      c = POSTGRES.connect("jdbc:postgresql://" + host + ":" + spec.port() + "/" + spec.database(), props);
    } else if (ConnectionSpec.MYSQL.equals(spec.type())) {
      props.setProperty("sslMode", "require".equals(spec.sslMode()) ? "trust" : "disable");
      props.setProperty("connectTimeout", String.valueOf(timeoutSeconds * 1000));
      props.setProperty("socketTimeout", validating ? String.valueOf(timeoutSeconds * 1000) : "0");
      props.setProperty("permitMysqlScheme", "true");
      c = MARIADB.connect("jdbc:mariadb://" + host + ":" + spec.port() + "/" + spec.database(), props);
    } else {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "type must be postgresql or mysql");
    }
    if (c == null) {
      throw new SQLException("the driver did not accept the connection URL", "08001");
    }
    if (!validating) {
      c.setAutoCommit(false);
      c.setReadOnly(true);
    }
    return c;
  }

  /** A query that failed on the source (missing table, syntax, permissions), without the password. */
  ApiException failedQuery(ConnectionSpec spec, SQLException e) {
    if (e.getSQLState() != null && (e.getSQLState().startsWith("08") || e.getSQLState().startsWith("28"))) {
      return explain(spec, e);
    }
    return new ApiException(ErrorCode.SOURCE_FAILED, "The query failed on the source database: " + scrub(spec,
      e.getMessage()));
  }

  /** What a failure to connect means, without the password. */
  ApiException explain(ConnectionSpec spec, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = scrub(spec, e.getMessage());
    String lower = message.toLowerCase(Locale.ROOT);
    Throwable root = rootCause(e);
    String where = spec.host() + ":" + spec.port();
    if (lower.contains("ssl off") || lower.contains("no encryption") || lower.contains("secure transport")
      || lower.contains("requires ssl") || lower.contains("ssl connection is required")) {
      return new ApiException(ErrorCode.SOURCE_TLS_REQUIRED, "TLS required: the server at " + where
        + " refuses unencrypted connections; set ssl_mode to require");
    }
    if (lower.contains("does not support ssl") || lower.contains("server does not support tls")) {
      return new ApiException(ErrorCode.SOURCE_TLS_REQUIRED, "TLS required by ssl_mode=require, but the server at "
        + where + " does not offer it; set ssl_mode to prefer or disable");
    }
    if (state.equals("3D000") || e.getErrorCode() == 1049 || lower.contains("unknown database")) {
      return new ApiException(ErrorCode.SOURCE_DATABASE_MISSING, "Database missing: " + spec.database()
        + " does not exist on " + where);
    }
    if (state.startsWith("28") || e.getErrorCode() == 1045 || e.getErrorCode() == 1044
      || lower.contains("password authentication failed") || lower.contains("access denied")) {
      return new ApiException(ErrorCode.SOURCE_AUTH_FAILED, "Authentication failed for user " + spec.user() + " on "
        + where + " (" + message + ")");
    }
    if (root instanceof SocketTimeoutException || lower.contains("timed out") || lower.contains("timeout")) {
      return new ApiException(ErrorCode.SOURCE_UNREACHABLE, "Host unreachable: " + where + " did not answer within "
        + timeoutSeconds + " s");
    }
    if (root instanceof ConnectException || root instanceof NoRouteToHostException || state.startsWith("08")) {
      return new ApiException(ErrorCode.SOURCE_UNREACHABLE, "Host unreachable: nothing accepts connections at " + where
        + " (" + scrub(spec, root.getMessage() == null ? message : root.getMessage()) + ")");
    }
    return new ApiException(ErrorCode.SOURCE_FAILED, "The database at " + where + " refused the connection: " + message);
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** A driver message with the password (if it ever appears) masked, on one line. */
  static String scrub(ConnectionSpec spec, String message) {
    String text = message == null ? "" : message.replaceAll("\\s+", " ").trim();
    String password = spec.password();
    if (password != null && !password.isEmpty()) {
      text = text.replace(password, "****");
    }
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
