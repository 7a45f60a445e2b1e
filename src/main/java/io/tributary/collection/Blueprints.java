package io.tributary.collection;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.dashboard.DashboardStore;
import io.tributary.dataset.EmptyDatasets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The shape of a template, a collection blueprint: {@code {name, description, datasets:[{name, description, schema}],
 * dashboards:[{name, description, refresh_seconds, layout, visualizations:[{title, chart_type, dataset, query,
 * config, position}]}]}}, where a visualization names its dataset by its name in the template. Pure: no I/O.
 */
final class Blueprints {

  static final int MAX_ITEMS = 100;

  private Blueprints() {
  }

  /** The blueprint checked and normalised, or 400 naming the faulty part. */
  static JsonObject check(JsonObject raw) {
    String name = CollectionRoutes.name(raw.getValue("name") instanceof String s ? s : null);
    JsonArray datasets = list(raw, "datasets");
    JsonArray dashboards = list(raw, "dashboards");
    JsonArray checkedDatasets = new JsonArray();
    Map<String, UUID> placeholders = new HashMap<>();
    for (int i = 0; i < datasets.size(); i++) {
      if (!(datasets.getValue(i) instanceof JsonObject d)) {
        throw invalid("datasets[" + i + "] must be an object {name, schema}", "datasets");
      }
      JsonObject spec = EmptyDatasets.spec(d, "datasets[" + i + "]");
      if (placeholders.put(spec.getString("name"), UUID.randomUUID()) != null) {
        throw invalid("The dataset " + spec.getString("name") + " appears twice in the template", "datasets");
      }
      checkedDatasets.add(spec);
    }
    JsonArray checkedDashboards = new JsonArray();
    Set<String> dashboardNames = new HashSet<>();
    for (int i = 0; i < dashboards.size(); i++) {
      if (!(dashboards.getValue(i) instanceof JsonObject d)) {
        throw invalid("dashboards[" + i + "] must be an object {name, visualizations}", "dashboards");
      }
      JsonObject dashboard = dashboard(d, i);
      if (!dashboardNames.add(dashboard.getString("name"))) {
        throw invalid("The dashboard " + dashboard.getString("name") + " appears twice in the template", "dashboards");
      }
      // the shape is checked as the dashboard API would, with stand-in ids for the datasets to come
      DashboardStore.normalise(bind(dashboard, placeholders).getJsonArray("visualizations"));
      checkedDashboards.add(dashboard);
    }
    return new JsonObject().put("name", name).put("description", raw.getValue("description") instanceof String s ? s : null)
      .put("datasets", checkedDatasets).put("dashboards", checkedDashboards);
  }

  /** A dashboard of the blueprint with its visualizations bound to the datasets created for it. */
  static JsonObject bind(JsonObject dashboard, Map<String, UUID> datasetIds) {
    JsonArray visualizations = new JsonArray();
    dashboard.getJsonArray("visualizations").forEach(o -> {
      JsonObject viz = ((JsonObject) o).copy();
      String dataset = (String) viz.remove("dataset");
      UUID id = datasetIds.get(dataset);
      if (id == null) {
        throw invalid("The visualization '" + viz.getString("title") + "' of the dashboard " + dashboard.getString("name")
          + " uses the dataset " + dataset + ", which the template does not have", "dashboards");
      }
      visualizations.add(viz.put("dataset_id", id.toString()));
    });
    return dashboard.copy().put("visualizations", visualizations);
  }

  /**
   * The blueprint of a collection: its datasets ({@code {dataset_id, name, description, schema}}) and its dashboards
   * as stored, each visualization naming its dataset by name. A visualization over a dataset outside the collection
   * is left out (the template could not recreate it).
   */
  static JsonObject of(String name, String description, JsonArray datasets, JsonArray dashboards) {
    Map<String, String> names = new HashMap<>();
    JsonArray outDatasets = new JsonArray();
    datasets.forEach(o -> {
      JsonObject d = (JsonObject) o;
      names.put(d.getString("dataset_id"), d.getString("name"));
      outDatasets.add(new JsonObject().put("name", d.getString("name")).put("description", d.getString("description"))
        .put("schema", d.getJsonArray("schema")));
    });
    JsonArray outDashboards = new JsonArray();
    dashboards.forEach(o -> {
      JsonObject d = (JsonObject) o;
      JsonArray visualizations = new JsonArray();
      d.getJsonArray("visualizations", new JsonArray()).forEach(v -> {
        JsonObject viz = ((JsonObject) v).copy();
        String dataset = names.get((String) viz.remove("dataset_id"));
        viz.remove("viz_id");
        if (dataset != null) {
          visualizations.add(viz.put("dataset", dataset));
        }
      });
      outDashboards.add(new JsonObject().put("name", d.getString("name")).put("description", d.getString("description"))
        .put("refresh_seconds", d.getInteger("refresh_seconds")).put("layout", d.getJsonObject("layout"))
        .put("visualizations", visualizations));
    });
    return new JsonObject().put("name", name).put("description", description).put("datasets", outDatasets)
      .put("dashboards", outDashboards);
  }

  /** What a template list shows of a blueprint. */
  static JsonObject summary(JsonObject blueprint, String source) {
    JsonArray datasets = new JsonArray();
    blueprint.getJsonArray("datasets").forEach(o -> datasets.add(new JsonObject()
      .put("name", ((JsonObject) o).getString("name")).put("schema", ((JsonObject) o).getJsonArray("schema"))));
    JsonArray dashboards = new JsonArray();
    blueprint.getJsonArray("dashboards").forEach(o -> dashboards.add(new JsonObject()
      .put("name", ((JsonObject) o).getString("name"))
      .put("visualization_count", ((JsonObject) o).getJsonArray("visualizations").size())));
    return new JsonObject().put("name", blueprint.getString("name")).put("description", blueprint.getString("description"))
      .put("source", source).put("datasets", datasets).put("dashboards", dashboards);
  }

  private static JsonObject dashboard(JsonObject d, int i) {
    String where = "dashboards[" + i + "]";
    Object name = d.getValue("name");
    if (!(name instanceof String s) || s.isBlank() || s.length() > 200) {
      throw invalid(where + ".name is required, at most 200 characters", where + ".name");
    }
    Object description = d.getValue("description");
    Object layout = d.getValue("layout");
    Object refresh = d.getValue("refresh_seconds");
    if (description != null && !(description instanceof String) || layout != null && !(layout instanceof JsonObject)
      || refresh != null && !(refresh instanceof Integer)) {
      throw invalid(where + ": description must be text, layout an object, refresh_seconds a whole number", where);
    }
    JsonArray visualizations = list(d, "visualizations");
    for (int v = 0; v < visualizations.size(); v++) {
      Object viz = visualizations.getValue(v);
      if (!(viz instanceof JsonObject o) || !(o.getValue("dataset") instanceof String)) {
        throw invalid(where + ".visualizations[" + v + "] must name its dataset (a dataset of the template) in 'dataset'",
          where + ".visualizations");
      }
    }
    return new JsonObject().put("name", name).put("description", description).put("refresh_seconds", refresh)
      .put("layout", layout == null ? new JsonObject() : layout).put("visualizations", visualizations.copy());
  }

  private static JsonArray list(JsonObject raw, String field) {
    Object value = raw.getValue(field);
    if (value == null) {
      return new JsonArray();
    }
    if (!(value instanceof JsonArray a) || a.size() > MAX_ITEMS) {
      throw invalid(field + " must be a list of at most " + MAX_ITEMS, field);
    }
    return a;
  }

  private static ApiException invalid(String message, String field) {
    return new ApiException(ErrorCode.VALIDATION_FAILED, message, new JsonObject().put("field", field));
  }
}
