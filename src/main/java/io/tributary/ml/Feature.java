package io.tributary.ml;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One input column of a model and how it becomes numbers: {@code numeric} (and boolean) as is, {@code categorical}
 * one-hot over the categories seen in training (others and null: all zeros), {@code date} and {@code timestamp}
 * as their parts (year, month, day, day of week from 0 = Sunday, and hour for timestamps). A null numeric or date
 * value is missing (NaN), which the models handle.
 */
record Feature(String name, Kind kind, List<String> categories) {

  enum Kind {
    NUMERIC, BOOLEAN, CATEGORICAL, DATE, TIMESTAMP;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** How many encoded columns this feature takes. */
  int width() {
    return switch (kind) {
      case NUMERIC, BOOLEAN -> 1;
      case CATEGORICAL -> categories.size();
      case DATE -> 4;
      case TIMESTAMP -> 5;
    };
  }

  JsonObject toJson() {
    JsonObject out = new JsonObject().put("name", name).put("type", kind.label());
    if (kind == Kind.CATEGORICAL) {
      out.put("categories", new JsonArray(categories));
    }
    return out;
  }

  static Feature fromJson(JsonObject json) {
    Kind kind = Kind.valueOf(json.getString("type").toUpperCase(java.util.Locale.ROOT));
    JsonArray categories = json.getJsonArray("categories", new JsonArray());
    return new Feature(json.getString("name"), kind, categories.stream().map(String::valueOf).toList());
  }
}
