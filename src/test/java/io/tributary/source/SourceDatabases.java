package io.tributary.source;

import io.tributary.db.Database;
import io.tributary.support.TestApp;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The databases imports read in tests: the embedded PostgreSQL of the run (a database and users of their own, with
 * password or TLS rules added to its pg_hba.conf for those users only) and the machine's MariaDB on 127.0.0.1:3306
 * (root, no password).
 */
final class SourceDatabases {

  static final String PG_DATABASE = "import_source";
  static final String PG_USER = "src_reader";
  static final String PG_PASSWORD = "s3cret-Pa55word!";
  /** A user whose connections must use TLS (the embedded server offers none). */
  static final String PG_TLS_USER = "src_tls_only";
  static final String MARIADB_USER = "trib_src";
  static final String MARIADB_PASSWORD = "maria-Pa55word!";

  private static boolean pgReady;

  private SourceDatabases() {
  }

  static int pgPort() {
    return PgConnectOptions.fromUri(TestApp.get().config().getJsonObject("postgres").getString("url")).getPort();
  }

  /** A superuser connection to the given database of the embedded PostgreSQL. */
  static Connection pgAdmin(String database) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort() + "/" + database + "?user=postgres");
  }

  /** The import database and its users exist, and pg_hba.conf asks them for a password or refuses them without TLS. */
  static synchronized void preparePostgres() throws Exception {
    if (pgReady) {
      return;
    }
    try (Connection c = pgAdmin("tributary"); Statement s = c.createStatement()) {
      if (!s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + PG_DATABASE + "'").next()) {
        s.execute("CREATE DATABASE " + PG_DATABASE);
      }
      s.execute("DROP ROLE IF EXISTS " + PG_USER);
      s.execute("CREATE ROLE " + PG_USER + " LOGIN PASSWORD '" + PG_PASSWORD + "'");
      s.execute("DROP ROLE IF EXISTS " + PG_TLS_USER);
      s.execute("CREATE ROLE " + PG_TLS_USER + " LOGIN PASSWORD 'x'");
      String hbaFile = query(s, "SHOW hba_file");
      Path hba = Path.of(hbaFile);
      String rules = "host all " + PG_USER + " 127.0.0.1/32 scram-sha-256\n"
        + "hostnossl all " + PG_TLS_USER + " 127.0.0.1/32 reject\n";
      String current = Files.readString(hba);
      if (!current.startsWith(rules)) {
        Files.writeString(hba, rules + current);
      }
      s.execute("SELECT pg_reload_conf()");
    }
    try (Connection c = pgAdmin(PG_DATABASE); Statement s = c.createStatement()) {
      s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + PG_USER);
      s.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO " + PG_USER);
    }
    pgReady = true;
  }

  /** Runs statements on the import database as its owner. */
  static void pg(String... sql) throws SQLException {
    try (Connection c = pgAdmin(PG_DATABASE); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  static Connection mariadbAdmin() throws SQLException {
    return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/test?user=root");
  }

  /** Runs statements on MariaDB's {@code test} database as root. */
  static void mariadb(String... sql) throws SQLException {
    try (Connection c = mariadbAdmin(); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  static void prepareMariadb() throws SQLException {
    mariadb("CREATE USER IF NOT EXISTS '" + MARIADB_USER + "'@'%' IDENTIFIED BY '" + MARIADB_PASSWORD + "'",
      "GRANT SELECT ON test.* TO '" + MARIADB_USER + "'@'%'");
  }

  /** A connection body for the import database. */
  static JsonObject pgConnection(String name) {
    return new JsonObject().put("name", name).put("type", "postgresql").put("host", "127.0.0.1").put("port", pgPort())
      .put("database", PG_DATABASE).put("user", PG_USER).put("password", PG_PASSWORD);
  }

  static JsonObject mariadbConnection(String name) {
    return new JsonObject().put("name", name).put("type", "mysql").put("host", "127.0.0.1").put("port", 3306)
      .put("database", "test").put("user", MARIADB_USER).put("password", MARIADB_PASSWORD);
  }

  private static String query(Statement s, String sql) throws SQLException {
    var rs = s.executeQuery(sql);
    rs.next();
    return rs.getString(1);
  }

  static List<String> lines(String text) {
    return List.of(text.split("\n"));
  }
}
