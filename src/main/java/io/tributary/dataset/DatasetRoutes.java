package io.tributary.dataset;

import io.tributary.audit.AuditEvent;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.tributary.lake.LakePaths;
import io.tributary.lake.Lake;
import io.tributary.parquet.ParquetMerge;
import io.tributary.db.OwnerCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Dataset listing, metadata, Parquet download and profile; all scoped to the caller (others' answer 404), except
 * that metadata, download and profile are also open to the viewers and editors of a collection holding the dataset.
 */
public final class DatasetRoutes {

  private final DatasetRepository repository;
  private final Path dataDir;
  private final Lake lake;

  private final Vertx vertx;
  private final EmptyDatasets empty;
  private final long fileGraceMs;
  /** Encoded metadata and profile replies, until the owner's datasets change. */
  private final OwnerCache<Buffer> replies;

  /** @param fileGraceMs how long the files of a deleted dataset stay for queries already reading them */
  public DatasetRoutes(Vertx vertx, DatasetRepository repository, Path dataDir, long fileGraceMs,
                       OwnerCache<Buffer> replies) {
    this.vertx = vertx;
    this.repository = repository;
    this.dataDir = dataDir;
    this.lake = Lake.of(vertx, dataDir);
    this.empty = new EmptyDatasets(vertx, dataDir);
    this.fileGraceMs = fileGraceMs;
    this.replies = replies;
  }

  public void mount(Router router) {
    router.get("/api/v1/data/datasets").handler(this::list);
    router.post("/api/v1/data/datasets").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN)).handler(this::create);
    router.get("/api/v1/data/datasets/:dataset_id").handler(this::get);
    router.delete("/api/v1/data/datasets/:dataset_id").handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN))
      .handler(this::delete);
    router.get("/api/v1/data/datasets/:dataset_id/download").handler(this::download);
    router.get("/api/v1/data/profile/:dataset_id").handler(this::profile);
  }

  private void list(RoutingContext ctx) {
    Params.Page page = Params.page(ctx);
    repository.list(Caller.of(ctx).id(), page.fetch(), page.offset())
      .onSuccess(rows -> Json.ok(ctx, page.reply(rows)))
      .onFailure(ctx::fail);
  }

  /** An empty dataset of a schema: ready at version 1 with no rows; uploads with {@code mode=append} fill it. */
  private void create(RoutingContext ctx) {
    JsonObject spec = EmptyDatasets.spec(Json.body(ctx), "");
    UUID owner = Caller.of(ctx).id();
    AuditEvent who = AuditEvent.by(ctx, "dataset.created", "dataset", null, null, null);
    empty.write(owner, List.of(spec)).compose(planned -> repository.createEmpty(owner, planned, who)
        .recover(err -> {
          empty.discard(planned);
          return Future.failedFuture(err);
        })
        .compose(v -> repository.find(planned.get(0).id(), owner)))
      .onSuccess(dataset -> {
        ctx.response().putHeader("Location", "/api/v1/data/datasets/" + dataset.getString("dataset_id"));
        Json.created(ctx, visible(dataset));
      }).onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "dataset_id", "Dataset");
    UUID owner = Caller.of(ctx).id();
    replies.get("dataset:" + id, owner, () -> repository.find(id, owner).map(dataset -> {
      if (dataset == null) {
        return null;
      }
      dataset.remove("file_path");
      return dataset.toBuffer();
    })).compose(reply -> reply != null ? Future.succeededFuture(reply) : repository.findShared(id, owner)
      .map(shared -> shared == null ? null : visible(shared).toBuffer())).onSuccess(reply -> {
      if (reply == null) {
        ctx.fail(ApiException.notFound("Dataset"));
      } else {
        Json.ok(ctx, reply);
      }
    }).onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "dataset_id", "Dataset");
    Caller caller = Caller.of(ctx);
    repository.delete(id, caller.id(), AuditEvent.by(ctx, "dataset.deleted", "dataset", id, null, null))
      .onSuccess(outcome -> {
        switch (outcome) {
          case NOT_FOUND -> ctx.fail(ApiException.notFound("Dataset"));
          case BUSY -> ctx.fail(new ApiException(ErrorCode.CONFLICT,
            "An upload of this dataset is still being processed; delete it when the job ends"));
          default -> {
            String folder = dataDir.resolve(LakePaths.datasetDir(caller.id().toString(), id.toString())).toString();
            vertx.setTimer(fileGraceMs, t -> vertx.fileSystem().deleteRecursive(folder).onFailure(e -> { }));
            ctx.response().setStatusCode(204).end();
          }
        }
      }).onFailure(ctx::fail);
  }

  private void download(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "dataset_id", "Dataset");
    repository.readable(id, Caller.of(ctx).id()).onSuccess(dataset -> {
      if (dataset == null) {
        ctx.fail(ApiException.notFound("Dataset"));
      } else if (!"ready".equals(dataset.getString("status"))) {
        ctx.fail(new ApiException(ErrorCode.NOT_READY, "The dataset is still being processed"));
      } else if ("stream".equals(dataset.getString("kind"))) {
        downloadStream(ctx, dataset); // (a dataset created from a schema has its empty file until its first part)
      } else {
        String file = dataset.getString("file_path");
        lake.ensure(vertx, List.of(file)).compose(v -> send(ctx, dataset, dataDir.resolve(file).toString()))
          .onFailure(ctx::fail);
      }
    }).onFailure(ctx::fail);
  }

  /** A stream dataset's parts merged into one Parquet file (by DuckDB, on a worker) for the download. */
  private void downloadStream(RoutingContext ctx, JsonObject dataset) {
    Path merged = dataDir.resolve("tmp").resolve("download-" + UUID.randomUUID() + ".parquet");
    repository.parts(UUID.fromString(dataset.getString("dataset_id")))
      .map(parts -> parts.isEmpty() && dataset.getString("file_path") != null ? List.of(dataset.getString("file_path"))
        : parts)
      .compose(parts -> lake.ensure(vertx, parts).map(parts))
      .compose(parts -> vertx.executeBlocking(() -> ParquetMerge.merge(parts.stream().map(dataDir::resolve).toList(),
        merged), false))
      .compose(rows -> send(ctx, dataset, merged.toString()))
      .onComplete(done -> vertx.fileSystem().delete(merged.toString()).onFailure(e -> { }))
      .onFailure(ctx::fail);
  }

  private static JsonObject visible(JsonObject dataset) {
    dataset.remove("file_path");
    return dataset;
  }

  private static io.vertx.core.Future<Void> send(RoutingContext ctx, JsonObject dataset, String file) {
    return ctx.response()
      .putHeader("Content-Type", "application/octet-stream")
      .putHeader("Content-Disposition", "attachment; filename=\"" + dataset.getString("name") + ".parquet\"")
      .sendFile(file);
  }

  private void profile(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "dataset_id", "Dataset");
    UUID owner = Caller.of(ctx).id();
    // only a ready profile is cached; a missing dataset or a pending profile is asked again
    Future<Buffer> ready = replies.get("profile:" + id, owner, () -> repository.profile(id, owner).map(found ->
      found == null || found.getJsonObject("profile") == null ? null
        : new JsonObject().put("dataset_id", id.toString()).mergeIn(found.getJsonObject("profile")).toBuffer()));
    ready.compose(reply -> reply != null ? Future.succeededFuture(reply) : repository.profile(id, owner)
      .compose(found -> found != null ? Future.succeededFuture(found) : repository.profileShared(id, owner)).map(found -> {
      if (found != null && found.getJsonObject("profile") != null) {
        return new JsonObject().put("dataset_id", id.toString()).mergeIn(found.getJsonObject("profile")).toBuffer();
      }
      if (found == null) {
        throw ApiException.notFound("Dataset");
      }
      throw new ApiException(ErrorCode.NOT_READY, "The dataset is still being processed; its profile follows");
    })).onSuccess(reply -> Json.ok(ctx, reply)).onFailure(ctx::fail);
  }
}
