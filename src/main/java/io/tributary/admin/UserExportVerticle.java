package io.tributary.admin;

import io.tributary.config.Sections;
import io.tributary.db.Database;
import io.tributary.ingest.JobContract;
import io.tributary.lake.LakePaths;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Runs jobs of kind {@value #JOB_TYPE} (GDPR export): one zip archive of everything a user owns, in
 * {@code exports/user-<user id>-<job id>.zip}: {@code user.json} (no password hash), one {@code tables/<table>.json}
 * per table whose foreign key names the user (datasets, jobs, streams, dashboards, shares, and any later feature's
 * tables), {@code profiles.json}, {@code audit.json} (entries by or about them) and their Parquet files under
 * {@code lake/}. Reads on the event loop (reactive client); the archive is written with {@code executeBlocking}.
 */
public final class UserExportVerticle extends VerticleBase {

  /** The job type of a user-data export. */
  public static final String JOB_TYPE = "user_export";
  static final String USER = "SELECT row_to_json(u)::text FROM (SELECT id, email, role, tier, active, last_login, "
    + "created_at FROM users WHERE id = $1) u";
  static final String PROFILES = "SELECT coalesce(json_agg(json_build_object('dataset_id', p.dataset_id, 'profile', "
    + "p.profile)), '[]'::json)::text FROM profiles p JOIN datasets d ON d.id = p.dataset_id WHERE d.owner_id = $1";
  static final String AUDIT = "SELECT coalesce(json_agg(row_to_json(a) ORDER BY a.id), '[]'::json)::text FROM (SELECT id, "
    + "occurred_at, actor_id, actor_role, action, resource_type, resource_id, before, after, request_id FROM audit_events "
    + "WHERE actor_id = $1 OR (resource_type = 'user' AND resource_id = $1::text)) a";

  private Pool pool;
  private Path dataDir;

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, config().getJsonObject("postgres"));
    dataDir = Path.of(config().getJsonObject(Sections.NODE).getString("data_dir"));
    return vertx.eventBus().<JsonObject>consumer(JobContract.runAddress(JOB_TYPE), this::export).completion();
  }

  /** The archive's file name, under {@code exports/}. */
  static String fileName(String userId, String jobId) {
    return "user-" + userId + "-" + jobId + ".zip";
  }

  private void export(Message<JsonObject> msg) {
    JsonObject job = msg.body();
    UUID user = UUID.fromString(job.getJsonObject("params").getString("user_id"));
    Map<String, String> entries = new LinkedHashMap<>();
    pool.preparedQuery(USER).execute(Tuple.of(user))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture("The user no longer exists");
        }
        entries.put("user.json", rows.iterator().next().getString(0));
        return pool.query(UserEraser.USER_REFERENCES).execute();
      })
      .compose(refs -> {
        Future<Void> chain = Future.succeededFuture();
        for (Row ref : refs) {
          String table = ref.getString("tbl");
          String sql = "SELECT coalesce(json_agg(row_to_json(t)), '[]'::json)::text FROM " + table + " t WHERE t.\""
            + ref.getString("col").replace("\"", "\"\"") + "\" = $1";
          chain = chain.compose(v -> pool.preparedQuery(sql).execute(Tuple.of(user))
            .map(rows -> entries.merge("tables/" + table.replace("\"", "") + ".json", rows.iterator().next().getString(0),
              (a, b) -> a.substring(0, a.length() - 1) + "," + b.substring(1))).mapEmpty());
        }
        return chain;
      })
      .compose(v -> pool.preparedQuery(PROFILES).execute(Tuple.of(user)))
      .map(rows -> entries.put("profiles.json", rows.iterator().next().getString(0)))
      .compose(v -> pool.preparedQuery(AUDIT).execute(Tuple.of(user)))
      .map(rows -> entries.put("audit.json", rows.iterator().next().getString(0)))
      .compose(v -> vertx.executeBlocking(() -> write(user.toString(), job.getString("job_id"), entries), false))
      .onSuccess(msg::reply)
      .onFailure(err -> msg.fail(500, "Export failed: " + err.getMessage()));
  }

  private JsonObject write(String user, String jobId, Map<String, String> entries) throws IOException {
    Path dir = dataDir.resolve("exports");
    Files.createDirectories(dir);
    Path target = dir.resolve(fileName(user, jobId));
    Path tmp = dir.resolve(fileName(user, jobId) + ".tmp");
    long files = 0;
    try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
      Path lake = dataDir.resolve(LakePaths.ownerDir(user));
      if (Files.isDirectory(lake)) {
        try (Stream<Path> walk = Files.walk(lake)) {
          for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
            zip.putNextEntry(new ZipEntry("lake/" + lake.relativize(p).toString().replace('\\', '/')));
            Files.copy(p, zip);
            zip.closeEntry();
            files++;
          }
        }
      }
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new JsonObject().put("user_id", user).put("file", target.getFileName().toString())
      .put("bytes", Files.size(target)).put("lake_files", files);
  }
}
