package io.tributary.web;

import io.tributary.support.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The web app's routes")
class WebRoutesTest {

  private final Api anonymous = Api.anonymous();

  @Test
  @DisplayName("answer the app's page at / and at every app path, with a content security policy")
  void appPathsAnswerThePage() {
    for (String path : new String[] {"/", "/login", "/datasets", "/datasets/" + UUID.randomUUID(), "/query",
      "/dashboards", "/dashboards/new", "/dashboards/" + UUID.randomUUID() + "/edit", "/shared/abc_DEF-123"}) {
      HttpResponse<Buffer> r = anonymous.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.getHeader("Content-Type")).as(path).startsWith("text/html");
      assertThat(r.getHeader("Content-Security-Policy")).as(path).contains("script-src 'self'");
      assertThat(r.getHeader("Cache-Control")).as(path).isEqualTo("no-cache");
      assertThat(r.bodyAsString()).as(path).contains("<script type=\"module\" src=\"/js/main.js\"></script>");
    }
  }

  @Test
  @DisplayName("serve the app's files for revalidation (304 when unchanged) and vendored libraries for a year")
  void filesCarryCachingHeaders() {
    HttpResponse<Buffer> js = anonymous.get("/js/main.js");
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.getHeader("Content-Type")).contains("javascript");
    assertThat(js.getHeader("Cache-Control")).isEqualTo("no-cache");
    String lastModified = js.getHeader("Last-Modified");
    assertThat(lastModified).isNotBlank();
    HttpResponse<Buffer> again = Api.send(anonymous.request(HttpMethod.GET, "/js/main.js")
      .putHeader("If-Modified-Since", lastModified).send());
    assertThat(again.statusCode()).isEqualTo(304);

    HttpResponse<Buffer> vendor = anonymous.get("/vendor/chartjs-4.6.2/chart.umd.min.js");
    assertThat(vendor.statusCode()).isEqualTo(200);
    assertThat(vendor.getHeader("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
    assertThat(vendor.bodyAsString()).startsWith("/*!\n * Chart.js v4.6.2");
    assertThat(anonymous.get("/vendor/uplot-1.6.32/LICENSE").bodyAsString()).contains("MIT");
    HttpResponse<Buffer> gzipped = Api.send(anonymous.request(HttpMethod.GET, "/vendor/chartjs-4.6.2/chart.umd.min.js")
      .putHeader("Accept-Encoding", "gzip").send());
    assertThat(gzipped.getHeader("Content-Encoding")).isEqualTo("gzip");
    assertThat(gzipped.body().length()).isLessThan(vendor.body().length() / 2);
  }

  @Test
  @DisplayName("serve the sample files exactly as committed under samples/")
  void samplesAreServed() throws Exception {
    for (String name : new String[] {"weather.csv", "sales.csv", "events.ndjson"}) {
      HttpResponse<Buffer> r = anonymous.get("/samples/" + name);
      assertThat(r.statusCode()).as(name).isEqualTo(200);
      assertThat(r.body().getBytes()).as(name).isEqualTo(Files.readAllBytes(Path.of("samples", name)));
    }
  }

  @Test
  @DisplayName("never answer for the API, sockets, health, metrics or the contract, and 404 unknown files")
  void serverPathsAreNotShadowed() {
    assertThat(anonymous.get("/openapi.yaml").bodyAsString()).startsWith("openapi: 3");
    assertThat(anonymous.get("/metrics").bodyAsString()).contains("# TYPE");
    assertThat(anonymous.get("/health/live").bodyAsJsonObject().getString("status")).isEqualTo("UP");
    Api.error(anonymous.get("/api/v1/data/datasets"), 401, "UNAUTHORIZED");
    Api.error(Api.admin().get("/api/v1/no-such-route"), 404, "NOT_FOUND");
    Api.error(anonymous.get("/no-such-file.js"), 404, "NOT_FOUND");
    Api.error(anonymous.get("/datasets/not-an-id/more"), 404, "NOT_FOUND");
    Api.error(anonymous.get("/ws/no-such-socket"), 404, "NOT_FOUND");
    Api.error(anonymous.get("/health/no-such-check"), 404, "NOT_FOUND");
    Api.error(Api.admin().post("/api/v1/no-such-route", new io.vertx.core.json.JsonObject()), 404, "NOT_FOUND");
  }
}
