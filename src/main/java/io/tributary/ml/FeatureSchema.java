package io.tributary.ml;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a model reads and predicts: its features in order (each encoded by {@link Feature}), the target column, the
 * problem type and, for classification, the classes in the order of the model's outputs. Training and prediction
 * encode rows through this one class, so a prediction sees exactly the numbers training saw.
 */
record FeatureSchema(List<Feature> features, String target, String targetType, boolean classification,
                     List<String> classes) {

  /** Label types of a target: how a class label is given back in a prediction. */
  static final String INTEGER = "integer";
  static final String NUMBER = "number";
  static final String BOOLEAN = "boolean";
  static final String STRING = "string";

  /** Encoded columns of a row. */
  int width() {
    return features.stream().mapToInt(Feature::width).sum();
  }

  /** A class label as a prediction shows it, typed like the target column. */
  Object label(int classIndex) {
    String label = classes.get(classIndex);
    return switch (targetType) {
      case INTEGER -> Long.parseLong(label);
      case NUMBER -> Double.parseDouble(label);
      case BOOLEAN -> Boolean.parseBoolean(label);
      default -> label;
    };
  }

  /**
   * Encodes one row given as JSON ({@code {feature: value}}) into {@code out} from {@code offset}. A feature that is
   * absent, or whose value has the wrong type, fails with 400 naming it; an explicit null is a missing value.
   */
  void encode(JsonObject row, float[] out, int offset) {
    int at = offset;
    for (Feature f : features) {
      if (!row.containsKey(f.name())) {
        throw invalid(f, "feature '" + f.name() + "' is missing");
      }
      Object value = row.getValue(f.name());
      switch (f.kind()) {
        case NUMERIC, BOOLEAN -> out[at] = number(f, value);
        case CATEGORICAL -> {
          java.util.Arrays.fill(out, at, at + f.width(), 0f);
          if (value != null && !(value instanceof String)) {
            throw invalid(f, "feature '" + f.name() + "' must be a string");
          }
          int index = value == null ? -1 : f.categories().indexOf(value);
          if (index >= 0) {
            out[at + index] = 1f;
          }
        }
        case DATE, TIMESTAMP -> dateParts(f, value, out, at);
      }
      at += f.width();
    }
  }

  private static float number(Feature f, Object value) {
    if (value == null) {
      return Float.NaN;
    }
    if (value instanceof Number n) {
      return n.floatValue();
    }
    if (f.kind() == Feature.Kind.BOOLEAN && value instanceof Boolean b) {
      return b ? 1f : 0f;
    }
    throw invalid(f, "feature '" + f.name() + "' must be a " + (f.kind() == Feature.Kind.BOOLEAN ? "boolean" : "number"));
  }

  private static void dateParts(Feature f, Object value, float[] out, int at) {
    if (value == null) {
      java.util.Arrays.fill(out, at, at + f.width(), Float.NaN);
      return;
    }
    LocalDateTime t = value instanceof String s ? parseTime(s) : null;
    if (t == null) {
      throw invalid(f, "feature '" + f.name() + "' must be a " + (f.kind() == Feature.Kind.DATE
        ? "date (YYYY-MM-DD)" : "timestamp (ISO 8601)"));
    }
    out[at] = t.getYear();
    out[at + 1] = t.getMonthValue();
    out[at + 2] = t.getDayOfMonth();
    out[at + 3] = t.getDayOfWeek().getValue() % 7; // DuckDB's dayofweek: 0 = Sunday
    if (f.kind() == Feature.Kind.TIMESTAMP) {
      out[at + 4] = t.getHour();
    }
  }

  private static LocalDateTime parseTime(String s) {
    String text = s.trim().replace(' ', 'T');
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay();
      }
      if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:?\\d\\d$")) {
        return OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
      }
      return LocalDateTime.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static ApiException invalid(Feature f, String message) {
    return new ApiException(ErrorCode.VALIDATION_FAILED, message, new JsonObject().put("field", f.name()));
  }

  JsonObject toJson() {
    JsonArray fs = new JsonArray();
    features.forEach(f -> fs.add(f.toJson()));
    JsonObject out = new JsonObject().put("features", fs).put("target", target).put("target_type", targetType)
      .put("problem_type", classification ? "classification" : "regression");
    if (classification) {
      out.put("classes", new JsonArray(classes));
    }
    return out;
  }

  static FeatureSchema fromJson(JsonObject json) {
    List<Feature> fs = new ArrayList<>();
    json.getJsonArray("features").forEach(f -> fs.add(Feature.fromJson((JsonObject) f)));
    boolean classification = "classification".equals(json.getString("problem_type"));
    List<String> classes = classification
      ? json.getJsonArray("classes").stream().map(String::valueOf).toList() : List.of();
    return new FeatureSchema(fs, json.getString("target"), json.getString("target_type"), classification, classes);
  }
}
