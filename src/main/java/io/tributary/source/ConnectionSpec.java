package io.tributary.source;

import io.vertx.core.json.JsonObject;

/**
 * Where and as whom to connect: a {@code postgresql} or {@code mysql} (MySQL or MariaDB) database. The password
 * travels only inside the process (event bus, local) and is never part of {@link #toString()} or of what a client
 * sees ({@link #visible()}).
 *
 * @param sslMode {@code disable}, {@code prefer} (TLS when the server offers it; PostgreSQL only, MySQL connects
 *                without) or {@code require} (TLS, certificate not verified)
 */
record ConnectionSpec(String type, String host, int port, String database, String user, String password,
                      String sslMode) {

  static final String POSTGRESQL = "postgresql";
  static final String MYSQL = "mysql";

  /** From a request body or a bus message ({@code ssl_mode} defaults to prefer). */
  static ConnectionSpec from(JsonObject json) {
    return new ConnectionSpec(json.getString("type"), json.getString("host"), json.getInteger("port"),
      json.getString("database"), json.getString("user"), json.getString("password", ""),
      json.getString("ssl_mode", "prefer"));
  }

  /** For the event bus (local only), with the password. */
  JsonObject toMessage() {
    return visible().put("password", password);
  }

  /** Everything but the password. */
  JsonObject visible() {
    return new JsonObject().put("type", type).put("host", host).put("port", port).put("database", database)
      .put("user", user).put("ssl_mode", sslMode);
  }

  @Override
  public String toString() {
    return type + "://" + user + "@" + host + ":" + port + "/" + database;
  }
}
