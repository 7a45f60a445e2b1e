package io.tributary.flag;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.util.Arrays;
import java.util.Set;

/**
 * A feature flag as stored ({@code feature_flags}, migration V12): the kill switch {@code enabled}, deny and allow
 * lists of user ids, the tiers it applies to (empty: all), and the share of users it reaches
 * ({@code rollout_percent}, 0-100, in steps of 0.001). {@code variants} optionally maps {@code on}/{@code off} to
 * values for non-boolean evaluations.
 */
public record Flag(String key, String description, boolean enabled, double rolloutPercent, Set<String> tiers,
                   Set<String> allowUsers, Set<String> denyUsers, JsonObject variants, long version, String updatedAt) {

  /** Buckets of the rollout: a user's bucket is in 0..BUCKETS-1. */
  public static final int BUCKETS = 100_000;

  /** The prefix of feature-module flags ({@code module.<name>}). */
  public static final String MODULE_PREFIX = "module.";

  /** Buckets below this number are in: rollout_percent in thousandths. */
  public int threshold() {
    return (int) Math.round(rolloutPercent * (BUCKETS / 100));
  }

  /** The strong ETag of this version. */
  public String etag() {
    return "\"" + version + "\"";
  }

  public boolean isModule() {
    return key.startsWith(MODULE_PREFIX);
  }

  static Flag of(Row r) {
    return new Flag(r.getString("key"), r.getString("description"), r.getBoolean("enabled"),
      r.getDouble("rollout_percent"), set(r.getArrayOfStrings("tiers")), set(r.getArrayOfStrings("allow_users")),
      set(r.getArrayOfStrings("deny_users")), (JsonObject) r.getJson("variants"), r.getLong("version"),
      r.getOffsetDateTime("updated_at").toInstant().toString());
  }

  private static Set<String> set(String[] values) {
    return values == null ? Set.of() : Set.copyOf(Arrays.asList(values));
  }

  public JsonObject toJson() {
    return new JsonObject().put("key", key).put("description", description).put("enabled", enabled)
      .put("rollout_percent", rolloutPercent).put("tiers", sorted(tiers)).put("allow_users", sorted(allowUsers))
      .put("deny_users", sorted(denyUsers)).put("variants", variants).put("version", version)
      .put("updated_at", updatedAt);
  }

  private static JsonArray sorted(Set<String> values) {
    return new JsonArray(values.stream().sorted().toList());
  }
}
