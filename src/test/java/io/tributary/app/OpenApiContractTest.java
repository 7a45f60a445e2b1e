package io.tributary.app;

import io.tributary.auth.JwtKeys;
import io.tributary.config.Sections;
import io.tributary.db.ChangeFeed;
import io.tributary.search.SearchRoutes;
import io.tributary.http.ContractValidation;
import io.tributary.db.Database;
import io.tributary.health.HealthRoutes;
import io.tributary.kafka.KafkaSettings;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.openapi.contract.OpenAPIContract;
import io.tributary.redis.RedisLink;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The OpenAPI document")
class OpenApiContractTest {

  @Test
  @DisplayName("is a valid OpenAPI 3 document served at /openapi.yaml that lists exactly the routes the router serves")
  void documentMatchesRouter(@TempDir Path keys) throws Exception {
    var served = Api.anonymous().get("/openapi.yaml");
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.bodyAsString()).startsWith("openapi: 3");

    var vertx = TestApp.get().vertx;
    OpenAPIContract contract = Await.result(OpenAPIContract.from(vertx, "openapi.yaml"));
    Set<String> documented = new TreeSet<>();
    contract.operations().forEach(op -> documented.add(op.getHttpMethod().name() + " " + op.getOpenAPIPath()));

    JsonObject cfg = TestApp.get().config();
    JwtKeys k = JwtKeys.loadOrCreate(null, null, keys);
    cfg.getJsonObject("auth").put("private_key_pem", k.privatePem()).put("public_key_pem", k.publicPem())
      .put("key_id", k.keyId()).put("jwks", k.jwks());
    var pool = Database.pool(vertx, cfg.getJsonObject("postgres"));
    RedisLink redis = new RedisLink(vertx, cfg.getJsonObject("redis").getString("url"));
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, KafkaSettings.admin(cfg.getJsonObject("kafka")));
    HealthRoutes health = new HealthRoutes(vertx, pool, redis, admin);
    Sections.withNode(cfg, cfg.getString("data_dir"), "contract-test");
    Router router = ApiRouter.create(vertx, HttpServerVerticle.config(cfg), new ApiRouter.Shared(pool, redis, admin, health,
      Await.result(ContractValidation.load(vertx)), new ChangeFeed(vertx, cfg.getJsonObject("postgres").getString("url")),
      new ChangeFeed(vertx, cfg.getJsonObject("postgres").getString("url"), SearchRoutes.CHANGES_CHANNEL), null));
    Set<String> routed = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() == null || !route.isExactPath() || route.methods() == null) {
        continue; // handlers for every path (request ids, errors, the /api/* token check)
      }
      String path = route.getPath().replaceAll(":([A-Za-z_]+)", "{$1}");
      route.methods().forEach(m -> routed.add(m.name() + " " + path));
    }
    Await.result(admin.close());
    Await.result(redis.close());
    assertThat(routed).isNotEmpty();
    assertThat(documented).as("every served route is documented, and nothing else").isEqualTo(routed);
  }
}
