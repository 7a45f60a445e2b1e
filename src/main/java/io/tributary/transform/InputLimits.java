package io.tributary.transform;

import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * The named limits an upload must keep (config section {@code transform}), so that a conversion's memory stays
 * bounded whatever the file: a refusal names the limit, its value, where in the file, and what to do.
 *
 * @param maxColumns      columns of a file (CSV header fields, JSON keys, Parquet columns)
 * @param maxFieldChars   characters of one value (CSV field, JSON string or nested value, Parquet text or blob)
 * @param maxLineChars    characters of one CSV record or NDJSON line
 * @param maxJsonDepth    nesting levels of JSON objects and arrays
 * @param maxNumberLength digits of one JSON number
 * @param memoryLimit     DuckDB {@code memory_limit} of a Parquet upload's conversion
 */
public record InputLimits(int maxColumns, int maxFieldChars, int maxLineChars, int maxJsonDepth, int maxNumberLength,
                          String memoryLimit) {

  /** The defaults of {@code conf/config.json}. */
  public static final InputLimits DEFAULTS = new InputLimits(20_000, 16_000_000, 64_000_000, 1_000, 1_000, "256MB");

  public InputLimits {
    if (maxColumns < 1 || maxFieldChars < 1 || maxLineChars < 1 || maxJsonDepth < 1 || maxNumberLength < 1) {
      throw new IllegalArgumentException("transform limits must be positive");
    }
    if (maxFieldChars > 1 << 30 || maxLineChars > 1 << 30) {
      throw new IllegalArgumentException("transform.max_field_chars and max_line_chars are at most 1073741824");
    }
  }

  /** The limits of the {@code transform} config section (defaults for missing keys). */
  public static InputLimits from(JsonObject transform) {
    JsonObject t = transform == null ? new JsonObject() : transform;
    return new InputLimits(t.getInteger("max_columns", DEFAULTS.maxColumns()),
      t.getInteger("max_field_chars", DEFAULTS.maxFieldChars()), t.getInteger("max_line_chars", DEFAULTS.maxLineChars()),
      t.getInteger("max_json_depth", DEFAULTS.maxJsonDepth()),
      t.getInteger("max_number_length", DEFAULTS.maxNumberLength()), t.getString("memory_limit", DEFAULTS.memoryLimit()));
  }

  /** One of the limits, by its config key. */
  enum Limit {
    COLUMNS("max_columns", "TRIBUTARY_MAX_COLUMNS", "columns"),
    FIELD("max_field_chars", "TRIBUTARY_MAX_FIELD_CHARS", "characters"),
    LINE("max_line_chars", "TRIBUTARY_MAX_LINE_CHARS", "characters"),
    JSON_DEPTH("max_json_depth", "TRIBUTARY_MAX_JSON_DEPTH", "levels"),
    NUMBER("max_number_length", "TRIBUTARY_MAX_NUMBER_LENGTH", "digits");

    final String key;
    final String env;
    final String unit;

    Limit(String key, String env, String unit) {
      this.key = key;
      this.env = env;
      this.unit = unit;
    }
  }

  int value(Limit limit) {
    return switch (limit) {
      case COLUMNS -> maxColumns;
      case FIELD -> maxFieldChars;
      case LINE -> maxLineChars;
      case JSON_DEPTH -> maxJsonDepth;
      case NUMBER -> maxNumberLength;
    };
  }

  /**
   * The refusal of a file beyond a limit, e.g. {@code line 2: a field is longer than 16,777,216 characters (limit
   * transform.max_field_chars, env TRIBUTARY_MAX_FIELD_CHARS). Shorten it ..., or raise the limit.}
   *
   * @param where "line 2", "column 'x'", ...
   * @param what  "a field is longer than", "the header has more than", ...
   * @param fix   what the user can do to the file
   */
  InputLimitException beyond(Limit limit, String where, String what, String fix) {
    return new InputLimitException(String.format(Locale.ROOT,
      "%s: %s %,d %s (limit transform.%s, env %s). %s, or raise the limit.", where, what, value(limit), limit.unit,
      limit.key, limit.env, fix));
  }
}
