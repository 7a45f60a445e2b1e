package io.tributary.collection;

import io.tributary.support.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Collection calls of one user, with If-Match, for readable tests. */
public final class Client {

  static final String BASE = "/api/v1/collections";
  public final Api api;

  Client(Api api) {
    this.api = api;
  }

  /** Creates a collection and returns it (asserting 201). */
  public JsonObject create(String name) {
    HttpResponse<Buffer> r = api.post(BASE, new JsonObject().put("name", name));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  HttpResponse<Buffer> get(String id) {
    return api.get(BASE + "/" + id);
  }

  public JsonObject read(String id) {
    HttpResponse<Buffer> r = get(id);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  HttpResponse<Buffer> send(HttpMethod method, String path, Integer version, JsonObject body) {
    HttpRequest<Buffer> req = api.request(method, path);
    if (version != null) {
      req.putHeader("If-Match", "\"" + version + "\"");
    }
    return Api.send(body == null ? req.send() : req.sendJsonObject(body));
  }

  HttpResponse<Buffer> patch(String id, Integer version, JsonObject body) {
    return send(HttpMethod.PATCH, BASE + "/" + id, version, body);
  }

  HttpResponse<Buffer> addItem(String id, Integer version, String type, String itemId) {
    return send(HttpMethod.POST, BASE + "/" + id + "/items", version, new JsonObject().put("type", type).put("id", itemId));
  }

  HttpResponse<Buffer> removeItem(String id, Integer version, String type, String itemId) {
    return send(HttpMethod.DELETE, BASE + "/" + id + "/items/" + type + "/" + itemId, version, null);
  }

  HttpResponse<Buffer> share(String id, Integer version, String email, String role) {
    return send(HttpMethod.POST, BASE + "/" + id + "/shares", version, new JsonObject().put("email", email).put("role", role));
  }

  /** Adds an item and returns the new version (asserting 201). */
  int add(String id, int version, String type, String itemId) {
    HttpResponse<Buffer> r = addItem(id, version, type, itemId);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getInteger("version");
  }

  /** Uploads a CSV as a dataset of this name and returns its id. */
  String dataset(Path dir, String name, String csv) throws Exception {
    Path file = dir.resolve(name + ".csv");
    Files.writeString(file, csv);
    JsonObject job = api.uploadAndWait(file, Map.of("name", name));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    return job.getString("dataset_id");
  }

  static String email(Api api) {
    return claims(api).getString("email");
  }

  static String userId(Api api) {
    return claims(api).getString("sub");
  }

  private static JsonObject claims(Api api) {
    String payload = api.token().split("\\.")[1];
    return new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(payload), java.nio.charset.StandardCharsets.UTF_8));
  }
}
