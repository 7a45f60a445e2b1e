package io.tributary.db;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** PostgreSQL access: the shared reactive pool and the Flyway migrations run at start. */
public final class Database {

  /** Name of the pool shared by every verticle instance of the process (suffixed per deployment by MainVerticle). */
  public static final String POOL_NAME = "tributary-pg";

  private Database() {
  }

  /**
   * The process-wide shared pool (one per application deployment, reused by every verticle that asks).
   *
   * @param postgres the {@code postgres} config section with the resolved {@code url} and the {@code pool_name}
   *                 MainVerticle gives each deployment (a redeployment must not pick up the pool of the
   *                 previous one while that is still closing)
   */
  public static Pool pool(Vertx vertx, JsonObject postgres) {
    PgConnectOptions connect = PgConnectOptions.fromUri(postgres.getString("url"))
      .setReconnectAttempts(2).setReconnectInterval(500)
      // statements are parsed and planned once per connection, not on every execution
      .setCachePreparedStatements(true).setPreparedStatementCacheMaxSize(256);
    PoolOptions pool = new PoolOptions()
      .setMaxSize(postgres.getInteger("pool_size", 8))
      .setShared(true).setName(postgres.getString("pool_name", POOL_NAME))
      .setMaxWaitQueueSize(2_000)
      .setConnectionTimeout(10);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }

  /** Applies the migrations under {@code db/migration}; blocking (JDBC), run it on a worker. */
  public static int migrate(String pgUrl) {
    return Flyway.configure()
      .dataSource(jdbcUrl(pgUrl), null, null)
      .locations("classpath:db/migration")
      .load()
      .migrate()
      .migrationsExecuted;
  }

  /** The JDBC form of a {@code postgresql://user:pass@host:port/db} URL. */
  public static String jdbcUrl(String pgUrl) {
    PgConnectOptions o = PgConnectOptions.fromUri(pgUrl);
    StringBuilder url = new StringBuilder("jdbc:postgresql://").append(o.getHost()).append(':').append(o.getPort())
      .append('/').append(o.getDatabase()).append("?user=").append(enc(o.getUser()));
    if (o.getPassword() != null && !o.getPassword().isEmpty()) {
      url.append("&password=").append(enc(o.getPassword()));
    }
    return url.toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
  }
}
