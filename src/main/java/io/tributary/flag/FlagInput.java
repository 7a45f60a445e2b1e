package io.tributary.flag;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** A flag's settable fields, validated: what POST creates, PATCH merges into, and configuration seeds. */
public record FlagInput(String key, String description, boolean enabled, double rolloutPercent, Set<String> tiers,
                        Set<String> allowUsers, Set<String> denyUsers, JsonObject variants) {

  static final Pattern KEY = Pattern.compile("^[a-z][a-z0-9_.-]{0,99}$");
  static final Set<String> TIERS = Caller.TIERS;
  static final int MAX_USERS = 10_000;

  /** The fields of an existing flag. */
  static FlagInput of(Flag f) {
    return new FlagInput(f.key(), f.description(), f.enabled(), f.rolloutPercent(), f.tiers(), f.allowUsers(),
      f.denyUsers(), f.variants());
  }

  /** A new flag from a request body: {@code key} required, the rest defaulting to on for everyone. */
  public static FlagInput create(JsonObject body) {
    Object key = body.getValue("key");
    if (!(key instanceof String k) || !KEY.matcher(k).matches()) {
      throw invalid("key", "key must match " + KEY.pattern());
    }
    return new FlagInput(k, "", true, 100, Set.of(), Set.of(), Set.of(), null).merge(body);
  }

  /** These fields with those present in {@code body} replacing them (the key never changes). */
  public FlagInput merge(JsonObject body) {
    if (body.containsKey("key") && !key.equals(body.getValue("key"))) {
      throw invalid("key", "key cannot be changed");
    }
    String desc = description;
    if (body.containsKey("description")) {
      if (!(body.getValue("description") instanceof String d) || d.length() > 1000) {
        throw invalid("description", "description must be text of at most 1000 characters");
      }
      desc = d;
    }
    boolean on = enabled;
    if (body.containsKey("enabled")) {
      if (!(body.getValue("enabled") instanceof Boolean b)) {
        throw invalid("enabled", "enabled must be true or false");
      }
      on = b;
    }
    double percent = rolloutPercent;
    if (body.containsKey("rollout_percent")) {
      if (!(body.getValue("rollout_percent") instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= 100)) {
        throw invalid("rollout_percent", "rollout_percent must be a number from 0 to 100");
      }
      percent = n.doubleValue();
    }
    Set<String> t = body.containsKey("tiers") ? strings(body, "tiers", 2) : tiers;
    if (!TIERS.containsAll(t)) {
      throw invalid("tiers", "tiers must be among " + TIERS.stream().sorted().toList());
    }
    Set<String> allow = body.containsKey("allow_users") ? strings(body, "allow_users", MAX_USERS) : allowUsers;
    Set<String> deny = body.containsKey("deny_users") ? strings(body, "deny_users", MAX_USERS) : denyUsers;
    JsonObject v = variants;
    if (body.containsKey("variants")) {
      Object raw = body.getValue("variants");
      if (raw != null && !(raw instanceof JsonObject)) {
        throw invalid("variants", "variants must be an object such as {\"on\": ..., \"off\": ...} or null");
      }
      v = (JsonObject) raw;
    }
    return new FlagInput(key, desc, on, percent, t, allow, deny, v);
  }

  /** The same flag switched off. */
  FlagInput killed() {
    return new FlagInput(key, description, false, rolloutPercent, tiers, allowUsers, denyUsers, variants);
  }

  private static Set<String> strings(JsonObject body, String field, int max) {
    if (!(body.getValue(field) instanceof JsonArray a) || a.size() > max) {
      throw invalid(field, field + " must be a list of at most " + max + " strings");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object o : a) {
      if (!(o instanceof String s) || s.isEmpty() || s.length() > 200) {
        throw invalid(field, field + " must hold strings of 1 to 200 characters");
      }
      out.add(s);
    }
    return Set.copyOf(out);
  }

  private static ApiException invalid(String field, String message) {
    return new ApiException(ErrorCode.VALIDATION_FAILED, message, new JsonObject().put("field", field));
  }
}
