package io.tributary.app;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.fanout.StreamSockets;
import io.tributary.fanout.UserSockets;
import io.tributary.http.BearerAuth;
import io.tributary.http.Caller;
import io.tributary.http.Params;
import io.tributary.stream.StreamRepository;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/**
 * The WebSocket endpoints; the token comes as {@code ?access_token=} (browsers cannot set headers on a socket)
 * and is checked before the upgrade: a missing or bad one is refused with 401 and the error envelope.
 * <ul>
 *   <li>{@code /ws/events}: the caller's job events.</li>
 *   <li>{@code /ws/streams/{name}}: the live records of the caller's stream, or with {@code ?owner=<user id>} of
 *       a stream shared with the caller (anything else: 404 before the upgrade).</li>
 * </ul>
 */
public final class SocketRoutes {

  private final BearerAuth auth;
  private final UserSockets sockets;
  private final StreamRepository streams;
  private final StreamSockets streamSockets;

  public SocketRoutes(BearerAuth auth, UserSockets sockets, StreamRepository streams, StreamSockets streamSockets) {
    this.auth = auth;
    this.sockets = sockets;
    this.streams = streams;
    this.streamSockets = streamSockets;
  }

  public void mount(Router router) {
    router.get("/ws/events").handler(this::events);
    router.get("/ws/streams/:name").handler(this::stream);
  }

  private void events(RoutingContext ctx) {
    caller(ctx).onSuccess(caller -> ctx.request().toWebSocket()
        .onSuccess(ws -> sockets.add(caller.id().toString(), goingAwayOnShutdown(tracked(ctx, ws))))
        .onFailure(ctx::fail))
      .onFailure(ctx::fail);
  }

  private void stream(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String owner = ctx.queryParams().get("owner");
    caller(ctx).compose(caller -> {
      UUID ownerId = owner == null || owner.isBlank() ? caller.id() : Params.uuid(owner, "Stream");
      return streams.viewable(ownerId, name, caller.id());
    }).compose(streamId -> streamId == null ? Future.failedFuture(ApiException.notFound("Stream"))
        : ctx.request().toWebSocket()
          .onSuccess(ws -> streamSockets.add(streamId.toString(), name, goingAwayOnShutdown(tracked(ctx, ws)))))
      .onFailure(ctx::fail);
  }

  /** The socket closes with 4401 when its token is revoked. */
  private ServerWebSocket tracked(RoutingContext ctx, ServerWebSocket ws) {
    return auth.track(BearerAuth.token(ctx.request(), true), ws);
  }

  /** When the server shuts down, the socket is closed with 1001 (going away) so clients know to reconnect. */
  private static ServerWebSocket goingAwayOnShutdown(ServerWebSocket ws) {
    ws.shutdownHandler(v -> ws.close((short) 1001, "The server is shutting down"));
    return ws;
  }

  /** The verified caller; the request stays paused (the upgrade needs it) until the answer is known. */
  private Future<Caller> caller(RoutingContext ctx) {
    String token = BearerAuth.token(ctx.request(), true);
    if (token == null) {
      return Future.failedFuture(new ApiException(ErrorCode.UNAUTHORIZED, "Pass the token as ?access_token="));
    }
    ctx.request().pause();
    return auth.authenticate(token);
  }
}
