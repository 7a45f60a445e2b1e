package io.tributary.dataset;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The column types a dataset may have: the types uploads and profiles report (DuckDB's names, as in README's type
 * inference), which a schema names and an append must match. A file column may fill a dataset column of another type
 * only when the cast loses nothing (INTEGER into BIGINT, numbers into DOUBLE, DATE into TIMESTAMP, anything into
 * VARCHAR), or when the file has no value in it.
 */
public final class ColumnTypes {

  /** The plain type names; {@code DECIMAL(p,s)} besides. */
  public static final List<String> TYPES = List.of("BOOLEAN", "INTEGER", "BIGINT", "FLOAT", "DOUBLE", "DATE", "TIME",
    "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "VARCHAR", "BLOB");
  static final Pattern DECIMAL = Pattern.compile("^DECIMAL\\((\\d{1,2}),\\s*(\\d{1,2})\\)$");
  /** A column name of a schema: 1 to 255 characters, no control characters, no space at either end (as uploads keep). */
  static final Pattern COLUMN = Pattern.compile("^(?=\\S)[^\\p{Cntrl}]{1,255}(?<=\\S)$");
  static final int MAX_COLUMNS = 1000;
  /** For each dataset type, the other file types that fill it without loss. */
  private static final Map<String, Set<String>> WIDENS = Map.of(
    "BIGINT", Set.of("INTEGER"),
    "FLOAT", Set.of("INTEGER"),
    "DOUBLE", Set.of("INTEGER", "BIGINT", "FLOAT"),
    "TIMESTAMP", Set.of("DATE"));

  private ColumnTypes() {
  }

  /** The type in its canonical spelling, or null when it is not one of {@link #TYPES} or a valid DECIMAL. */
  public static String canonical(String type) {
    if (type == null) {
      return null;
    }
    String t = type.trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
    if (TYPES.contains(t)) {
      return t;
    }
    var m = DECIMAL.matcher(t);
    if (m.matches()) {
      int precision = Integer.parseInt(m.group(1));
      int scale = Integer.parseInt(m.group(2));
      return precision >= 1 && precision <= 38 && scale <= precision ? "DECIMAL(" + precision + "," + scale + ")" : null;
    }
    return null;
  }

  /**
   * A schema of a request ({@code [{name, type}]}) checked and normalised, or 400 naming the faulty column: at least
   * one column, names SQL identifiers unique regardless of case, types of {@link #TYPES}.
   */
  public static JsonArray schema(Object raw, String field) {
    if (!(raw instanceof JsonArray columns) || columns.isEmpty() || columns.size() > MAX_COLUMNS) {
      throw invalid(field + " must be a list of 1 to " + MAX_COLUMNS + " columns {name, type}", field, null);
    }
    JsonArray out = new JsonArray();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < columns.size(); i++) {
      if (!(columns.getValue(i) instanceof JsonObject col)) {
        throw invalid(field + "[" + i + "] must be an object {name, type}", field, null);
      }
      String name = col.getValue("name") instanceof String s ? s : null;
      if (name == null || !COLUMN.matcher(name).matches()) {
        throw invalid(field + "[" + i + "]: the column name " + (name == null ? "is missing" : "'" + name + "' is not valid")
          + "; a column name has 1 to 255 characters, no control characters and no space at either end", field, name);
      }
      if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        throw invalid("The column " + name + " appears twice (names are compared regardless of case)", field, name);
      }
      String type = canonical(col.getValue("type") instanceof String s ? s : null);
      if (type == null) {
        throw invalid("The column " + name + " has the unknown type '" + col.getValue("type") + "'; use one of "
          + String.join(", ", TYPES) + " or DECIMAL(p,s)", field, name);
      }
      out.add(new JsonObject().put("name", name).put("type", type));
    }
    return out;
  }

  /** Whether a file column of {@code fileType} fills a dataset column of {@code datasetType} without loss. */
  public static boolean fills(String datasetType, String fileType) {
    String target = canonicalOrSelf(datasetType);
    String source = canonicalOrSelf(fileType);
    return target.equals(source) || "VARCHAR".equals(target) || WIDENS.getOrDefault(target, Set.of()).contains(source)
      || target.startsWith("DECIMAL") && ("INTEGER".equals(source) || "BIGINT".equals(source))
      || "DOUBLE".equals(target) && source.startsWith("DECIMAL");
  }

  /**
   * Refuses (422 SCHEMA_MISMATCH, naming every missing, extra and mistyped column) a file whose columns
   * ({@code [{name, type}]}, with the distinct counts the conversion knows: 0 means the file has no value there)
   * cannot be appended to a dataset of {@code schema}. Columns match by name.
   */
  public static void requireMatch(JsonArray schema, JsonArray fileColumns, JsonArray distinctCounts) {
    Map<String, String> dataset = new java.util.LinkedHashMap<>();
    schema.forEach(c -> dataset.put(((JsonObject) c).getString("name"), ((JsonObject) c).getString("type")));
    JsonArray missing = new JsonArray();
    JsonArray extra = new JsonArray();
    JsonArray mistyped = new JsonArray();
    Set<String> inFile = new HashSet<>();
    for (int i = 0; i < fileColumns.size(); i++) {
      JsonObject col = fileColumns.getJsonObject(i);
      String name = col.getString("name");
      inFile.add(name);
      String want = dataset.get(name);
      Long distinct = distinctCounts == null || i >= distinctCounts.size() ? null : distinctCounts.getLong(i);
      if (want == null) {
        extra.add(name);
      } else if (!fills(want, col.getString("type")) && !Long.valueOf(0).equals(distinct)) {
        mistyped.add(new JsonObject().put("column", name).put("file_type", col.getString("type")).put("dataset_type", want));
      }
    }
    dataset.keySet().stream().filter(n -> !inFile.contains(n)).forEach(missing::add);
    refuse(missing, extra, mistyped);
  }

  /**
   * Fails with 422 SCHEMA_MISMATCH naming the missing and extra columns when a file's column {@code names} (types not
   * known yet, e.g. a CSV header read before the job runs) are not the schema's, in any order.
   */
  public static void requireNames(JsonArray schema, List<String> names) {
    Set<String> wanted = new java.util.LinkedHashSet<>();
    schema.forEach(c -> wanted.add(((JsonObject) c).getString("name")));
    JsonArray missing = new JsonArray();
    wanted.stream().filter(n -> !names.contains(n)).forEach(missing::add);
    JsonArray extra = new JsonArray();
    names.stream().filter(n -> !wanted.contains(n)).forEach(extra::add);
    refuse(missing, extra, new JsonArray());
  }

  private static void refuse(JsonArray missing, JsonArray extra, JsonArray mistyped) {
    if (missing.isEmpty() && extra.isEmpty() && mistyped.isEmpty()) {
      return;
    }
    StringBuilder why = new StringBuilder("The file does not match the dataset's schema:");
    if (!missing.isEmpty()) {
      why.append(" missing column").append(missing.size() > 1 ? "s " : " ").append(join(missing)).append(';');
    }
    if (!extra.isEmpty()) {
      why.append(" extra column").append(extra.size() > 1 ? "s " : " ").append(join(extra)).append(';');
    }
    mistyped.forEach(m -> {
      JsonObject t = (JsonObject) m;
      why.append(" column ").append(t.getString("column")).append(" is ").append(t.getString("file_type"))
        .append(" in the file, which does not fit the dataset's ").append(t.getString("dataset_type")).append(';');
    });
    why.setLength(why.length() - 1);
    throw new ApiException(ErrorCode.SCHEMA_MISMATCH, why.append("; nothing was appended").toString(),
      new JsonObject().put("missing", missing).put("extra", extra).put("mistyped", mistyped));
  }

  private static String canonicalOrSelf(String type) {
    String c = canonical(type);
    return c != null ? c : type == null ? "" : type.trim().toUpperCase(Locale.ROOT);
  }

  private static String join(JsonArray names) {
    return String.join(", ", names.stream().map(String::valueOf).toList());
  }

  private static ApiException invalid(String message, String field, String column) {
    JsonObject details = new JsonObject().put("field", field);
    if (column != null) {
      details.put("column", column);
    }
    return new ApiException(ErrorCode.VALIDATION_FAILED, message, details);
  }
}
