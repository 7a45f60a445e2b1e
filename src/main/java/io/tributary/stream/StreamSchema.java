package io.tributary.stream;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of a stream's dataset, in first-seen order, with their widened types. JSON values type as in
 * uploads: integers BIGINT, numbers with a fraction DOUBLE, true/false BOOLEAN, strings VARCHAR, objects and
 * arrays VARCHAR (their JSON text). Types only widen (BIGINT + DOUBLE → DOUBLE, anything else mixed →
 * VARCHAR), and columns are only added: old part files read back with NULLs for the columns they lack. A declared
 * ({@link #fixed}) schema, of a dataset created before its stream, keeps its columns and types.
 */
final class StreamSchema {

  static final String BIGINT = "BIGINT";
  static final String DOUBLE = "DOUBLE";
  static final String BOOLEAN = "BOOLEAN";
  static final String VARCHAR = "VARCHAR";

  private final LinkedHashMap<String, String> columns = new LinkedHashMap<>();
  /** Declared (a dataset created from a schema): its columns and types never change; see {@link DeclaredTypes}. */
  private boolean fixed;

  /** From the dataset's {@code schema} column ({@code [{name, type}]}); null or empty gives an empty schema. */
  static StreamSchema fromJson(JsonArray schema) {
    return fromJson(schema, false);
  }

  /** As {@link #fromJson(JsonArray)}, declared ({@code fixed}) or widening. */
  static StreamSchema fromJson(JsonArray schema, boolean fixed) {
    StreamSchema s = new StreamSchema();
    s.fixed = fixed;
    if (schema != null) {
      for (Object o : schema) {
        JsonObject c = (JsonObject) o;
        s.columns.put(c.getString("name"), canonical(c.getString("type")));
      }
    }
    return s;
  }

  private static final List<String> KNOWN = List.of(BIGINT, DOUBLE, BOOLEAN, VARCHAR);

  /** The type name as this class's constant (so types compare by identity), or as given when it is none of them. */
  private static String canonical(String type) {
    for (String known : KNOWN) {
      if (known.equals(type)) {
        return known;
      }
    }
    return type;
  }

  boolean fixed() {
    return fixed;
  }

  JsonArray toJson() {
    JsonArray out = new JsonArray();
    columns.forEach((name, type) -> out.add(new JsonObject().put("name", name).put("type", type)));
    return out;
  }

  /** Widens (or adds) a column for a value's type. */
  void accept(String name, String type) {
    columns.merge(name, type, StreamSchema::widen);
  }

  /** Widens with every column of another schema. */
  void merge(StreamSchema other) {
    other.columns.forEach(this::accept);
  }

  Map<String, String> columns() {
    return columns;
  }

  String type(String name) {
    return columns.get(name);
  }

  static String widen(String a, String b) {
    if (a == null) {
      return b;
    }
    if (b == null || a.equals(b)) {
      return a;
    }
    if (numeric(a) && numeric(b)) {
      return DOUBLE;
    }
    return VARCHAR;
  }

  static boolean numeric(String type) {
    return BIGINT.equals(type) || DOUBLE.equals(type) || DeclaredTypes.numeric(type);
  }

  /** The type of one parsed JSON value (see {@link RecordParser}); null for JSON null. */
  static String typeOf(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Long) {
      return BIGINT;
    }
    if (value instanceof Double) {
      return DOUBLE;
    }
    if (value instanceof Boolean) {
      return BOOLEAN;
    }
    return VARCHAR;
  }

  /** A parsed value converted to a column type (numbers and booleans become their JSON text in VARCHAR). */
  static Object convert(Object value, String type) {
    if (value == null) {
      return null;
    }
    Class<?> kind = value.getClass();
    if (kind == Long.class && type == BIGINT || kind == String.class && type == VARCHAR
      || kind == Double.class && type == DOUBLE || kind == Boolean.class && type == BOOLEAN) {
      return value; // the common case, without a switch on the type's name
    }
    return switch (type) {
      case BIGINT -> value;
      case DOUBLE -> ((Number) value).doubleValue();
      case BOOLEAN -> value;
      default -> value.toString();
    };
  }
}
