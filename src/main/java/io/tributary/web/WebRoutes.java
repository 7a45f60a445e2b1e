package io.tributary.web;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Serves the web app (plain ES modules, HTML and CSS under {@code webroot/} on the class path) at {@code /}.
 * App paths ({@code /datasets/<id>}, {@code /shared/<token>}, ...) answer {@code index.html}, which routes on
 * the client. Nothing here answers under the server's own prefixes ({@code /api}, {@code /ws}, {@code /health},
 * {@code /metrics}, {@code /openapi.yaml}, {@code /.well-known}): those stay with their routes, or 404 in the
 * error envelope. Mount it after every other route.
 */
public final class WebRoutes {

  /** The folder of the app on the class path. */
  public static final String WEB_ROOT = "webroot";
  /** Paths the client-side router knows; each answers the app's page. */
  static final Pattern APP_PATHS = Pattern.compile(
    "/|/login|/datasets(/[0-9a-f-]{36})?|/query|/dashboards(/[0-9a-f-]{36}(/edit)?|/new)?|/shared/[A-Za-z0-9_.~-]{1,200}");
  private static final List<String> RESERVED = List.of("/api/", "/ws/", "/health/", "/metrics", "/openapi.yaml",
    "/.well-known/");
  /** Vendored libraries live in versioned folders, so browsers may keep them for a year without asking. */
  private static final String VENDOR = "/vendor/";
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";
  /** The app's own files have no versioned names: browsers revalidate them (a 304 when unchanged). */
  private static final String REVALIDATE = "no-cache";
  private static final String PAGE_SECURITY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    + "img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; form-action 'self'";

  private final StaticHandler files = StaticHandler.create(WEB_ROOT)
    .setCachingEnabled(true)
    .setDirectoryListing(false)
    .setIncludeHidden(false)
    .setIndexPage("index.html");

  /** Adds the app's routes; call it last, so every API route is matched first. */
  public void mount(Router router) {
    router.getWithRegex(APP_PATHS.pattern()).handler(this::page);
    // every method, so a POST to an unknown path stays a 404 (a GET-only route here would make it a 405)
    router.route().handler(this::file);
  }

  private void page(RoutingContext ctx) {
    ctx.response()
      .putHeader("Content-Type", "text/html; charset=utf-8")
      .putHeader("Cache-Control", REVALIDATE)
      .putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("Referrer-Policy", "no-referrer")
      .putHeader("Content-Security-Policy", PAGE_SECURITY)
      .sendFile(WEB_ROOT + "/index.html")
      .onFailure(ctx::fail);
  }

  private void file(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    HttpMethod method = ctx.request().method();
    if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method) || reserved(path)) {
      ctx.next();
      return;
    }
    String cacheControl = path.startsWith(VENDOR) ? IMMUTABLE : REVALIDATE;
    ctx.addHeadersEndHandler(v -> {
      if (ctx.response().getStatusCode() < 400) {
        ctx.response().putHeader("Cache-Control", cacheControl).putHeader("X-Content-Type-Options", "nosniff");
      }
    });
    files.handle(ctx);
  }

  static boolean reserved(String path) {
    for (String prefix : RESERVED) {
      if (path.startsWith(prefix) || prefix.endsWith("/") && path.equals(prefix.substring(0, prefix.length() - 1))) {
        return true;
      }
    }
    return false;
  }
}
