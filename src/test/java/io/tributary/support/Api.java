package io.tributary.support;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A REST client of the test application, as a user would call it (blocking, for readable tests). */
public final class Api {

  private static WebClient client;
  private final TestApp app;
  private final String token;

  private Api(TestApp app, String token) {
    this.app = app;
    this.token = token;
  }

  /** A client without a token. */
  public static Api anonymous() {
    return new Api(TestApp.get(), null);
  }

  /** Logged in as the bootstrap admin. */
  public static Api admin() {
    return anonymous().login(TestApp.ADMIN_EMAIL, TestApp.ADMIN_PASSWORD);
  }

  /** A new user with this role (free tier), created by the admin, logged in. */
  public static Api newUser(String role) {
    return newUser(role, "free");
  }

  /** A new user with this role and tier, created by the admin, logged in. */
  public static Api newUser(String role, String tier) {
    String email = role + "-" + UUID.randomUUID() + "@test.local";
    HttpResponse<Buffer> created = admin().post("/api/v1/users", new JsonObject().put("email", email)
      .put("password", "Password-123").put("role", role).put("tier", tier));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return anonymous().login(email, "Password-123");
  }

  public Api login(String email, String password) {
    HttpResponse<Buffer> r = post("/api/v1/auth/login", new JsonObject().put("email", email).put("password", password));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return new Api(app, r.bodyAsJsonObject().getString("token"));
  }

  public String token() {
    return token;
  }

  public HttpResponse<Buffer> get(String path) {
    return send(request(io.vertx.core.http.HttpMethod.GET, path).send());
  }

  public HttpResponse<Buffer> delete(String path) {
    return send(request(io.vertx.core.http.HttpMethod.DELETE, path).send());
  }

  public HttpResponse<Buffer> post(String path, JsonObject body) {
    return send(request(io.vertx.core.http.HttpMethod.POST, path).sendJsonObject(body));
  }

  public HttpResponse<Buffer> patch(String path, JsonObject body) {
    return send(request(io.vertx.core.http.HttpMethod.PATCH, path).sendJsonObject(body));
  }

  public HttpResponse<Buffer> postRaw(String path, String contentType, Buffer body) {
    return send(request(io.vertx.core.http.HttpMethod.POST, path).putHeader("Content-Type", contentType).sendBuffer(body));
  }

  /** Multipart upload of a file with optional form fields (name, source_type, on_error). */
  public HttpResponse<Buffer> upload(Path file, Map<String, String> fields) {
    return multipart("/api/v1/data/upload", fields, "file", file);
  }

  /** A multipart POST of form fields and one file as part {@code part}. */
  public HttpResponse<Buffer> multipart(String path, Map<String, String> fields, String part, Path file) {
    // the multipart body is built here: Vert.x 5.0.10's streaming form upload fails (NPE in
    // ClientMultipartFormUpload) when a server answers before the body is sent, as a 413 does
    String boundary = "----tributary" + UUID.randomUUID();
    Buffer body = Buffer.buffer();
    fields.forEach((name, value) -> body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
      + name + "\"\r\n\r\n" + value + "\r\n"));
    body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part + "\"; filename=\""
      + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    try {
      body.appendBytes(java.nio.file.Files.readAllBytes(file));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    body.appendString("\r\n--" + boundary + "--\r\n");
    return send(request(io.vertx.core.http.HttpMethod.POST, path)
      .putHeader("Content-Type", "multipart/form-data; boundary=" + boundary).sendBuffer(body));
  }

  public HttpResponse<Buffer> upload(Path file) {
    return upload(file, Map.of());
  }

  /** Uploads and waits for the job to end; returns the final job. */
  public JsonObject uploadAndWait(Path file, Map<String, String> fields) {
    HttpResponse<Buffer> r = upload(file, fields);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    return awaitJob(r.bodyAsJsonObject().getString("job_id"));
  }

  /** Polls the job until it is completed or failed (at most two minutes). */
  public JsonObject awaitJob(String jobId) {
    return awaitJob(jobId, Duration.ofMinutes(2));
  }

  /** Polls the job until it is completed or failed (at most {@code limit}). */
  public JsonObject awaitJob(String jobId, Duration limit) {
    Instant deadline = Instant.now().plus(limit);
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<Buffer> r = get("/api/v1/data/job/" + jobId);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      JsonObject job = r.bodyAsJsonObject();
      if ("completed".equals(job.getString("status")) || "failed".equals(job.getString("status"))) {
        return job;
      }
      sleep(100);
    }
    throw new AssertionError("job " + jobId + " did not finish in time");
  }

  public HttpRequest<Buffer> request(io.vertx.core.http.HttpMethod method, String path) {
    HttpRequest<Buffer> request = client().request(method, app.port, "127.0.0.1", path);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return request;
  }

  public static HttpResponse<Buffer> send(io.vertx.core.Future<HttpResponse<Buffer>> future) {
    return Await.result(future);
  }

  private static synchronized WebClient client() {
    if (client == null) {
      client = WebClient.create(TestApp.get().vertx, new WebClientOptions()
        .setIdleTimeout(30));
    }
    return client;
  }

  public static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Asserts the error envelope and returns its {@code error} object. */
  public static JsonObject error(HttpResponse<Buffer> r, int status, String code) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getJsonObject("details")).isNotNull();
    assertThat(error.getString("request_id")).isEqualTo(r.getHeader("X-Request-Id"));
    assertThat(error.getString("timestamp")).isNotBlank();
    assertThat(r.bodyAsString()).doesNotContain("Exception").doesNotContain("\tat ");
    return error;
  }

  static MultiMap none() {
    return MultiMap.caseInsensitiveMultiMap();
  }
}
