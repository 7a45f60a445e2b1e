package io.tributary.collection;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** Collection names that only an admin with {@code force=true} may delete or clear ({@code collection.protected_patterns}). */
final class ProtectedNames {

  static final List<String> DEFAULTS = List.of("tributary_*", "*_system", "_internal*");

  private final List<String> patterns;

  ProtectedNames(JsonArray patterns) {
    this.patterns = patterns == null ? DEFAULTS : patterns.stream().map(String::valueOf).toList();
  }

  /** The first pattern the name matches, or null. */
  String pattern(String name) {
    return patterns.stream().filter(p -> Glob.matches(p, name)).findFirst().orElse(null);
  }

  /**
   * Refuses (409 PROTECTED_NAME, saying why) to let a protected collection be {@code what} unless an admin forces it.
   *
   * @return whether the operation goes ahead only because it was forced
   */
  boolean check(String name, Caller caller, boolean force, String what) {
    String pattern = pattern(name);
    if (pattern == null) {
      return false;
    }
    if (Caller.ADMIN.equals(caller.role()) && force) {
      return true;
    }
    throw new ApiException(ErrorCode.PROTECTED_NAME, "The collection " + name + " is protected (its name matches '"
      + pattern + "' of collection.protected_patterns), so it cannot be " + what + " unless an admin sends force=true",
      new JsonObject().put("name", name).put("pattern", pattern));
  }
}
