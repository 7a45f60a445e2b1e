package io.tributary.http;

import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;

/**
 * Validates JSON request bodies against the schemas of {@code openapi.yaml}, so the document and the server
 * cannot drift apart on what a body may contain. Multipart uploads are validated by their route (they are
 * streamed, never parsed whole).
 */
public final class ContractValidation {

  /** Where the contract is, on the class path. */
  public static final String DOCUMENT = "openapi.yaml";

  private static final int REMEMBERED_BODIES = 256;
  private static final int REMEMBERED_BODY_BYTES = 8192;

  private final OpenAPIContract contract;

  private ContractValidation(OpenAPIContract contract) {
    this.contract = contract;
  }

  public static Future<ContractValidation> load(Vertx vertx) {
    return OpenAPIContract.from(vertx, DOCUMENT).map(ContractValidation::new);
  }

  /** A handler that lets through only JSON bodies valid for the operation (400 VALIDATION_FAILED otherwise). */
  public Handler<RoutingContext> jsonBody(String operationId) {
    var operation = contract.operation(operationId);
    if (operation == null || operation.getRequestBody() == null) {
      throw new IllegalArgumentException("openapi.yaml has no JSON body for operation " + operationId);
    }
    Validator validator = contract.getSchemaRepository().validator(
      operation.getRequestBody().determineContentType(MediaType.APPLICATION_JSON).getSchema());
    // bodies found valid lately (the handler lives on one event loop): clients repeat the same requests (a dashboard
    // re-running its queries), and schema validation is the costliest step of such a request
    Map<String, Boolean> recentlyValid = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > REMEMBERED_BODIES;
      }
    };
    return ctx -> {
      JsonObject body = Json.body(ctx);
      Buffer raw = ctx.body().buffer();
      String key = raw.length() <= REMEMBERED_BODY_BYTES ? raw.toString() : null;
      if (key != null && recentlyValid.get(key) != null) {
        ctx.next();
        return;
      }
      OutputUnit result = validator.validate(body);
      if (Boolean.TRUE.equals(result.getValid())) {
        if (key != null) {
          recentlyValid.put(key, Boolean.TRUE);
        }
        ctx.next();
        return;
      }
      JsonArray errors = new JsonArray();
      String first = null;
      for (OutputUnit error : result.getErrors() == null ? java.util.List.<OutputUnit>of() : result.getErrors()) {
        String where = error.getInstanceLocation() == null || error.getInstanceLocation().isEmpty()
          ? "body" : error.getInstanceLocation().replaceFirst("^#?/?", "");
        errors.add(new JsonObject().put("field", where).put("error", error.getError()));
        if (first == null) {
          first = where + ": " + error.getError();
        }
      }
      ctx.fail(new ApiException(ErrorCode.VALIDATION_FAILED,
        "Request body does not match the API contract" + (first == null ? "" : " (" + first + ")"),
        new JsonObject().put("errors", errors)));
    };
  }
}
