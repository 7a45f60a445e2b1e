package io.tributary.ingest;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;

/**
 * Streams the file part of a multipart upload ({@code file}, or the names given) straight to a staging file, with
 * backpressure and a size bound, and collects the form fields. Never holds the file in memory.
 */
public final class UploadReceiver {

  /** What arrived: the staged file (if any), its client-side name and size. Form fields are on the request. */
  public record Received(boolean hasFile, String filename, long bytes) {
  }

  private final Vertx vertx;
  private final long maxBytes;
  private final java.util.Set<String> parts;

  UploadReceiver(Vertx vertx, long maxBytes) {
    this(vertx, maxBytes, java.util.Set.of("file"));
  }

  /** A receiver that keeps the first part named one of {@code parts}. */
  public UploadReceiver(Vertx vertx, long maxBytes, java.util.Set<String> parts) {
    this.vertx = vertx;
    this.maxBytes = maxBytes;
    this.parts = parts;
  }

  /** Receives the request body (the request must be paused and not yet read). */
  public Future<Received> receive(HttpServerRequest request, String stagingFile) {
    Promise<Received> done = Promise.promise();
    long[] bytes = {0};
    String[] filename = {null};
    Promise<Void> fileWritten = Promise.promise();
    boolean[] sawFile = {false};
    request.setExpectMultipart(true);
    request.uploadHandler(upload -> {
      if (sawFile[0] || !parts.contains(upload.name())) {
        upload.handler(buf -> { }); // drain other parts; only one "file" part is kept
        return;
      }
      sawFile[0] = true;
      filename[0] = upload.filename();
      // pause before opening: the open may complete before its listener is added, which then runs at once,
      // and a pause after that would stop the part for good (its data and end stay buffered, the request hangs)
      upload.pause();
      vertx.fileSystem().open(stagingFile, new OpenOptions().setCreate(true).setTruncateExisting(true).setWrite(true))
        .onFailure(err -> failOnce(done, request, err))
        .onSuccess(file -> stream(upload, file, bytes, request, done, fileWritten));
    });
    request.exceptionHandler(err -> failOnce(done, request, new ApiException(ErrorCode.BAD_REQUEST,
      "The upload was interrupted or is not valid multipart/form-data")));
    request.endHandler(v -> {
      Future<Void> written = sawFile[0] ? fileWritten.future() : Future.succeededFuture();
      written.onSuccess(x -> {
        if (bytes[0] > maxBytes) {
          failOnce(done, request, tooLarge(maxBytes));
        } else {
          done.tryComplete(new Received(sawFile[0], filename[0], bytes[0]));
        }
      }).onFailure(err -> failOnce(done, request, err));
    });
    request.resume();
    return done.future();
  }

  private void stream(HttpServerFileUpload upload, AsyncFile file, long[] bytes, HttpServerRequest request,
                      Promise<Received> done, Promise<Void> fileWritten) {
    boolean[] closed = {false};
    Runnable closeFile = () -> {
      if (!closed[0]) {
        closed[0] = true;
        file.close().onComplete(fileWritten);
      }
    };
    upload.handler(buf -> {
      if (closed[0]) {
        return;
      }
      bytes[0] += buf.length();
      if (bytes[0] > maxBytes) {
        // the verdict first: closing the file completes fileWritten, at once if the close is already done, and
        // the request may have ended (its end waits only for that), which would accept the upload
        failOnce(done, request, tooLarge(maxBytes));
        closeFile.run();
        return;
      }
      file.write(buf);
      if (file.writeQueueFull()) {
        upload.pause();
        file.drainHandler(v -> upload.resume());
      }
    });
    upload.exceptionHandler(err -> {
      failOnce(done, request, new ApiException(ErrorCode.BAD_REQUEST, "The upload was interrupted")); // first: see above
      closeFile.run();
    });
    upload.endHandler(v -> closeFile.run());
    upload.resume();
  }

  public static ApiException tooLarge(long maxBytes) {
    return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "The upload exceeds the maximum of " + maxBytes + " bytes",
      new io.vertx.core.json.JsonObject().put("max_bytes", maxBytes));
  }

  private static void failOnce(Promise<Received> done, HttpServerRequest request, Throwable err) {
    if (done.tryFail(err)) {
      // stop reading what is left of a rejected body; the reply closes the connection
      request.response().putHeader("Connection", "close");
    }
  }
}
