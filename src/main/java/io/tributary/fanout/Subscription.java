package io.tributary.fanout;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * What a socket asked for in {@code {"action":"subscribe", ...}}: {@code filters} (equality on top-level fields; a
 * list matches any of its values), {@code batch} (records that wait go out together as one {@code updates} frame),
 * {@code conflate_by} (a field, or {@code "key"} for the Kafka record key: while the client is behind, only the
 * newest record per value is kept) and {@code max_rate} (at most that many messages a second).
 */
record Subscription(JsonObject filters, JsonObject also, boolean batch, String conflateBy, double maxRate) {

  /** Every record, one message each, as fast as the client reads. */
  static final Subscription ALL = new Subscription(new JsonObject(), new JsonObject(), false, null, 0);

  static final int MAX_FILTERS = 32;
  static final int MAX_FILTER_TEXT = 1024;
  static final double MAX_RATE = 10_000;

  /** The subscription a message asks for, or throws {@link IllegalArgumentException} saying what is wrong. */
  static Subscription parse(JsonObject message) {
    Object raw = message.getValue("filters");
    if (raw != null && !(raw instanceof JsonObject)) {
      throw new IllegalArgumentException("filters must be an object of field: value");
    }
    JsonObject filters = raw == null ? new JsonObject() : ((JsonObject) raw).copy();
    checkFilters(filters);
    Object batch = message.getValue("batch", false);
    if (!(batch instanceof Boolean)) {
      throw new IllegalArgumentException("batch must be true or false");
    }
    Object conflate = message.getValue("conflate_by");
    if (conflate != null && (!(conflate instanceof String s) || s.isBlank() || s.length() > 256)) {
      throw new IllegalArgumentException("conflate_by must be a field name, or \"key\" for the record key");
    }
    Object rate = message.getValue("max_rate");
    if (rate != null && (!(rate instanceof Number n) || !(n.doubleValue() > 0) || n.doubleValue() > MAX_RATE)) {
      throw new IllegalArgumentException("max_rate must be a number of messages a second, above 0 and at most 10000");
    }
    return new Subscription(filters, new JsonObject(), (Boolean) batch, (String) conflate,
      rate == null ? 0 : ((Number) rate).doubleValue());
  }

  /** This subscription, also requiring {@code more} (filters in the same form, checked as given). */
  Subscription and(JsonObject more) {
    checkFilters(more);
    return new Subscription(filters, more.copy(), batch, conflateBy, maxRate);
  }

  /** Whether records reach this socket unfiltered (then its batched frames can be shared). */
  boolean unfiltered() {
    return filters.isEmpty() && also.isEmpty() && conflateBy == null;
  }

  private static void checkFilters(JsonObject filters) {
    if (filters.size() > MAX_FILTERS) {
      throw new IllegalArgumentException("At most " + MAX_FILTERS + " filters");
    }
    for (var e : filters) {
      Object v = e.getValue();
      if (v instanceof JsonObject || (v instanceof JsonArray a && a.stream().anyMatch(x -> x instanceof JsonObject
        || x instanceof JsonArray))) {
        throw new IllegalArgumentException("Filter " + e.getKey() + ": a value or a list of values");
      }
      if (String.valueOf(v).length() > MAX_FILTER_TEXT) {
        throw new IllegalArgumentException("Filter " + e.getKey() + " is too long");
      }
    }
  }

  /** Whether the record is one for this socket (a valid JSON object matching every filter). */
  boolean matches(LiveRecord record) {
    if (!record.valid()) {
      return false;
    }
    if (filters.isEmpty() && also.isEmpty()) {
      return true;
    }
    JsonObject data = record.data();
    return data != null && all(filters, data) && all(also, data);
  }

  private static boolean all(JsonObject filters, JsonObject data) {
    for (Map.Entry<String, Object> f : filters) {
      Object actual = data.getValue(f.getKey());
      Object wanted = f.getValue();
      if (wanted instanceof JsonArray anyOf) {
        boolean found = false;
        for (Object option : anyOf) {
          found |= same(actual, option);
        }
        if (!found) {
          return false;
        }
      } else if (!same(actual, wanted)) {
        return false;
      }
    }
    return true;
  }

  boolean conflates() {
    return conflateBy != null;
  }

  /** The value records are conflated by (numbers compare by value); null groups records without it. */
  Object conflationKey(LiveRecord record) {
    if ("key".equals(conflateBy)) {
      return record.key();
    }
    JsonObject data = record.data();
    Object v = data == null ? null : data.getValue(conflateBy);
    return v instanceof Number n ? (Object) n.doubleValue() : v;
  }

  /** How the subscription reads back to the client. */
  JsonObject describe() {
    JsonObject out = new JsonObject().put("filters", filters).put("batch", batch);
    if (conflateBy != null) {
      out.put("conflate_by", conflateBy);
    }
    if (maxRate > 0) {
      out.put("max_rate", maxRate);
    }
    return out;
  }

  private static boolean same(Object actual, Object wanted) {
    if (actual instanceof Number a && wanted instanceof Number b) {
      return a.doubleValue() == b.doubleValue();
    }
    return actual == null ? wanted == null : actual.equals(wanted);
  }
}
