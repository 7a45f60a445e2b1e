package io.tributary.query;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether a SQL text may run in a user's sandbox, from DuckDB's own parse tree
 * ({@code json_serialize_sql}, which serializes SELECT statements only):
 * <ul>
 *   <li>exactly one statement, and it is a SELECT (a WITH, VALUES, set operation, DESCRIBE...);</li>
 *   <li>every table it names is one of the caller's datasets or a CTE of the text itself, without a catalog, with a
 *       schema only as {@code <collection>.<dataset>} of a collection the caller may read, and never a quoted string
 *       (a file path);</li>
 *   <li>table functions only from {@link #TABLE_FUNCTIONS} (no {@code read_csv}, {@code glob}, {@code query},
 *       {@code duckdb_settings}, ...), and none of the scalar functions of {@link #SCALAR_DENIED}
 *       (settings and logs show server paths).</li>
 * </ul>
 * This is the second wall: the sandbox's DuckDB itself can read no file outside the caller's folder and can
 * change no setting. The check is purely syntactic; binding (unknown columns, types) is DuckDB's.
 */
final class Admission {

  /** Table functions that read no file and no catalog. */
  static final Set<String> TABLE_FUNCTIONS = Set.of("range", "generate_series", "unnest", "json_each", "json_tree");
  /** Scalar functions that show server state (settings hold server paths). */
  static final Set<String> SCALAR_DENIED = Set.of("current_setting", "getvariable", "write_log", "getenv");

  private static final String SERIALIZE = "SELECT json_serialize_sql(?::VARCHAR)";

  private Admission() {
  }

  /**
   * Checks a text against the caller's table names and the sandbox's system object names.
   *
   * @return the datasets the query reads (lower-case names)
   * @throws QueryException INVALID_SQL (syntax), FORBIDDEN (not a single SELECT, or a refused construct) or
   *                        UNKNOWN_TABLE (a name that is not one of the caller's datasets)
   */
  static Set<String> check(Connection connection, String sql, Set<String> datasets, Set<String> systemNames)
    throws QueryException, SQLException {
    JsonObject tree = serialize(connection, sql);
    JsonArray statements = tree.getJsonArray("statements", new JsonArray());
    if (statements.size() != 1) {
      throw new QueryException(QueryException.Reason.FORBIDDEN,
        "Send exactly one SELECT statement (found " + statements.size() + ")");
    }
    Set<String> ctes = new HashSet<>();
    collectCtes(statements.getJsonObject(0), ctes);
    for (String cte : ctes) {
      if (systemNames.contains(cte) && !datasets.contains(cte)) {
        throw new QueryException(QueryException.Reason.FORBIDDEN, "The name " + cte + " is reserved; rename the CTE");
      }
    }
    Set<String> read = new TreeSet<>();
    Deque<Object> todo = new ArrayDeque<>();
    todo.push(statements.getJsonObject(0));
    while (!todo.isEmpty()) {
      Object node = todo.pop();
      if (node instanceof JsonObject object) {
        checkNode(object, sql, datasets, ctes, read);
        object.forEach(e -> push(todo, e.getValue()));
      } else if (node instanceof JsonArray array) {
        array.forEach(v -> push(todo, v));
      }
    }
    return read;
  }

  private static JsonObject serialize(Connection connection, String sql) throws QueryException, SQLException {
    String json;
    try (PreparedStatement statement = connection.prepareStatement(SERIALIZE)) {
      statement.setString(1, sql);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        json = rs.getString(1);
      }
    }
    JsonObject tree = new JsonObject(json);
    if (!tree.getBoolean("error", false)) {
      return tree;
    }
    String message = tree.getString("error_message", "not a valid query");
    Integer position = integer(tree.getString("position"));
    if ("parser".equals(tree.getString("error_type"))) {
      throw new QueryException(QueryException.Reason.INVALID_SQL, "Syntax error: " + message, position);
    }
    // json_serialize_sql refuses every statement that is not a SELECT
    throw new QueryException(QueryException.Reason.FORBIDDEN,
      "Only a single read-only SELECT (or WITH) statement is allowed", position);
  }

  private static void checkNode(JsonObject node, String sql, Set<String> datasets, Set<String> ctes, Set<String> read)
    throws QueryException {
    String type = node.getString("type");
    if ("BASE_TABLE".equals(type)) {
      checkTable(node, sql, datasets, ctes, read);
    } else if ("TABLE_FUNCTION".equals(type)) {
      JsonObject function = node.getJsonObject("function", new JsonObject());
      String name = lower(function.getString("function_name"));
      if (!TABLE_FUNCTIONS.contains(name)) {
        throw new QueryException(QueryException.Reason.FORBIDDEN, "The table function " + name
          + "() is not allowed; query your datasets by name (allowed functions: " + new TreeSet<>(TABLE_FUNCTIONS) + ")",
          location(node));
      }
    } else if ("SHOW_REF".equals(type)) {
      String table = node.getString("table_name");
      if (table != null && !table.isEmpty()) {
        requireKnown(lower(table), datasets, ctes, read, location(node));
      }
    } else if ("FUNCTION".equals(node.getString("class")) && SCALAR_DENIED.contains(lower(node.getString("function_name")))) {
      throw new QueryException(QueryException.Reason.FORBIDDEN, "The function " + lower(node.getString("function_name"))
        + "() is not allowed", location(node));
    }
  }

  private static void checkTable(JsonObject node, String sql, Set<String> datasets, Set<String> ctes, Set<String> read)
    throws QueryException {
    Integer at = location(node);
    if (at != null && at < sql.length() && sql.charAt(at) == '\'') {
      throw new QueryException(QueryException.Reason.FORBIDDEN,
        "File paths cannot be read; name one of your datasets as a table instead", at);
    }
    String schema = node.getString("schema_name", "");
    String catalog = node.getString("catalog_name", "");
    String name = lower(node.getString("table_name"));
    if (!schema.isEmpty() && catalog.isEmpty() && datasets.contains(lower(schema) + "." + name)) {
      read.add(lower(schema) + "." + name);
      return;
    }
    if (!schema.isEmpty() || !catalog.isEmpty()) {
      throw new QueryException(QueryException.Reason.UNKNOWN_TABLE, "Table "
        + (catalog.isEmpty() ? "" : catalog + ".") + (schema.isEmpty() ? "" : schema + ".") + name
        + " does not exist; tables are your dataset names, and <collection>.<dataset> for the datasets of your "
        + "collections and of those shared with you", at);
    }
    requireKnown(name, datasets, ctes, read, at);
  }

  private static void requireKnown(String name, Set<String> datasets, Set<String> ctes, Set<String> read, Integer at)
    throws QueryException {
    if (ctes.contains(name)) {
      return;
    }
    if (!datasets.contains(name)) {
      throw new QueryException(QueryException.Reason.UNKNOWN_TABLE,
        "Table " + name + " does not exist; tables are the names of your ready datasets", at);
    }
    read.add(name);
  }

  private static void collectCtes(Object node, Set<String> ctes) {
    Deque<Object> todo = new ArrayDeque<>();
    todo.push(node);
    while (!todo.isEmpty()) {
      Object next = todo.pop();
      if (next instanceof JsonObject object) {
        JsonObject cteMap = object.getValue("cte_map") instanceof JsonObject m ? m : null;
        if (cteMap != null) {
          for (Object entry : cteMap.getJsonArray("map", new JsonArray())) {
            if (entry instanceof JsonObject e && e.getString("key") != null) {
              ctes.add(lower(e.getString("key")));
            }
          }
        }
        object.forEach(e -> push(todo, e.getValue()));
      } else if (next instanceof JsonArray array) {
        array.forEach(v -> push(todo, v));
      }
    }
  }

  private static void push(Deque<Object> todo, Object value) {
    if (value instanceof JsonObject || value instanceof JsonArray) {
      todo.push(value);
    }
  }

  private static Integer location(JsonObject node) {
    Object value = node.getValue("query_location");
    if (value instanceof Number n && n.longValue() >= 0 && n.longValue() < Integer.MAX_VALUE) {
      return n.intValue();
    }
    return null;
  }

  private static Integer integer(String text) {
    try {
      return text == null ? null : Integer.valueOf(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }
}
