package io.tributary.ingest;

import io.tributary.audit.AuditEvent;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.Json;
import io.tributary.http.Params;
import io.tributary.lake.Lake;
import io.tributary.lake.LakeUnavailableException;
import io.tributary.transform.CsvHeader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Path;
import java.util.UUID;

/** {@code POST /api/v1/data/upload} (stream to staging, one transaction, 202) and {@code GET /api/v1/data/job/{id}}. */
public final class UploadRoutes {

  /** Path of the upload route; its request stays paused until the receiver reads it. */
  public static final String UPLOAD_PATH = "/api/v1/data/upload";
  private static final int SNIFF_BYTES = 8192;

  private final Vertx vertx;
  private final IngestRepository repository;
  private final UploadReceiver receiver;
  private final Path stagingDir;
  private final long maxBytes;
  private final Lake lake;

  public UploadRoutes(Vertx vertx, IngestRepository repository, Path stagingDir, long maxBytes) {
    this.vertx = vertx;
    this.repository = repository;
    this.receiver = new UploadReceiver(vertx, maxBytes);
    this.stagingDir = stagingDir;
    this.maxBytes = maxBytes;
    this.lake = Lake.of(vertx, stagingDir.getParent());
  }

  public void mount(Router router) {
    router.post(UPLOAD_PATH).handler(Caller.requireRole(Caller.ANALYST, Caller.ADMIN)).handler(this::upload);
    router.get("/api/v1/data/job/:job_id").handler(this::job);
  }

  private void upload(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String contentType = request.getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")) {
      ctx.response().putHeader("Connection", "close");
      throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "Send the file as multipart/form-data with a 'file' part");
    }
    String length = request.getHeader("Content-Length");
    if (length != null && parseLong(length) > maxBytes + 64 * 1024) {
      ctx.response().putHeader("Connection", "close");
      throw UploadReceiver.tooLarge(maxBytes);
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      // the caller is authorised and the declared size fits: ask for the body (curl waits 1 s for this on
      // uploads over 1 MB; an oversize or unauthorised upload was answered above without reading it)
      request.response().writeContinue();
    }
    Caller caller = Caller.of(ctx);
    AuditEvent who = AuditEvent.by(ctx, "dataset.created", "dataset", null, null, null);
    UUID jobId = UUID.randomUUID();
    String staging = stagingDir.resolve(jobId.toString()).toString();
    receiver.receive(request, staging)
      .compose(received -> accept(request, caller, jobId, staging, received, who))
      .onSuccess(upload -> {
        JobContract.wakeOutbox(vertx.eventBus());
        ctx.response().putHeader("Location", "/api/v1/data/job/" + upload.jobId());
        Json.send(ctx, 202, new JsonObject()
          .put("job_id", upload.jobId().toString())
          .put("dataset_id", upload.datasetId().toString())
          .put("name", upload.name())
          .put("source_type", upload.sourceType())
          .put("replace", upload.replace() && !upload.append())
          .put("mode", upload.append() ? "append" : upload.replace() ? "replace" : "new")
          .put("status", "queued"));
      })
      .onFailure(err -> vertx.fileSystem().delete(staging).onComplete(x -> ctx.fail(err)));
  }

  private Future<Upload> accept(HttpServerRequest request, Caller caller, UUID jobId, String staging,
                                UploadReceiver.Received received, AuditEvent who) {
    if (!received.hasFile()) {
      return Future.failedFuture(new ApiException(ErrorCode.VALIDATION_FAILED,
        "The multipart body has no 'file' part", new JsonObject().put("field", "file")));
    }
    if (received.bytes() == 0) {
      return Future.failedFuture(new ApiException(ErrorCode.EMPTY_FILE, "The uploaded file is empty"));
    }
    String onError = request.getFormAttribute("on_error");
    if (onError != null && !onError.isEmpty() && !onError.equals("fail") && !onError.equals("skip")) {
      return Future.failedFuture(new ApiException(ErrorCode.VALIDATION_FAILED, "on_error must be fail or skip",
        new JsonObject().put("field", "on_error")));
    }
    String replace = request.getFormAttribute("replace");
    if (replace != null && !replace.isEmpty() && !replace.equals("true") && !replace.equals("false")) {
      return Future.failedFuture(new ApiException(ErrorCode.VALIDATION_FAILED, "replace must be true or false",
        new JsonObject().put("field", "replace")));
    }
    String mode = option(request, "mode");
    if (mode != null && !mode.equals("new") && !mode.equals("replace") && !mode.equals("append")) {
      return Future.failedFuture(new ApiException(ErrorCode.VALIDATION_FAILED, "mode must be new, replace or append",
        new JsonObject().put("field", "mode")));
    }
    boolean append = "append".equals(mode);
    String appendTo = option(request, "dataset_id");
    if (append && appendTo == null && option(request, "name") == null) {
      return Future.failedFuture(new ApiException(ErrorCode.VALIDATION_FAILED, "mode=append needs the dataset to "
        + "append to: its name or its dataset_id", new JsonObject().put("field", "name")));
    }
    return head(staging).compose(head -> {
      String type = UploadValidator.sourceType(request.getFormAttribute("source_type"), received.filename(), head);
      UploadValidator.checkContent(type, head);
      String name = appendTo != null ? null : UploadValidator.datasetName(option(request, "name"), received.filename());
      // an append names its dataset by id, or by name (its id is then found when the job is stored)
      UUID datasetId = appendTo != null ? Params.uuid(appendTo, "Dataset") : append ? null : UUID.randomUUID();
      // an append of a CSV file whose header is in its first bytes is checked against the dataset's columns at once
      java.util.List<String> columns = append && "csv".equals(type)
        ? CsvHeader.columns(head.getBytes(), received.bytes() <= head.length()) : null;
      Upload upload = new Upload(jobId, datasetId,
        caller.id(), name, type, "skip".equals(onError), staging, received.filename(), received.bytes(),
        "true".equals(replace) || "replace".equals(mode), append, columns);
      // on an S3 lake the staged file is published first, so whichever node claims the job can fetch it
      return lake.publishAsync(vertx, "staging/" + jobId)
        .recover(err -> Future.failedFuture(err instanceof LakeUnavailableException
          ? new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "The object store is unavailable; retry the upload later")
          : err))
        .compose(v -> repository.createJob(upload, who));
    });
  }

  /** An upload option: the form field, else the query parameter of that name; null when neither is given. */
  private static String option(HttpServerRequest request, String name) {
    String value = request.getFormAttribute(name);
    if (value == null || value.isEmpty()) {
      value = request.getParam(name);
    }
    return value == null || value.isEmpty() ? null : value;
  }

  private Future<Buffer> head(String file) {
    return vertx.fileSystem().open(file, new OpenOptions().setRead(true))
      .compose(f -> f.read(Buffer.buffer(SNIFF_BYTES), 0, 0, SNIFF_BYTES).eventually(f::close));
  }

  private void job(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "job_id", "Job");
    repository.findJob(id, Caller.of(ctx).id())
      .onSuccess(job -> {
        if (job == null) {
          ctx.fail(ApiException.notFound("Job"));
        } else {
          Json.ok(ctx, job);
        }
      })
      .onFailure(ctx::fail);
  }


  private static long parseLong(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
