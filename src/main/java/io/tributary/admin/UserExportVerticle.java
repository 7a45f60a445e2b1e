package io.tributary.admin;

import io.tributary.config.Sections;
import io.tributary.db.Database;
import io.tributary.ingest.JobContract;
import io.tributary.lake.Lake;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Runs jobs of kind {@value #JOB_TYPE} (GDPR export): one zip archive of everything a user owns, in
 * the lake's {@code exports/users/user-<user id>-<job id>.zip} (so any node can send it): {@code user.json} (no password hash), one {@code tables/<table>.json}
 * per table whose foreign key names the user (datasets, jobs, streams, dashboards, shares, and any later feature's
 * tables), {@code profiles.json}, {@code audit.json} (entries by or about them) and their Parquet files under
 * {@code lake/} (on an object-store lake, the files PostgreSQL registers for them, fetched through this node's
 * cache). Reads on the event loop (reactive client); the archive is written with {@code executeBlocking}.
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
  /** The lake files of the user's datasets and stream parts (what an object-store lake holds of them). */
  static final String FILES = "SELECT file_path FROM datasets WHERE owner_id = $1 AND file_path IS NOT NULL "
    + "UNION SELECT p.file_path FROM stream_parts p JOIN datasets d ON d.id = p.dataset_id WHERE d.owner_id = $1 "
    + "ORDER BY 1";

  private Pool pool;
  private Path dataDir;
  private Lake lake;

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, config().getJsonObject("postgres"));
    dataDir = Path.of(config().getJsonObject(Sections.NODE).getString("data_dir"));
    lake = Lake.of(vertx, dataDir);
    return vertx.eventBus().<JsonObject>consumer(JobContract.runAddress(JOB_TYPE), this::export).completion();
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
      .compose(v -> pool.preparedQuery(FILES).execute(Tuple.of(user)))
      .compose(rows -> {
        List<String> registered = new ArrayList<>();
        rows.forEach(r -> registered.add(r.getString(0)));
        return vertx.executeBlocking(() -> write(user.toString(), job.getString("job_id"), entries, registered), false);
      })
      .onSuccess(msg::reply)
      .onFailure(err -> msg.fail(500, "Export failed: " + err.getMessage()));
  }

  private JsonObject write(String user, String jobId, Map<String, String> entries, List<String> registered)
    throws IOException {
    String relative = LakePaths.userExportFile(user, jobId);
    Path target = dataDir.resolve(relative);
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.createDirectories(target.getParent());
    String owner = LakePaths.ownerDir(user) + "/";
    long files = 0;
    try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
      for (String file : lakeFiles(user, registered)) {
        zip.putNextEntry(new ZipEntry("lake/" + (file.startsWith(owner) ? file.substring(owner.length()) : file)));
        Files.copy(lake.fetch(file), zip);
        zip.closeEntry();
        files++;
      }
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    lake.publish(relative);
    return new JsonObject().put("user_id", user).put("file", relative)
      .put("bytes", Files.size(target)).put("lake_files", files);
  }

  /**
   * The lake files of the user: locally every file of their folder (older versions not yet swept included); on an
   * object-store lake, whose local folder is only a cache, the files PostgreSQL registers.
   */
  private List<String> lakeFiles(String user, List<String> registered) throws IOException {
    if (lake.remote()) {
      return registered;
    }
    Path folder = dataDir.resolve(LakePaths.ownerDir(user));
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile).sorted()
        .map(p -> dataDir.relativize(p).toString().replace('\\', '/')).toList();
    }
  }
}
