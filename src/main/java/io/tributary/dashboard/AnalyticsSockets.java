package io.tributary.dashboard;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.fanout.StreamSockets;
import io.tributary.http.BearerAuth;
import io.tributary.http.Params;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /ws/analytics/{dashboard_id}?access_token=<token or share token>}: a dashboard's live data. After
 * {@code {"action":"subscribe","filters":{...},"batch":b,...}} the socket receives the records of every
 * stream-bound visualization ({@code update}/{@code updates}, each record's data led by its {@code viz_id}, under
 * the fan-out's delivery rules), and {@code refresh} messages with a visualization's new data when a dataset behind
 * it gets a new version. One per HttpServerVerticle instance; event-loop confined.
 */
public final class AnalyticsSockets {

  private static final Logger LOG = LoggerFactory.getLogger(AnalyticsSockets.class);
  /** A dashboard's data is recomputed at most this often on dataset changes. */
  static final long REFRESH_EVERY_MS = 1_000;

  private final Vertx vertx;
  private final DashboardRepository repository;
  private final DashboardData data;
  private final DashboardChecks.Lookups lookups;
  private final BearerAuth auth;
  private final StreamSockets streams;
  private final Map<String, Board> boards = new HashMap<>();

  /** The open sockets of one dashboard here, and the last data each visualization was shown with. */
  private static final class Board {
    final UUID owner;
    final Set<Client> clients = new LinkedHashSet<>();
    final Map<String, Integer> shown = new HashMap<>();
    long timer = -1;

    Board(UUID owner) {
      this.owner = owner;
    }
  }

  /** One socket and its stream feeds. */
  private static final class Client {
    final ServerWebSocket socket;
    final List<StreamSockets.Watch> watches = new ArrayList<>();

    Client(ServerWebSocket socket) {
      this.socket = socket;
    }

    void stop() {
      watches.forEach(StreamSockets.Watch::close);
      watches.clear();
    }
  }

  AnalyticsSockets(Vertx vertx, DashboardRepository repository, DashboardData data, DashboardChecks.Lookups lookups,
                   BearerAuth auth, StreamSockets streams) {
    this.vertx = vertx;
    this.repository = repository;
    this.data = data;
    this.lookups = lookups;
    this.auth = auth;
    this.streams = streams;
  }

  void mount(Router router) {
    router.get("/ws/analytics/:dashboard_id").handler(this::open);
  }

  /** A dataset of this owner (null: of anyone) changed: refresh their open dashboards. */
  void changed(UUID owner) {
    boards.forEach((id, board) -> {
      if (owner == null || owner.equals(board.owner)) {
        scheduleRefresh(id, board);
      }
    });
  }

  private void open(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "dashboard_id", "Dashboard");
    String token = BearerAuth.token(ctx.request(), true);
    if (token == null) {
      ctx.fail(new ApiException(ErrorCode.UNAUTHORIZED, "Pass a token or a share token as ?access_token="));
      return;
    }
    ctx.request().pause();
    Future<JsonObject> dashboard = token.indexOf('.') >= 0
      ? auth.authenticate(token).compose(caller -> repository.find(id, caller.id())).compose(DashboardRoutes::found)
      : ShareRoutes.resolve(repository, lookups, token).compose(d -> id.toString().equals(d.getString("dashboard_id"))
        ? Future.succeededFuture(d) : Future.failedFuture(ApiException.notFound("Dashboard")));
    dashboard.compose(d -> ctx.request().toWebSocket().map(ws -> {
      serve(d, auth.track(token, ws)); // closed with 4401 when the token is revoked
      return null;
    })).onFailure(ctx::fail);
  }

  private void serve(JsonObject dashboard, ServerWebSocket socket) {
    String id = dashboard.getString("dashboard_id");
    Board board = boards.get(id);
    if (board == null) {
      board = new Board(UUID.fromString(dashboard.getString("owner_id")));
      boards.put(id, board);
      refresh(id, board); // the data shown now: later changes are compared with it
    }
    Board opened = board;
    Client client = new Client(socket);
    opened.clients.add(client);
    socket.drainHandler(v -> client.watches.forEach(StreamSockets.Watch::pump));
    socket.shutdownHandler(v -> socket.close((short) 1001, "The server is shutting down"));
    socket.exceptionHandler(err -> { });
    socket.closeHandler(v -> {
      client.stop();
      opened.clients.remove(client);
      if (opened.clients.isEmpty()) {
        vertx.cancelTimer(opened.timer);
        boards.remove(id);
      }
    });
    socket.textMessageHandler(text -> {
      JsonObject message;
      try {
        message = new JsonObject(text);
      } catch (RuntimeException e) {
        error(socket, "Messages must be JSON objects like {\"action\":\"subscribe\",\"filters\":{}}");
        return;
      }
      switch (message.getValue("action") instanceof String a ? a : "") {
        case "subscribe" -> subscribe(id, opened, client, message);
        case "unsubscribe" -> {
          client.stop();
          send(socket, "unsubscribed", new JsonObject().put("dashboard_id", id));
        }
        default -> error(socket, "Unknown action; use subscribe or unsubscribe");
      }
    });
  }

  /** (Re)starts the live feeds of the dashboard's stream-bound visualizations for this socket. */
  private void subscribe(String id, Board board, Client client, JsonObject options) {
    repository.findAny(UUID.fromString(id)).compose(DashboardRoutes::found).compose(d -> {
      List<Future<JsonObject>> live = new ArrayList<>();
      for (Object o : d.getJsonArray("visualizations")) {
        JsonObject viz = (JsonObject) o;
        JsonObject stream = viz.getJsonObject("stream");
        if (stream != null) {
          live.add(lookups.streamId(board.owner, stream.getString("name")).map(streamId -> new JsonObject()
            .put("viz_id", viz.getString("viz_id")).put("stream_id", streamId)
            .put("filters", stream.getJsonObject("filters", new JsonObject()))));
        }
      }
      return Future.all(live).map(done -> live.stream().map(Future::result).filter(v -> v.getString("stream_id") != null)
        .toList());
    }).compose(feeds -> Future.all(feeds.stream().map(f -> io.tributary.fanout.FanoutContract.following(vertx,
      f.getString("stream_id"))).toList()).map(feeds)).onSuccess(feeds -> {
      client.stop();
      try {
        for (JsonObject f : feeds) {
          client.watches.add(streams.watch(f.getString("stream_id"), client.socket, options, f.getJsonObject("filters"),
            f.getString("viz_id")));
        }
      } catch (IllegalArgumentException e) {
        client.stop();
        error(client.socket, e.getMessage());
        return;
      }
      send(client.socket, "subscribed", new JsonObject().put("dashboard_id", id).put("live", new JsonArray(
        feeds.stream().map(f -> f.getString("viz_id")).toList())));
    }).onFailure(err -> error(client.socket, ApiException.of(err).getMessage()));
  }

  private void scheduleRefresh(String id, Board board) {
    if (board.timer == -1) {
      board.timer = vertx.setTimer(REFRESH_EVERY_MS, t -> {
        board.timer = -1;
        refresh(id, board);
      });
    }
  }

  /** Sends the new data of every query-bound visualization whose data changed (stream-bound ones are live). */
  private void refresh(String id, Board board) {
    repository.findAny(UUID.fromString(id)).compose(DashboardRoutes::found).compose(d -> {
      JsonArray queried = new JsonArray();
      d.getJsonArray("visualizations").forEach(v -> {
        if (!((JsonObject) v).containsKey("stream")) {
          queried.add(v);
        }
      });
      if (queried.isEmpty()) {
        return Future.succeededFuture();
      }
      return data.of(d.copy().put("visualizations", queried), DashboardRoutes.DEFAULT_WIDTH).map(Buffer::toJsonObject)
        .map(reply -> {
          for (Object o : reply.getJsonArray("visualizations")) {
            JsonObject viz = (JsonObject) o;
            int hash = new JsonObject().put("r", viz.getValue("results")).put("e", viz.getValue("error")).hashCode();
            Integer before = board.shown.put(viz.getString("viz_id"), hash);
            if (before != null && before != hash) {
              board.clients.forEach(c -> send(c.socket, "refresh", viz));
            }
          }
          return null;
        });
    }).onFailure(err -> LOG.debug("Dashboard {} not refreshed: {}", id, err.getMessage()));
  }

  private static void send(ServerWebSocket socket, String type, JsonObject data) {
    socket.writeTextMessage(new JsonObject().put("type", type).put("data", data)
      .put("timestamp", Instant.now().toString()).encode());
  }

  private static void error(ServerWebSocket socket, String message) {
    send(socket, "error", new JsonObject().put("code", "BAD_REQUEST").put("message", message));
  }
}
