package io.tributary.query;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.dataset.DatasetRepository;
import io.tributary.http.Caller;
import io.tributary.llm.LlmClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/query/natural}: a prompt from the dataset's schema and profile, SQL from the language
 * model, checked by the same validator as every query (invalid: 422 with the SQL and the errors, nothing run),
 * run, then a short explanation from the model (left out when that second call fails).
 */
public final class NaturalLanguage {

  private static final Pattern FENCED = Pattern.compile("```(?:sql)?\\s*(.*?)```", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

  private final Vertx vertx;
  private final LlmClient llm;
  private final DatasetRepository datasets;
  private final DeliveryOptions delivery;
  private final int limit;

  public NaturalLanguage(Vertx vertx, LlmClient llm, DatasetRepository datasets, JsonObject queryConfig) {
    this.vertx = vertx;
    this.llm = llm;
    this.datasets = datasets;
    this.delivery = new DeliveryOptions().setSendTimeout(queryConfig.getLong("timeout_ms", 30_000L) + 10_000);
    this.limit = queryConfig.getInteger("default_limit", 1000);
  }

  /** @param base the worker request of the caller (user, folder, tables) without sql and limit */
  public Future<JsonObject> answer(Caller caller, UUID datasetId, String question, JsonArray tables, JsonObject base) {
    if (!llm.configured()) {
      return Future.failedFuture(new ApiException(ErrorCode.LLM_UNAVAILABLE,
        "No language model is configured (set TRIBUTARY_LLM_BASE_URL)"));
    }
    JsonObject table = tables.stream().map(JsonObject.class::cast)
      .filter(t -> datasetId.toString().equals(t.getString("dataset_id"))).findFirst().orElse(null);
    if (table == null) {
      return Future.failedFuture(ApiException.notFound("Dataset"));
    }
    return datasets.profile(datasetId, caller.id())
      .compose(found -> llm.complete(prompt(table.getString("name"), found.getJsonObject("profile")), question))
      .compose(reply -> {
        String sql = extractSql(reply);
        return vertx.eventBus().<JsonObject>request(QueryContract.VALIDATE, base.copy().put("sql", sql), delivery)
          .compose(validation -> {
            if (!validation.body().getBoolean("valid")) {
              return Future.failedFuture(new ApiException(ErrorCode.LLM_INVALID_SQL,
                "The generated SQL is not valid; nothing was run",
                new JsonObject().put("sql", sql).put("errors", validation.body().getJsonArray("errors"))));
            }
            return vertx.eventBus().<Buffer>request(QueryContract.EXECUTE, base.copy().put("sql", sql).put("limit", limit),
              delivery);
          })
          .compose(result -> explain(question, sql, result.body().toJsonObject())
            .map(explanation -> result.body().toJsonObject().put("sql", sql).put("explanation", explanation)));
      });
  }

  private Future<String> explain(String question, String sql, JsonObject result) {
    JsonArray sample = new JsonArray(result.getJsonArray("results").stream().limit(20).toList());
    String user = "Question: " + question + "\nSQL: " + sql + "\nFirst rows of the result: " + sample.encode()
      + "\nExplain in two sentences what the query does and what the result says.";
    return llm.complete("You explain SQL query results to business users, briefly and plainly.", user)
      .map(String::trim)
      .otherwise((String) null);
  }

  static String prompt(String table, JsonObject profile) {
    StringBuilder p = new StringBuilder()
      .append("You write one DuckDB SQL SELECT statement that answers the user's question. ")
      .append("Use only the table \"").append(table).append("\". Quote column names with double quotes. ")
      .append("Answer with the SQL only, no explanation.\nColumns:\n");
    if (profile != null) {
      for (Object o : profile.getJsonArray("columns", new JsonArray())) {
        JsonObject c = (JsonObject) o;
        p.append("- \"").append(c.getString("name")).append("\" ").append(c.getString("type"))
          .append(" (nulls ").append(c.getValue("null_percentage")).append("%, distinct ").append(c.getValue("unique_count"))
          .append(", min ").append(c.getValue("min")).append(", max ").append(c.getValue("max")).append(")\n");
      }
      p.append("Rows: ").append(profile.getValue("row_count")).append('\n');
    }
    return p.toString();
  }

  static String extractSql(String reply) {
    Matcher m = FENCED.matcher(reply);
    String sql = m.find() ? m.group(1) : reply;
    return sql.trim().replaceAll(";\\s*$", "");
  }
}
