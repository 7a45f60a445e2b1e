package io.tributary.collection;

import io.tributary.dataset.EmptyDatasets;
import io.tributary.http.ContractValidation;
import io.tributary.ingest.JobQueue;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

import java.nio.file.Path;

/**
 * The collection feature on one HttpServerVerticle instance: collections, their members, shares, history and
 * clearing, templates, backups and restores. Configured by the {@code collection} section ({@code protected_patterns},
 * {@code template_dir}).
 */
public final class Collections {

  private final CollectionRoutes routes;
  private final MemberRoutes members;
  private final ClearRoutes clear;
  private final TemplateRoutes templates;
  private final BackupRoutes backups;
  private final RestoreRoutes restores;

  /**
   * @param fileGraceMs how long replaced dataset files stay for queries already reading them
   * @param kafkaTopics the {@code kafka.topics} section (backups and restores are jobs)
   * @param maxUploadBytes the largest archive a restore accepts as an upload
   */
  public Collections(Vertx vertx, Pool pool, JsonObject config, Path dataDir, long fileGraceMs, JsonObject kafkaTopics,
                     long maxUploadBytes) {
    CollectionRepository repository = new CollectionRepository(pool);
    ProtectedNames protectedNames = new ProtectedNames(config == null ? null : config.getJsonArray("protected_patterns"));
    Templates templates = new Templates(vertx, pool, config == null ? null : config.getString("template_dir"));
    this.routes = new CollectionRoutes(repository, protectedNames,
      new FromTemplate(repository, templates, new EmptyDatasets(vertx, dataDir)));
    this.templates = new TemplateRoutes(repository, routes, templates);
    this.members = new MemberRoutes(repository, routes);
    this.clear = new ClearRoutes(vertx, repository, routes, protectedNames, dataDir, fileGraceMs);
    BackupRepository backupRepository = new BackupRepository(pool);
    JobQueue jobs = new JobQueue(pool, kafkaTopics);
    this.backups = new BackupRoutes(vertx, backupRepository, jobs, dataDir);
    this.restores = new RestoreRoutes(vertx, backupRepository, jobs, dataDir, maxUploadBytes);
  }

  /** True for a restore's multipart upload: the request stays paused for its route to stream it to staging. */
  public static boolean isArchiveUpload(String path, String contentType) {
    return RestoreRoutes.isUpload(path, contentType);
  }

  public void mount(Router router, ContractValidation contract) {
    restores.mount(router); // before the routes of /api/v1/collections/{id}
    backups.mount(router);
    routes.mount(router, contract);
    members.mount(router, contract);
    clear.mount(router);
    templates.mount(router, contract);
  }
}
