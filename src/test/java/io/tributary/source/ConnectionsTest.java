package io.tributary.source;

import io.tributary.support.Api;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.function.UnaryOperator;

import static io.tributary.source.SourceDatabases.PG_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Database connections are validated before they are stored, and keep their password secret")
class ConnectionsTest {

  static final String BASE = "/api/v1/data/connections";

  @BeforeAll
  static void databases() throws Exception {
    TestApp.get();
    SourceDatabases.preparePostgres();
    SourceDatabases.prepareMariadb();
  }

  @Test
  @DisplayName("a valid PostgreSQL connection is stored with its password encrypted, never shown, and only to its owner")
  void createsPostgres() throws Exception {
    Api owner = Api.newUser("analyst");
    HttpResponse<Buffer> r = owner.post(BASE, SourceDatabases.pgConnection("warehouse"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject created = r.bodyAsJsonObject();
    String id = created.getString("connection_id");
    assertThat(created.getString("user")).isEqualTo(SourceDatabases.PG_USER);
    assertThat(created.getString("ssl_mode")).isEqualTo("prefer");
    assertThat(r.bodyAsString()).doesNotContain(PG_PASSWORD).doesNotContain("password");
    assertThat(r.getHeader("Location")).isEqualTo(BASE + "/" + id);

    assertThat(owner.get(BASE + "/" + id).bodyAsString()).contains(id).doesNotContain(PG_PASSWORD);
    assertThat(owner.get(BASE).bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    HttpResponse<Buffer> test = owner.post(BASE + "/" + id + "/test", new JsonObject());
    assertThat(test.statusCode()).as(test.bodyAsString()).isEqualTo(200);
    assertThat(test.bodyAsJsonObject().getBoolean("ok")).isTrue();

    Api other = Api.newUser("analyst");
    Api.error(other.get(BASE + "/" + id), 404, "NOT_FOUND");
    Api.error(other.post(BASE + "/" + id + "/test", new JsonObject()), 404, "NOT_FOUND");
    Api.error(other.delete(BASE + "/" + id), 404, "NOT_FOUND");
    assertThat(other.get(BASE).bodyAsJsonObject().getJsonArray("items")).isEmpty();
    Api.error(owner.post(BASE, SourceDatabases.pgConnection("warehouse")), 409, "CONFLICT");

    // at rest: AES-GCM ciphertext, not the password; the key file is readable by its owner only
    try (Connection c = SourceDatabases.pgAdmin("tributary");
         ResultSet rs = c.createStatement().executeQuery(
           "SELECT password_encrypted FROM source_connections WHERE id = '" + id + "'")) {
      assertThat(rs.next()).isTrue();
      byte[] sealed = rs.getBytes(1);
      assertThat(sealed.length).isEqualTo(12 + PG_PASSWORD.length() + 16);
      assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(PG_PASSWORD);
    }
    Path key = Path.of(TestApp.get().config().getString("data_dir"), "keys", "sources.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");

    assertThat(owner.delete(BASE + "/" + id).statusCode()).isEqualTo(204);
    Api.error(owner.get(BASE + "/" + id), 404, "NOT_FOUND");
  }

  @Test
  @DisplayName("each failure is a 4xx naming what failed, never echoing the password, and nothing is stored")
  void refusesBadConnections() {
    Api owner = Api.newUser("analyst");
    UnaryOperator<JsonObject> pg = c -> c;
    JsonObject good = SourceDatabases.pgConnection("bad");
    String wrong = "wrong-Pa55word-xyz";

    JsonObject auth = Api.error(owner.post(BASE, good.copy().put("password", wrong)), 422, "SOURCE_AUTH_FAILED");
    assertThat(auth.getString("message")).startsWith("Authentication failed").doesNotContain(wrong);
    assertThat(Api.error(owner.post(BASE, good.copy().put("database", "no_such_db")), 422, "SOURCE_DATABASE_MISSING")
      .getString("message")).contains("no_such_db").doesNotContain(PG_PASSWORD);
    assertThat(Api.error(owner.post(BASE, good.copy().put("port", 1)), 422, "SOURCE_UNREACHABLE")
      .getString("message")).startsWith("Host unreachable").doesNotContain(PG_PASSWORD);
    assertThat(Api.error(owner.post(BASE, good.copy().put("host", "no-such-host.invalid")), 422, "SOURCE_UNREACHABLE")
      .getString("message")).contains("could not be resolved");
    assertThat(Api.error(owner.post(BASE, good.copy().put("ssl_mode", "require")), 422, "SOURCE_TLS_REQUIRED")
      .getString("message")).contains("TLS");
    assertThat(Api.error(owner.post(BASE, good.copy().put("user", SourceDatabases.PG_TLS_USER).put("ssl_mode", "disable")),
      422, "SOURCE_TLS_REQUIRED").getString("message")).contains("refuses unencrypted");

    // forbidden targets: metadata and link-local addresses always, anything outside the allow-list too
    for (String host : new String[] {"169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254", "169.254.1.1",
      "10.1.2.3", "0.0.0.0"}) {
      JsonObject error = Api.error(owner.post(BASE, pg.apply(good.copy().put("host", host))), 403, "HOST_NOT_ALLOWED");
      assertThat(error.getString("message")).as(host).startsWith("Host not allowed").doesNotContain(PG_PASSWORD);
    }
    Api.error(owner.post(BASE, good.copy().put("type", "oracle")), 400, "VALIDATION_FAILED");
    Api.error(owner.post(BASE, good.copy().put("port", 70000)), 400, "VALIDATION_FAILED");
    assertThat(owner.get(BASE).bodyAsJsonObject().getJsonArray("items")).as("nothing stored").isEmpty();
    Api.error(Api.newUser("viewer").post(BASE, good), 403, "FORBIDDEN");
  }

  @Test
  @DisplayName("MySQL and MariaDB connections are validated through MariaDB's driver")
  void mariadb() {
    Api owner = Api.newUser("analyst");
    JsonObject maria = SourceDatabases.mariadbConnection("shop");
    HttpResponse<Buffer> r = owner.post(BASE, maria);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    assertThat(r.bodyAsString()).doesNotContain(SourceDatabases.MARIADB_PASSWORD);
    String wrong = "nope-Pa55word-abc";
    assertThat(Api.error(owner.post(BASE, maria.copy().put("name", "x").put("password", wrong)), 422,
      "SOURCE_AUTH_FAILED").getString("message")).doesNotContain(wrong);
    Api.error(owner.post(BASE, maria.copy().put("name", "y").put("user", "root").put("password", "")
      .put("database", "no_such_db")), 422, "SOURCE_DATABASE_MISSING");
    Api.error(owner.post(BASE, maria.copy().put("name", "z").put("port", 1)), 422, "SOURCE_UNREACHABLE");
  }
}
