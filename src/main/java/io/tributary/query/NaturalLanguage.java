package io.tributary.query;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.llm.LlmClient;
import io.vertx.core.Future;
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

  /** Where questions find the profile of a dataset: {@code {status, profile}}, or null (wired by the application). */
  @FunctionalInterface
  public interface Profiles {
    Future<JsonObject> find(UUID datasetId, UUID ownerId);
  }

  private final LlmClient llm;
  private final QueryService queries;
  private final Profiles profiles;
  private final int limit;

  /** @param limit the rows a question's result holds at most (the {@code query.default_limit}) */
  public NaturalLanguage(LlmClient llm, QueryService queries, Profiles profiles, int limit) {
    this.llm = llm;
    this.queries = queries;
    this.profiles = profiles;
    this.limit = limit;
  }

  public Future<JsonObject> answer(Caller caller, UUID datasetId, String question) {
    if (!llm.configured()) {
      return Future.failedFuture(new ApiException(ErrorCode.LLM_UNAVAILABLE,
        "No language model is configured (set TRIBUTARY_LLM_BASE_URL)"));
    }
    return queries.tablesOf(caller.id()).compose(tables -> {
      JsonObject table = tables.stream().map(JsonObject.class::cast)
        .filter(t -> datasetId.toString().equals(t.getString("dataset_id"))).findFirst().orElse(null);
      if (table == null) {
        return Future.failedFuture(ApiException.notFound("Dataset"));
      }
      return profiles.find(datasetId, caller.id())
        .compose(found -> llm.complete(prompt(table.getString("name"), found == null ? null
          : found.getJsonObject("profile")), question))
        .compose(reply -> run(caller, question, extractSql(reply)));
    });
  }

  /** Validates the generated SQL (nothing runs when it is invalid), runs it, and has it explained. */
  private Future<JsonObject> run(Caller caller, String question, String sql) {
    return queries.validate(caller.id(), sql).compose(validation -> {
      if (!validation.getBoolean("valid")) {
        return Future.failedFuture(new ApiException(ErrorCode.LLM_INVALID_SQL,
          "The generated SQL is not valid; nothing was run",
          new JsonObject().put("sql", sql).put("errors", validation.getJsonArray("errors"))));
      }
      return queries.run(caller.id(), sql, limit);
    }).compose(result -> {
      JsonObject json = result.json().toJsonObject();
      return explain(question, sql, json).map(explanation -> json.put("sql", sql).put("explanation", explanation));
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
