package io.tributary.source;

import io.tributary.support.Api;
import io.tributary.support.Duck;
import io.tributary.support.TestApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The machine's own PostgreSQL 15 (127.0.0.1:5432, trust authentication, user postgres, database test; .ci/run
 * starts it) as an import source: a server Tributary did not start, reached through the allow-list's loopback rule of
 * embedded mode. The table has a name of its own and is dropped at the end.
 */
@DisplayName("An import from the machine's own PostgreSQL keeps every value of every type")
class ExternalPostgresImportTest {

  static final String URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  static final String TABLE = "tributary_import_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  static void external(String... sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  @TempDir
  Path dir;

  @BeforeAll
  static void table() throws Exception {
    TestApp.get();
    external("DROP TABLE IF EXISTS " + TABLE, EveryType.create(TABLE, ImportTest.ROWS),
      "ALTER TABLE " + TABLE + " ALTER COLUMN num TYPE numeric(12,3)");
  }

  @AfterAll
  static void drop() throws Exception {
    external("DROP TABLE IF EXISTS " + TABLE);
  }

  @Test
  @DisplayName("a table of every PostgreSQL type on 127.0.0.1:5432 imports with identical values and exact types")
  void everyType() throws Exception {
    Api owner = Api.newUser("analyst");
    String conn = ImportTest.connect(owner, new JsonObject().put("name", "machine_pg").put("type", "postgresql")
      .put("host", "127.0.0.1").put("port", 5432).put("database", "test").put("user", "postgres").put("password", ""));
    JsonObject job = ImportTest.importAndWait(owner, new JsonObject().put("connection_id", conn)
      .put("table", "public." + TABLE).put("name", "machine_every_type"));
    assertThat(job.getLong("row_count")).isEqualTo(ImportTest.ROWS);
    Path parquet = ImportTest.download(owner, job.getString("dataset_id"), dir);

    List<String> types = Duck.rows("DESCRIBE " + ImportTest.read(parquet)).stream()
      .map(r -> r.get("column_name") + " " + r.get("column_type")).toList();
    assertThat(types).containsExactly("id INTEGER", "small INTEGER", "big BIGINT", "num DECIMAL(12,3)",
      "loose_num VARCHAR", "r FLOAT", "d DOUBLE", "b BOOLEAN", "dt DATE", "ts TIMESTAMP",
      "tstz TIMESTAMP WITH TIME ZONE", "t VARCHAR", "vc VARCHAR", "j VARCHAR", "u VARCHAR", "by BLOB");
    assertThat(Duck.value("SELECT count(*) FROM (" + ImportTest.read(parquet) + " EXCEPT ALL " + ImportTest.EXPECTED
      + ")")).as("rows imported that the source does not have").isEqualTo(0L);
    assertThat(Duck.value("SELECT count(*) FROM (" + ImportTest.EXPECTED + " EXCEPT ALL " + ImportTest.read(parquet)
      + ")")).as("source rows missing").isEqualTo(0L);
    JsonObject profile = owner.get("/api/v1/data/profile/" + job.getString("dataset_id")).bodyAsJsonObject();
    assertThat(profile.getLong("row_count")).isEqualTo(ImportTest.ROWS);
  }
}
