package io.tributary.http;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.logging.LogContext;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.Map;

/**
 * Verifies the bearer token of every {@code /api} request (RS256 signature, issuer, expiry) and records the
 * {@link Caller}; a verified token is remembered (per event loop) until it expires. Unlike vertx-web's
 * {@code JWTAuthHandler} it never resumes the request: the upload route keeps its body paused until it has
 * installed its multipart handlers, and a resume here would deliver (and drop) a body that had already arrived.
 */
public final class BearerAuth implements Handler<RoutingContext> {

  private static final int MAX_CACHED_TOKENS = 10_000;

  private final JWTAuth auth;
  /** Tokens verified on this event loop, until they expire: the RSA check is the costliest step of a request. */
  private final Map<String, Verified> verified = new HashMap<>();

  private record Verified(Caller caller, long expiresAt) {
  }

  public BearerAuth(JWTAuth auth) {
    this.auth = auth;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String token = token(ctx.request(), false);
    if (token == null) {
      ctx.fail(new ApiException(ErrorCode.UNAUTHORIZED, "A bearer token is required (Authorization: Bearer <token>)"));
      return;
    }
    authenticate(token)
      .onSuccess(caller -> {
        Caller.set(ctx, caller);
        LogContext.user(caller.id().toString());
        ctx.next();
      })
      .onFailure(ctx::fail);
  }

  /** The caller a token names, or a 401 failure when it is invalid or expired. */
  public Future<Caller> authenticate(String token) {
    Verified known = verified.get(token);
    long now = System.currentTimeMillis() / 1000;
    if (known != null) {
      if (known.expiresAt() > now) {
        return Future.succeededFuture(known.caller());
      }
      verified.remove(token);
    }
    return auth.authenticate(new TokenCredentials(token))
      .map(user -> {
        Caller caller = Caller.of(user);
        // vertx-auth-jwt keeps exp (like iat and nbf) in the user's attributes, not in the principal
        long exp = user.attributes().getLong("exp", user.principal().getLong("exp", 0L));
        if (exp > now) {
          if (verified.size() >= MAX_CACHED_TOKENS) {
            verified.clear();
          }
          verified.put(token, new Verified(caller, exp));
        }
        return caller;
      })
      .recover(err -> Future.failedFuture(new ApiException(ErrorCode.UNAUTHORIZED, "The token is invalid or expired")));
  }

  /**
   * The bearer token of a request: the {@code Authorization} header, or (for WebSockets, which browsers open
   * without headers) the {@code access_token} query parameter when {@code allowQuery}; null when absent.
   */
  public static String token(HttpServerRequest request, boolean allowQuery) {
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && !header.substring(7).isBlank()) {
      return header.substring(7).trim();
    }
    if (allowQuery) {
      String query = request.getParam("access_token");
      return query == null || query.isBlank() ? null : query;
    }
    return null;
  }
}
