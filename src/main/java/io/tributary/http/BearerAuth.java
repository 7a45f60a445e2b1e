package io.tributary.http;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.logging.LogContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Verifies the bearer token of every {@code /api} request (RS256 signature, issuer, expiry, not revoked) and
 * records the {@link Caller}; a verified token is remembered (per event loop) until it expires, and checked against
 * the in-memory revocation list on every use. Sockets opened with a token ({@link #track}) are closed with 4401 as
 * soon as it is revoked. Unlike vertx-web's {@code JWTAuthHandler} it never resumes the request: the upload route
 * keeps its body paused until it has installed its multipart handlers, and a resume here would deliver (and drop) a
 * body that had already arrived.
 */
public final class BearerAuth implements Handler<RoutingContext> {

  /** The close code of a socket whose token was revoked. */
  public static final short REVOKED_CLOSE_CODE = 4401;
  private static final int MAX_CACHED_TOKENS = 10_000;
  private static final String TOKEN_KEY = "tributary.token";

  private final JWTAuth auth;
  private final TokenRevocations revocations;
  /** Tokens verified on this event loop, until they expire: the RSA check is the costliest step of a request. */
  private final Map<String, Verified> verified = new HashMap<>();
  /** Open sockets of this event loop and the token each was opened with. */
  private final Map<ServerWebSocket, Verified> sockets = new IdentityHashMap<>();
  private long tracked;

  /** What a verified token says: its caller, id ({@code jti}, null in old tokens), issue time and expiry. */
  public record Verified(Caller caller, String jti, long issuedAtMs, long expiresAt) {
  }

  public BearerAuth(JWTAuth auth) {
    this(auth, TokenRevocations.NONE);
  }

  /** Call on the event loop that will use it: revocations close this loop's sockets on it. */
  public BearerAuth(JWTAuth auth, TokenRevocations revocations) {
    this.auth = auth;
    this.revocations = revocations;
    Context context = Vertx.currentContext();
    revocations.onRevocation(() -> {
      if (context == null) {
        closeRevoked();
      } else {
        context.runOnContext(v -> closeRevoked());
      }
    });
  }

  @Override
  public void handle(RoutingContext ctx) {
    String token = token(ctx.request(), false);
    if (token == null) {
      ctx.fail(new ApiException(ErrorCode.UNAUTHORIZED, "A bearer token is required (Authorization: Bearer <token>)"));
      return;
    }
    verify(token)
      .onSuccess(v -> {
        Caller.set(ctx, v.caller());
        ctx.put(TOKEN_KEY, v);
        LogContext.user(v.caller().id().toString());
        ctx.next();
      })
      .onFailure(ctx::fail);
  }

  /** The verified token of an authenticated request. */
  public static Verified verified(RoutingContext ctx) {
    Verified v = ctx.get(TOKEN_KEY);
    if (v == null) {
      throw new ApiException(ErrorCode.UNAUTHORIZED, "A valid bearer token is required");
    }
    return v;
  }

  /** The caller a token names, or a 401 failure when it is invalid, expired or revoked. */
  public Future<Caller> authenticate(String token) {
    return verify(token).map(Verified::caller);
  }

  /** Closes {@code socket} with 4401 once {@code token} (if it is a verified one) is revoked; returns the socket. */
  public ServerWebSocket track(String token, ServerWebSocket socket) {
    Verified v = token == null ? null : verified.get(token);
    if (v != null) {
      if (++tracked % 256 == 0) {
        sockets.keySet().removeIf(ServerWebSocket::isClosed); // the features own the close handlers
      }
      sockets.put(socket, v);
    }
    return socket;
  }

  private void closeRevoked() {
    sockets.entrySet().removeIf(e -> {
      if (e.getKey().isClosed()) {
        return true;
      }
      if (revoked(e.getValue())) {
        e.getKey().close(REVOKED_CLOSE_CODE, "The token has been revoked");
        return true;
      }
      return false;
    });
  }

  private boolean revoked(Verified v) {
    return revocations.revoked(v.jti(), v.caller().id().toString(), v.issuedAtMs());
  }

  private Future<Verified> verify(String token) {
    Verified known = verified.get(token);
    long now = System.currentTimeMillis() / 1000;
    if (known != null) {
      if (known.expiresAt() > now) {
        return revoked(known) ? Future.failedFuture(revokedError()) : Future.succeededFuture(known);
      }
      verified.remove(token);
    }
    return auth.authenticate(new TokenCredentials(token))
      .recover(err -> Future.failedFuture(new ApiException(ErrorCode.UNAUTHORIZED, "The token is invalid or expired")))
      .compose(user -> {
        Verified v = of(user);
        if (revoked(v)) {
          return Future.failedFuture(revokedError());
        }
        if (v.expiresAt() > now) {
          if (verified.size() >= MAX_CACHED_TOKENS) {
            verified.clear();
          }
          verified.put(token, v);
        }
        return Future.succeededFuture(v);
      });
  }

  private static Verified of(User user) {
    JsonObject p = user.principal();
    // vertx-auth-jwt keeps exp (like iat and nbf) in the user's attributes, not in the principal
    long exp = user.attributes().getLong("exp", p.getLong("exp", 0L));
    long iat = user.attributes().getLong("iat", p.getLong("iat", 0L));
    // tokens carry iat_ms since revocation came; older ones count as issued at the end of their second
    long iatMs = p.getLong("iat_ms", iat * 1000 + 999);
    return new Verified(Caller.of(user), p.getString("jti"), iatMs, exp);
  }

  private static ApiException revokedError() {
    return new ApiException(ErrorCode.UNAUTHORIZED, "The token has been revoked; log in again");
  }

  /**
   * The bearer token of a request: the {@code Authorization} header, or (for WebSockets, which browsers open
   * without headers) the {@code access_token} query parameter when {@code allowQuery}; null when absent.
   */
  public static String token(HttpServerRequest request, boolean allowQuery) {
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = header.substring(7); // one copy per request: trim returns the same string when there is no space
      if (!token.isBlank()) {
        return token.trim();
      }
    }
    if (allowQuery) {
      String query = request.getParam("access_token");
      return query == null || query.isBlank() ? null : query;
    }
    return null;
  }
}
