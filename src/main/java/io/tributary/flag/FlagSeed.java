package io.tributary.flag;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flags set by configuration at every start (section {@code flags}): {@code override}
 * ({@code TRIBUTARY_FLAGS_OVERRIDE}), a JSON object of flag key to fields, e.g.
 * {@code {"module.ml":{"enabled":false}}}, then {@code rollout} ({@code TRIBUTARY_FLAG_ROLLOUT}), flag key to
 * rollout percent, e.g. {@code {"collections":25}}. Either may be given as JSON text. A bad value stops the start
 * with a message naming it.
 */
public final class FlagSeed {

  private FlagSeed() {
  }

  /** Applies the {@code flags} section; does nothing when it sets nothing. */
  public static Future<Void> apply(Pool pool, JsonObject section) {
    Map<String, JsonObject> bodies;
    try {
      bodies = bodies(section == null ? new JsonObject() : section);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return bodies.isEmpty() ? Future.succeededFuture() : new FlagRepository(pool).seed(bodies)
      .recover(err -> Future.failedFuture(new IllegalArgumentException("Flags from configuration (flags.override, "
        + "flags.rollout) were refused: " + err.getMessage(), err)));
  }

  static Map<String, JsonObject> bodies(JsonObject section) {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    JsonObject override = object(section.getValue("override"), "flags.override (TRIBUTARY_FLAGS_OVERRIDE)");
    override.forEach(e -> {
      if (!(e.getValue() instanceof JsonObject body)) {
        throw new IllegalArgumentException("flags.override: the value of '" + e.getKey() + "' must be an object");
      }
      out.put(e.getKey(), body.copy());
    });
    JsonObject rollout = object(section.getValue("rollout"), "flags.rollout (TRIBUTARY_FLAG_ROLLOUT)");
    rollout.forEach(e -> {
      if (!(e.getValue() instanceof Number)) {
        throw new IllegalArgumentException("flags.rollout: the value of '" + e.getKey() + "' must be a percentage");
      }
      out.computeIfAbsent(e.getKey(), k -> new JsonObject()).put("rollout_percent", e.getValue());
    });
    return out;
  }

  private static JsonObject object(Object value, String what) {
    if (value == null || value instanceof String s && s.isBlank()) {
      return new JsonObject();
    }
    if (value instanceof JsonObject o) {
      return o;
    }
    try {
      return new JsonObject(value.toString());
    } catch (DecodeException e) {
      throw new IllegalArgumentException(what + " is not a JSON object: " + e.getMessage());
    }
  }
}
