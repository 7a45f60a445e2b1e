package io.tributary.flag;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.BearerAuth;
import io.tributary.http.Caller;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/**
 * One handler in front of every feature route and socket: a request under a module's path prefix, from a user
 * for whom the flag {@code module.<name>} is off, answers 404 {@code FEATURE_DISABLED} naming the module. The
 * features themselves know nothing of it. API requests carry the caller already ({@link BearerAuth} ran before);
 * socket requests are authenticated here (a missing or bad token is left to the socket route's 401).
 */
public final class ModuleGate implements Handler<RoutingContext> {

  private final FlagStore store;
  private final BearerAuth auth;
  private final String[] prefixes;
  private final String[] modules;

  /** @param prefixes path prefix (a path equal to it or below it) to module name, e.g. {@code /api/v1/ml -> ml} */
  public ModuleGate(FlagStore store, BearerAuth auth, Map<String, String> prefixes) {
    this.store = store;
    this.auth = auth;
    this.prefixes = prefixes.keySet().toArray(new String[0]);
    this.modules = new String[this.prefixes.length];
    for (int i = 0; i < this.prefixes.length; i++) {
      modules[i] = Flag.MODULE_PREFIX + prefixes.get(this.prefixes[i]);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String module = moduleOf(path);
    if (module == null) {
      ctx.next();
    } else if (path.startsWith("/api/")) {
      decide(ctx, module, Caller.of(ctx));
    } else {
      String token = BearerAuth.token(ctx.request(), true);
      if (token == null) {
        ctx.next();
        return;
      }
      ctx.request().pause(); // the upgrade needs the request unread
      auth.authenticate(token).onComplete(ar -> {
        if (ar.succeeded()) {
          decide(ctx, module, ar.result());
        } else {
          ctx.next();
        }
      });
    }
  }

  /** The module flag of a path, or null. */
  String moduleOf(String path) {
    for (int i = 0; i < prefixes.length; i++) {
      String p = prefixes[i];
      if (path.startsWith(p) && (path.length() == p.length() || path.charAt(p.length()) == '/')) {
        return modules[i];
      }
    }
    return null;
  }

  /**
   * Succeeds when module {@code name} is on for the user, else fails with the same 404 FEATURE_DISABLED: for what a
   * route does on someone else's behalf (a share link opened without login acts for the dashboard's owner).
   */
  public Future<Void> require(String name, String userId, String tier) {
    String module = Flag.MODULE_PREFIX + name;
    return store.isOn(module, userId, tier, true) ? Future.succeededFuture()
      : Future.failedFuture(disabled(module, "for the owner of what you opened"));
  }

  private void decide(RoutingContext ctx, String module, Caller caller) {
    if (store.isOn(module, caller.id().toString(), caller.tier(), true)) {
      ctx.next();
    } else {
      ctx.fail(disabled(module, "for you"));
    }
  }

  private static ApiException disabled(String module, String forWhom) {
    String name = module.substring(Flag.MODULE_PREFIX.length());
    return new ApiException(ErrorCode.FEATURE_DISABLED, "The " + name + " module is switched off " + forWhom,
      new JsonObject().put("module", name).put("flag", module));
  }
}
