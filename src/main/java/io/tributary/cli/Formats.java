package io.tributary.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Map;

/** Output of JSON values as YAML, and human sizes. */
final class Formats {

  private Formats() {
  }

  /** A JSON value (object, array or scalar) as block YAML. */
  static String yaml(Object value) {
    StringBuilder out = new StringBuilder();
    yaml(out, value, 0, false);
    return out.toString();
  }

  private static void yaml(StringBuilder out, Object value, int indent, boolean inline) {
    String pad = " ".repeat(indent);
    if (value instanceof JsonObject o && !o.isEmpty()) {
      boolean first = true;
      for (Map.Entry<String, Object> e : o) {
        out.append(first && inline ? "" : pad).append(scalar(e.getKey())).append(':');
        first = false;
        nested(out, e.getValue(), indent);
      }
    } else if (value instanceof JsonArray a && !a.isEmpty()) {
      boolean first = true;
      for (Object item : a) {
        out.append(first && inline ? "" : pad).append("- ");
        first = false;
        if (item instanceof JsonObject o && !o.isEmpty() || item instanceof JsonArray l && !l.isEmpty()) {
          yaml(out, item, indent + 2, true);
        } else {
          out.append(scalar(item)).append('\n');
        }
      }
    } else {
      out.append(inline ? "" : pad).append(scalar(value)).append('\n');
    }
  }

  private static void nested(StringBuilder out, Object value, int indent) {
    if (value instanceof JsonObject o && !o.isEmpty() || value instanceof JsonArray a && !a.isEmpty()) {
      out.append('\n');
      yaml(out, value, indent + 2, false);
    } else {
      out.append(' ').append(scalar(value)).append('\n');
    }
  }

  private static String scalar(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof JsonObject) {
      return "{}";
    }
    if (value instanceof JsonArray) {
      return "[]";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    String s = value.toString();
    boolean plain = !s.isEmpty() && s.matches("[A-Za-z_./][A-Za-z0-9_./ -]*") && !s.endsWith(" ")
      && !s.matches("(?i)true|false|null|yes|no|on|off|~");
    return plain ? s : io.vertx.core.json.Json.encode(s);
  }

  /** Bytes as B, KB, MB, GB (powers of 1024). */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
