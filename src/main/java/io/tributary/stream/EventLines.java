package io.tributary.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of an events request: NDJSON (one JSON object per line; blank lines skipped) or one JSON array of
 * objects. Each record is checked to be exactly one JSON object and kept as the text it was sent as; the others are
 * rejected with their line (NDJSON) or 1-based position (array) and the reason.
 */
final class EventLines {

  private static final JsonFactory JSON = JsonFactory.builder()
    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(1000).build()).build();

  /** The records to produce, and what was rejected as {@code [{line, error}]}. */
  record Parsed(List<String> records, JsonArray rejected) {
  }

  private EventLines() {
  }

  /** Splits and checks a body; a body that starts with {@code [} is one JSON array. */
  static Parsed parse(Buffer body) {
    String text = body.toString(StandardCharsets.UTF_8);
    int start = 0;
    while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    return start < text.length() && text.charAt(start) == '[' ? array(text) : lines(text);
  }

  private static Parsed lines(String text) {
    List<String> records = new ArrayList<>();
    JsonArray rejected = new JsonArray();
    int line = 0;
    int from = 0;
    while (from < text.length()) {
      int end = text.indexOf('\n', from);
      if (end < 0) {
        end = text.length();
      }
      line++;
      String record = text.substring(from, end).strip();
      from = end + 1;
      if (record.isEmpty()) {
        continue;
      }
      String error = objectError(record);
      if (error == null) {
        records.add(record);
      } else {
        rejected.add(new JsonObject().put("line", line).put("error", error));
      }
    }
    return new Parsed(records, rejected);
  }

  private static Parsed array(String text) {
    JsonArray items;
    try {
      items = new JsonArray(text);
    } catch (RuntimeException e) {
      return new Parsed(List.of(), new JsonArray().add(new JsonObject().put("line", 1)
        .put("error", "the body starts with [ but is not a valid JSON array")));
    }
    List<String> records = new ArrayList<>(items.size());
    JsonArray rejected = new JsonArray();
    for (int i = 0; i < items.size(); i++) {
      Object item = items.getValue(i);
      if (item instanceof JsonObject object) {
        records.add(object.encode());
      } else {
        rejected.add(new JsonObject().put("line", i + 1).put("error", "not a JSON object but " + kind(item)));
      }
    }
    return new Parsed(records, rejected);
  }

  /** Null when the text is exactly one JSON object; otherwise why not. */
  static String objectError(String text) {
    try (JsonParser parser = JSON.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        return "not a JSON object but " + kind(first);
      }
      parser.skipChildren();
      if (parser.nextToken() != null) {
        return "more than one JSON value on the line";
      }
      return null;
    } catch (IOException e) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      int cut = message.indexOf('\n');
      return "not valid JSON: " + (cut < 0 ? message : message.substring(0, cut));
    }
  }

  private static String kind(JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    return switch (token) {
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.toString();
    };
  }

  private static String kind(Object item) {
    if (item == null) {
      return "null";
    }
    if (item instanceof JsonArray) {
      return "an array";
    }
    if (item instanceof String) {
      return "a string";
    }
    if (item instanceof Number) {
      return "a number";
    }
    return item instanceof Boolean ? "a boolean" : item.getClass().getSimpleName();
  }
}
