package io.tributary.auth;

import io.tributary.audit.AuditEvent;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.http.Caller;
import io.tributary.http.ContractValidation;
import io.tributary.http.Json;
import io.tributary.http.RequestIdHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;

import java.util.regex.Pattern;

/** Login, user creation (admin) and the public keys that verify tokens. */
public final class AuthRoutes {

  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,255}$");

  private final Vertx vertx;
  private final UserRepository users;
  private final Tokens tokens;
  private final JsonObject jwks;
  private final LoginThrottle throttle;

  public AuthRoutes(Vertx vertx, UserRepository users, Tokens tokens, JsonObject jwks, LoginThrottle throttle) {
    this.vertx = vertx;
    this.users = users;
    this.tokens = tokens;
    this.jwks = jwks;
    this.throttle = throttle;
  }

  /** Routes that need no token. */
  public void mountPublic(Router router, ContractValidation contract) {
    router.post("/api/v1/auth/login").handler(contract.jsonBody("login")).handler(this::login);
    router.get("/.well-known/jwks.json").handler(ctx -> Json.ok(ctx, jwks));
  }

  /** Routes behind the token check. */
  public void mountProtected(Router router, ContractValidation contract) {
    router.post("/api/v1/users").handler(Caller.requireRole(Caller.ADMIN)).handler(contract.jsonBody("createUser"))
      .handler(this::createUser);
  }

  private void login(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    String email = Json.requiredString(body, "email", 320);
    String password = Json.requiredString(body, "password", 1024);
    String ip = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    throttle.retryAfter(email, ip)
      .compose(wait -> wait > 0 ? throttled(ctx, wait) : users.findByEmail(email))
      .compose(user -> vertx.executeBlocking(() -> {
        boolean ok = Passwords.verify(user == null ? Passwords.decoyHash() : user.getString("password_hash"), password);
        return ok && user != null ? user : null;
      }, false)
        .compose(found -> found == null ? failed(ctx, email, ip, user) : Future.succeededFuture(found)))
      .compose(user -> {
        if (!user.getBoolean("active", true)) {
          return Future.failedFuture(new ApiException(ErrorCode.INVALID_CREDENTIALS, "This account is deactivated"));
        }
        return throttle.succeeded(email).compose(v -> users.touchLogin(user.getString("id")))
          .map(v -> tokens.issue(user));
      })
      .onSuccess(token -> Json.ok(ctx, token))
      .onFailure(ctx::fail);
  }

  private <T> Future<T> throttled(RoutingContext ctx, long wait) {
    ctx.response().putHeader("Retry-After", Long.toString(wait));
    return Future.failedFuture(new ApiException(ErrorCode.RATE_LIMITED, "Too many failed logins; retry in " + wait
      + " s", new JsonObject().put("retry_after_seconds", wait)));
  }

  /** Counts and audits a failed login (the user's id when the email is known; no email or password is kept). */
  private <T> Future<T> failed(RoutingContext ctx, String email, String ip, JsonObject user) {
    return throttle.failed(email, ip)
      .compose(count -> users.auditFailure(new AuditEvent(null, "anonymous", "auth.login_failed", "user",
        user == null ? null : user.getString("id"), null, new JsonObject().put("ip", ip)
        .put("known_user", user != null).put("account_failures", count), RequestIdHandler.requestId(ctx))))
      .transform(x -> Future.failedFuture(new ApiException(ErrorCode.INVALID_CREDENTIALS, "Email or password is wrong")));
  }

  private void createUser(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    String email = Json.requiredString(body, "email", 320);
    if (!EMAIL.matcher(email).matches()) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "email is not a valid address",
        new JsonObject().put("field", "email"));
    }
    String password = Json.requiredString(body, "password", 1024);
    String weakness = PasswordPolicy.weakness(password);
    if (weakness != null) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "password is too weak: " + weakness + " (it needs "
        + PasswordPolicy.RULE + ")", new JsonObject().put("field", "password"));
    }
    String role = Json.oneOf(body, "role", Caller.ROLES, Caller.VIEWER);
    String tier = Json.oneOf(body, "tier", Caller.TIERS, "free");
    vertx.executeBlocking(() -> Passwords.hash(password), false)
      .compose(hash -> users.insert(email, hash, role, tier, AuditEvent.by(ctx, "user.created", "user", null, null, null)))
      .recover(err -> Future.failedFuture(err instanceof PgException pg && "23505".equals(pg.getSqlState())
        ? new ApiException(ErrorCode.EMAIL_EXISTS, "A user with this email already exists") : err))
      .onSuccess(user -> Json.created(ctx, user))
      .onFailure(ctx::fail);
  }
}
