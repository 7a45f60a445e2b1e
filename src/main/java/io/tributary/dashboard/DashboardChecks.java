package io.tributary.dashboard;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.query.QueryService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What a dashboard must satisfy before it is stored, beyond its shape: the fields of the dashboard itself, each
 * visualization's dataset (the owner's, else 404), its stream (one the owner may watch, else 404) and its query
 * (valid SQL over the owner's datasets, checked by the query engine, else 400). All visualizations are checked at
 * once; the refusal names the first faulty one by number and title.
 */
public final class DashboardChecks {

  /** What dashboards need of other features, wired by the application. */
  public interface Lookups {
    /** Whether the owner has this dataset (ready or being processed). */
    Future<Boolean> ownsDataset(UUID ownerId, UUID datasetId);

    /** The id of the owner's stream of this name, or null. */
    Future<String> streamId(UUID ownerId, String name);

    /**
     * Succeeds when the dashboards module is on for this user, else fails with 404 FEATURE_DISABLED. Share links
     * (no login) are decided for the dashboard's owner: a link shows what its owner may see.
     */
    Future<Void> dashboardsOn(UUID userId, String tier);
  }

  static final int MAX_NAME = 200;
  static final int MAX_DESCRIPTION = 2_000;
  static final int MAX_LAYOUT_BYTES = 16_384;

  private final QueryService queries;
  private final Lookups lookups;

  DashboardChecks(QueryService queries, Lookups lookups) {
    this.queries = queries;
    this.lookups = lookups;
  }

  /** The dashboard as it will be stored (visualizations normalised), or a failure naming what is wrong. */
  Future<JsonObject> check(UUID ownerId, JsonObject body) {
    JsonObject d;
    try {
      d = fields(body);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    JsonArray vizzes = d.getJsonArray("visualizations");
    List<Future<ApiException>> faults = new ArrayList<>();
    for (int i = 0; i < vizzes.size(); i++) {
      faults.add(checkOne(ownerId, i, vizzes.getJsonObject(i)));
    }
    return Future.all(faults).compose(done -> {
      for (Future<ApiException> f : faults) {
        if (f.result() != null) {
          return Future.failedFuture(f.result());
        }
      }
      return Future.succeededFuture(d);
    });
  }

  private static JsonObject fields(JsonObject body) {
    String name = body.getString("name");
    if (name == null || name.isBlank() || name.length() > MAX_NAME) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "name is required, at most " + MAX_NAME + " characters",
        new JsonObject().put("field", "name"));
    }
    String description = body.getString("description");
    if (description != null && description.length() > MAX_DESCRIPTION) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "description is longer than " + MAX_DESCRIPTION + " characters",
        new JsonObject().put("field", "description"));
    }
    Integer refresh = body.getInteger("refresh_seconds");
    if (refresh != null && refresh != 0 && (refresh < 5 || refresh > 86_400)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "refresh_seconds must be 0 (off) or from 5 to 86400",
        new JsonObject().put("field", "refresh_seconds"));
    }
    JsonObject layout = body.getJsonObject("layout", new JsonObject());
    if (layout.toBuffer().length() > MAX_LAYOUT_BYTES) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "layout is larger than " + MAX_LAYOUT_BYTES + " bytes",
        new JsonObject().put("field", "layout"));
    }
    return new JsonObject().put("name", name).put("description", description).put("refresh_seconds", refresh)
      .put("layout", layout).put("visualizations", Visualizations.normalise(body.getJsonArray("visualizations")));
  }

  /** The fault of one visualization, or null. */
  private Future<ApiException> checkOne(UUID ownerId, int i, JsonObject viz) {
    String title = viz.getString("title");
    Future<ApiException> dataset = lookups.ownsDataset(ownerId, UUID.fromString(viz.getString("dataset_id")))
      .map(owned -> owned ? null : notFound(i, title, "dataset_id", "No such dataset"));
    JsonObject stream = viz.getJsonObject("stream");
    Future<ApiException> live = stream == null ? Future.succeededFuture() : lookups.streamId(ownerId,
      stream.getString("name")).map(id -> id != null ? null : notFound(i, title, "stream.name", "No such stream"));
    Future<ApiException> query = queries.validate(ownerId, viz.getString("query")).map(v -> {
      if (v.getBoolean("valid")) {
        return null;
      }
      JsonArray errors = v.getJsonArray("errors", new JsonArray());
      String first = errors.isEmpty() ? "invalid" : errors.getJsonObject(0).getString("message");
      ApiException fault = Visualizations.fault(i, title, "query", "is not valid: " + first);
      fault.details().put("errors", errors);
      return fault;
    });
    return Future.all(dataset, live, query).map(all -> dataset.result() != null ? dataset.result()
      : live.result() != null ? live.result() : query.result());
  }

  private static ApiException notFound(int i, String title, String field, String what) {
    return new ApiException(ErrorCode.NOT_FOUND, "Visualization " + (i + 1) + " (\"" + title + "\"): " + what,
      new JsonObject().put("viz_index", i + 1).put("viz_title", title).put("field", field));
  }
}
